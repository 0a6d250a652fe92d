package dev.identityservice.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the launcher finds the webapp: in {@code target/classes} during the build, in the jar when shipped. */
class WebappLocationTest {

    @Test
    void webappWhenInsideAJarThenNotAnAliasAndThePageResolves(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : List.of("webapp/WEB-INF/web.xml", "webapp/index.html")) {
                out.putNextEntry(new JarEntry(name));
                out.write(Files.readAllBytes(Path.of("src/main/" + name)));
                out.closeEntry();
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
                ResourceFactory.Closeable factory = ResourceFactory.closeable()) {
            Resource webapp = SampleApp.webapp(factory, loader);
            assertEquals("jar", webapp.getURI().getScheme());
            // An alias base makes Jetty refuse to serve the page: the bug this guards against.
            assertFalse(webapp.isAlias(), webapp.getURI().toString());
            Resource page = webapp.resolve("index.html");
            assertTrue(page.exists());
            assertFalse(page.isAlias());
        }
    }

    @Test
    void webappWhenOnTheBuildClasspathThenADirectory() throws Exception {
        try (ResourceFactory.Closeable factory = ResourceFactory.closeable()) {
            Resource webapp = SampleApp.webapp(factory, SampleApp.class.getClassLoader());
            assertTrue(webapp.isDirectory());
            assertTrue(webapp.resolve("WEB-INF/web.xml").exists());
        }
    }

    @Test
    void webappWhenMissingThenFailsNamingWhatIsMissing() throws Exception {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null);
                ResourceFactory.Closeable factory = ResourceFactory.closeable()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> SampleApp.webapp(factory, empty));
            assertEquals("webapp/WEB-INF/web.xml is not on the classpath", e.getMessage());
        }
    }
}
