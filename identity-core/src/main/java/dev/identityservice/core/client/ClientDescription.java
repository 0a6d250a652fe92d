package dev.identityservice.core.client;

import dev.identityservice.core.Limits;
import java.net.URI;
import java.util.List;

/**
 * What a client says about itself for people (RFC 7591 §2): who to contact and where its logo, home page,
 * privacy policy and terms of service are. Shown, never acted on; the URLs follow {@link ClientRegistrationRules}.
 *
 * @param contacts  e-mail addresses of the people responsible, each without whitespace; empty when none
 * @param logoUri   {@code logo_uri}, or {@code null}
 * @param clientUri {@code client_uri}, the client's home page, or {@code null}
 * @param policyUri {@code policy_uri}, or {@code null}
 * @param tosUri    {@code tos_uri}, or {@code null}
 */
public record ClientDescription(List<String> contacts, URI logoUri, URI clientUri, URI policyUri, URI tosUri) {

    /** A client that describes nothing. */
    public static final ClientDescription NONE = new ClientDescription(List.of(), null, null, null, null);

    public ClientDescription {
        contacts = List.copyOf(contacts == null ? List.of() : contacts);
        for (String contact : contacts) {
            if (contact.isEmpty() || contact.length() > Limits.MAX_EMAIL_CHARS
                    || contact.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("contacts: each must be 1 to " + Limits.MAX_EMAIL_CHARS
                        + " characters without whitespace or control characters");
            }
        }
        Limits.joinedAtMost("contacts", contacts, Limits.MAX_CONTACT_LIST_CHARS);
        for (URI uri : new URI[] {logoUri, clientUri, policyUri, tosUri}) {
            if (uri != null) {
                Limits.atMost("a client URL", uri.toString(), Limits.MAX_URI_CHARS);
            }
        }
    }
}
