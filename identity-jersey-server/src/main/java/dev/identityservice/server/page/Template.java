package dev.identityservice.server.page;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A page template with {@code {{name}}} slots, compiled once. Every value is HTML-escaped unless it is an
 * {@link Html.Safe}, so forgetting to escape is impossible rather than merely unlikely.
 */
final class Template {

    private final List<String> literals;
    private final List<String> slots;

    private Template(List<String> literals, List<String> slots) {
        this.literals = literals;
        this.slots = slots;
    }

    static Template of(String text) {
        List<String> literals = new ArrayList<>();
        List<String> slots = new ArrayList<>();
        int start = 0;
        int open;
        while ((open = text.indexOf("{{", start)) >= 0) {
            int close = text.indexOf("}}", open);
            if (close < 0) {
                throw new IllegalArgumentException("unclosed slot at " + open);
            }
            literals.add(text.substring(start, open));
            slots.add(text.substring(open + 2, close).strip());
            start = close + 2;
        }
        literals.add(text.substring(start));
        return new Template(List.copyOf(literals), List.copyOf(slots));
    }

    /** The page; fails on a slot without a value, which is a bug in the caller, not in the input. */
    String render(Map<String, ?> values) {
        StringBuilder out = new StringBuilder(1024);
        for (int i = 0; i < slots.size(); i++) {
            out.append(literals.get(i));
            String slot = slots.get(i);
            if (!values.containsKey(slot)) {
                throw new IllegalArgumentException("no value for slot " + slot);
            }
            Object value = values.get(slot);
            out.append(value instanceof Html.Safe safe ? safe.markup() : Html.escape(value == null ? null : value.toString()));
        }
        return out.append(literals.get(literals.size() - 1)).toString();
    }
}
