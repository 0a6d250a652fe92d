package dev.identityservice.guard.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code init()} of a web.xml-configured filter when a placeholder cannot be resolved. */
class PlaceholderInitTest {

    record Params(Map<String, String> values) implements FilterConfig {
        @Override
        public String getFilterName() {
            return "bearer-guard";
        }

        @Override
        public ServletContext getServletContext() {
            return null;
        }

        @Override
        public String getInitParameter(String name) {
            return values.get(name);
        }

        @Override
        public Enumeration<String> getInitParameterNames() {
            return Collections.enumeration(values.keySet());
        }
    }

    @Test
    void initWhenPlaceholderUnresolvableThenServletExceptionNamesFilterParamAndPlaceholder() {
        BearerTokenFilter filter = new BearerTokenFilter();
        ServletException e = assertThrows(ServletException.class, () -> filter.init(new Params(Map.of(
                "issuer", "${GUARD_TEST_SURELY_UNSET_ISSUER}", "audience", "orders-api"))));
        assertEquals("BearerTokenFilter bearer-guard: issuer: ${GUARD_TEST_SURELY_UNSET_ISSUER} is set neither"
                + " as a system property nor as an environment variable, and has no default"
                + " (write ${GUARD_TEST_SURELY_UNSET_ISSUER:default})", e.getMessage());
    }
}
