package dev.identityservice.sample;

import dev.identityservice.guard.GuardConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.URIUtil;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * Runs the sample in an embedded Jetty: {@code java -jar sample-webapp/target/sample-app.jar}.
 *
 * <p>It deploys the very {@code web.xml} and page a WAR container would (from {@code webapp/} on
 * the classpath, which is the jar or {@code target/classes}), in a {@link WebAppContext}, so what
 * runs here is what ships. Options become the {@code web.xml} placeholders by setting system
 * properties, which the guard reads before environment variables; see {@link LauncherOptions}.
 */
public final class SampleApp implements AutoCloseable {

    /** Where the webapp lies on the classpath. */
    static final String WEBAPP_ON_CLASSPATH = "webapp/";
    private static final String WEB_XML = "WEB-INF/web.xml";

    private final Server server;
    private final URI url;
    private final PageConfig page;
    private final GuardConfig guard;
    private final Map<String, String> replacedProperties;

    private SampleApp(Server server, URI url, PageConfig page, GuardConfig guard, Map<String, String> replacedProperties) {
        this.server = server;
        this.url = url;
        this.page = page;
        this.guard = guard;
        this.replacedProperties = replacedProperties;
    }

    public static void main(String[] args) throws Exception {
        LauncherOptions options;
        try {
            options = LauncherOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(LauncherOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(LauncherOptions.USAGE);
            return;
        }
        SampleApp app = start(options);
        System.out.println(app.describe());
        app.server.join();
    }

    /**
     * Starts the app and returns once it serves; a bad setting fails here, naming it.
     *
     * @throws Exception if Jetty cannot listen or the webapp does not deploy
     */
    public static SampleApp start(LauncherOptions options) throws Exception {
        Map<String, String> replaced = setProperties(options.placeholderValues());
        Server server = new Server();
        try {
            ServerConnector connector = new ServerConnector(server);
            connector.setHost(options.host());
            connector.setPort(options.port());
            server.addConnector(connector);
            WebAppContext context = new WebAppContext();
            context.setContextPath("/");
            context.setBaseResource(webapp(ResourceFactory.of(server), SampleApp.class.getClassLoader()));
            // The classes are on the launcher's classpath already, not under WEB-INF.
            context.setParentLoaderPriority(true);
            context.setThrowUnavailableOnStartupException(true);
            server.setHandler(context);
            server.setStopAtShutdown(true);
            server.start();
            URI url = URI.create("http://" + options.host() + ":" + connector.getLocalPort() + "/");
            ServletContext servletContext = context.getServletContext();
            GuardConfig guard = GuardSettings.of(servletContext);
            return new SampleApp(server, url, PageConfig.of(guard, pageParams(servletContext)), guard, replaced);
        } catch (Exception | Error e) {
            server.stop();
            restoreProperties(replaced);
            throw e;
        }
    }

    /** The address the app serves at, ending in {@code /}. */
    public URI url() {
        return url;
    }

    /** One line for humans: where the app is and whom it trusts. */
    public String describe() {
        return "Sample app at " + url + " (issuer " + guard.issuer() + ", audience " + String.join(",", guard.audiences())
                + ", page client id " + page.clientId() + ", scope \"" + page.scope() + "\")";
    }

    /** Stops Jetty and puts back the system properties the options replaced. */
    @Override
    public void close() throws Exception {
        try {
            server.stop();
        } finally {
            restoreProperties(replacedProperties);
        }
    }

    /**
     * The webapp directory on {@code loader}'s classpath, in a jar or not. The URI is corrected to
     * {@code file:///} form: Jetty treats {@code jar:file:/...} as an alias of it and would then
     * refuse to serve the page from the jar.
     */
    static Resource webapp(ResourceFactory factory, ClassLoader loader) throws URISyntaxException {
        URL descriptor = loader.getResource(WEBAPP_ON_CLASSPATH + WEB_XML);
        if (descriptor == null) {
            throw new IllegalStateException(WEBAPP_ON_CLASSPATH + WEB_XML + " is not on the classpath");
        }
        String text = descriptor.toURI().toString();
        return factory.newResource(URIUtil.correctURI(URI.create(text.substring(0, text.length() - WEB_XML.length()))));
    }

    private static Function<String, String> pageParams(ServletContext context) {
        ServletRegistration registration = context.getServletRegistrations().values().stream()
                .filter(r -> PageConfigServlet.class.getName().equals(r.getClassName()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("web.xml declares no " + PageConfigServlet.class.getName()));
        return registration::getInitParameter;
    }

    /** Sets each property and returns what it replaced (null values: was not set). */
    private static Map<String, String> setProperties(Map<String, String> values) {
        Map<String, String> replaced = new LinkedHashMap<>();
        values.forEach((name, value) -> replaced.put(name, System.setProperty(name, value)));
        return replaced;
    }

    private static void restoreProperties(Map<String, String> replaced) {
        replaced.forEach((name, previous) -> {
            if (previous == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, previous);
            }
        });
    }
}
