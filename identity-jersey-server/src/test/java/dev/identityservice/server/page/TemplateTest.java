package dev.identityservice.server.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {

    @Test
    void renderWhenValueHasMarkupThenEveryHtmlSpecialCharacterEscaped() {
        String html = Template.of("<p title=\"{{t}}\">{{t}}</p>").render(Map.of("t", "<a href='x'>&\"</a>"));

        assertEquals("<p title=\"&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;\">&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;</p>", html);
    }

    @Test
    void renderWhenSafeValueThenInsertedAsIs() {
        assertEquals("<div><b>x</b></div>", Template.of("<div>{{x}}</div>").render(Map.of("x", new Html.Safe("<b>x</b>"))));
    }

    @Test
    void renderWhenSlotHasNoValueThenFails() {
        assertThrows(IllegalArgumentException.class, () -> Template.of("{{missing}}").render(Map.of()));
    }

    @Test
    void loginWhenHiddenFieldNameAndValueHostileThenNoMarkupEscapes() {
        String page = Pages.login("<App>", "https://id.example/oauth2/authorize/login",
                Map.of("state\"><script>", "\"><script>alert(1)</script>"), "<u>", "<i>err</i>");

        assertFalse(page.contains("<script"));
        assertFalse(page.contains("<u>") || page.contains("<i>") || page.contains("<App>"));
        assertTrue(page.contains("&lt;App&gt;"));
    }
}
