package dev.identityservice.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.nimbusds.jose.JWSAlgorithm;
import dev.identityservice.guard.GuardConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The sample's web.xml takes algorithms, introspection credentials and per-path roles from placeholders. */
class WebXmlPlaceholdersTest {
    static final List<String> PROPERTIES = List.of("SAMPLE_ALGORITHMS", "SAMPLE_INTROSPECTION_CLIENT_ID",
            "SAMPLE_INTROSPECTION_CLIENT_SECRET", "SAMPLE_REQUIRED_ROLES", "SAMPLE_EVENTS_CLIENT_ID",
            "SAMPLE_EVENTS_CLIENT_SECRET", "SAMPLE_EVENTS_WHEN_STALE", "SAMPLE_EVENTS_MAX_STALENESS");

    @AfterEach
    void clear() {
        PROPERTIES.forEach(System::clearProperty);
    }

    static Map<String, String> guardInitParams() throws Exception {
        var document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Path.of("src/main/webapp/WEB-INF/web.xml").toFile());
        Map<String, String> params = new LinkedHashMap<>();
        NodeList filters = document.getElementsByTagName("filter");
        for (int i = 0; i < filters.getLength(); i++) {
            NodeList initParams = ((Element) filters.item(i)).getElementsByTagName("init-param");
            for (int j = 0; j < initParams.getLength(); j++) {
                Element param = (Element) initParams.item(j);
                params.put(param.getElementsByTagName("param-name").item(0).getTextContent(),
                        param.getElementsByTagName("param-value").item(0).getTextContent());
            }
        }
        return params;
    }

    @Test
    void guardWhenNoPlaceholderSetThenRs256NoIntrospectionNoPathRoles() throws Exception {
        GuardConfig config = GuardConfig.fromInitParams(guardInitParams());
        assertEquals(Set.of(JWSAlgorithm.RS256), config.algorithms());
        assertNull(config.introspection());
        assertEquals(List.of(), config.requiredRoles());
        assertNull(config.events(), "no security-event receiver unless its client id is set");
    }

    @Test
    void guardWhenEventsPlaceholdersSetThenTheReceiverIsConfigured() throws Exception {
        System.setProperty("SAMPLE_EVENTS_CLIENT_ID", "sample-receiver");
        System.setProperty("SAMPLE_EVENTS_CLIENT_SECRET", "s3cret");
        System.setProperty("SAMPLE_EVENTS_WHEN_STALE", "fail-closed");
        System.setProperty("SAMPLE_EVENTS_MAX_STALENESS", "20s");
        GuardConfig.EventsSettings events = GuardConfig.fromInitParams(guardInitParams()).events();
        assertEquals("sample-receiver", events.clientId());
        assertEquals("s3cret", events.clientSecret());
        assertEquals(GuardConfig.EventsSettings.WhenStale.FAIL_CLOSED, events.whenStale());
        assertEquals(java.time.Duration.ofSeconds(20), events.maxStaleness());
    }

    @Test
    void guardWhenPlaceholdersSetThenAlgorithmsIntrospectionAndPathRolesFollow() throws Exception {
        System.setProperty("SAMPLE_ALGORITHMS", "ES256, EdDSA");
        System.setProperty("SAMPLE_INTROSPECTION_CLIENT_ID", "sample-guard");
        System.setProperty("SAMPLE_INTROSPECTION_CLIENT_SECRET", "s3cret");
        System.setProperty("SAMPLE_REQUIRED_ROLES", "/servlet/*=user;/api/admin/*=admin,ops");
        GuardConfig config = GuardConfig.fromInitParams(guardInitParams());
        assertEquals(Set.of(JWSAlgorithm.ES256, JWSAlgorithm.EdDSA), config.algorithms());
        assertEquals("sample-guard", config.introspection().clientId());
        assertEquals("s3cret", config.introspection().clientSecret());
        assertEquals(List.of(new GuardConfig.PathRoles("/servlet/*", Set.of("user")),
                new GuardConfig.PathRoles("/api/admin/*", Set.of("admin", "ops"))), config.requiredRoles());
    }
}
