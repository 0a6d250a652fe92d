package dev.identityservice.server.ssf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.core.error.OAuthError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A poll (RFC 8936 §2.4): {@code maxEvents} (default {@value #DEFAULT_MAX_EVENTS}, at most {@value #MAX_EVENTS};
 * 0: acknowledge only), {@code returnImmediately} (default false: a long poll), {@code ack} (the {@code jti}s
 * processed) and {@code setErrs} (the {@code jti}s that failed, with {@code err} and {@code description}; §2.4.3:
 * also acknowledged, so that a SET the receiver cannot process is not redelivered for ever).
 *
 * @param errorCodes the {@code err} of each {@code setErrs} member, by {@code jti}
 */
record PollRequest(int maxEvents, boolean returnImmediately, List<String> acks, Map<String, String> errorCodes) {

    static final int DEFAULT_MAX_EVENTS = 100;
    static final int MAX_EVENTS = 1000;
    /** The most ids one poll may acknowledge, {@code ack} and {@code setErrs} together. */
    static final int MAX_ACKS = 10_000;

    /** Every id acknowledged: {@code ack} and {@code setErrs}. */
    List<String> acknowledged() {
        List<String> all = new ArrayList<>(acks);
        all.addAll(errorCodes.keySet());
        return all;
    }

    /** @throws dev.identityservice.core.error.OAuthException 400 {@code invalid_request} naming the bad member */
    static PollRequest parse(JsonNode body) {
        int maxEvents = DEFAULT_MAX_EVENTS;
        JsonNode max = body.get("maxEvents");
        if (max != null && !max.isNull()) {
            if (!max.isIntegralNumber() || max.asLong() < 0) {
                throw invalid("maxEvents must be a non-negative integer");
            }
            maxEvents = (int) Math.min(max.asLong(), MAX_EVENTS);
        }
        boolean returnImmediately = false;
        JsonNode immediately = body.get("returnImmediately");
        if (immediately != null && !immediately.isNull()) {
            if (!immediately.isBoolean()) {
                throw invalid("returnImmediately must be true or false");
            }
            returnImmediately = immediately.booleanValue();
        }
        List<String> acks = new ArrayList<>();
        JsonNode ack = body.get("ack");
        if (ack != null && !ack.isNull()) {
            if (!ack.isArray()) {
                throw invalid("ack must be an array of strings");
            }
            for (JsonNode id : ack) {
                if (!id.isTextual()) {
                    throw invalid("ack must be an array of strings");
                }
                acks.add(id.textValue());
            }
        }
        Map<String, String> errors = new java.util.LinkedHashMap<>();
        JsonNode setErrs = body.get("setErrs");
        if (setErrs != null && !setErrs.isNull()) {
            if (!setErrs.isObject()) {
                throw invalid("setErrs must be an object of {\"err\": ..., \"description\": ...} by jti");
            }
            var fields = setErrs.fields();
            while (fields.hasNext()) {
                var field = fields.next();
                JsonNode err = field.getValue().get("err");
                if (!field.getValue().isObject() || err == null || !err.isTextual()) {
                    throw invalid("setErrs must be an object of {\"err\": ..., \"description\": ...} by jti");
                }
                errors.put(field.getKey(), err.textValue());
            }
        }
        if (acks.size() + errors.size() > MAX_ACKS) {
            throw invalid("at most " + MAX_ACKS + " ack and setErrs entries per poll");
        }
        return new PollRequest(maxEvents, returnImmediately, List.copyOf(acks), Map.copyOf(errors));
    }

    private static RuntimeException invalid(String description) {
        return OAuthError.invalidRequest(description).exception();
    }
}
