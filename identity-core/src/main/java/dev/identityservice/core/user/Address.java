package dev.identityservice.core.user;

import dev.identityservice.core.Limits;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A postal address, the {@code address} claim (OIDC Core §5.1.1). Every field may be {@code null};
 * {@code streetAddress} and {@code formatted} may span lines ({@code \n}).
 *
 * @param country the country name (full name, ISO 3166-1 code, or as the user wrote it; §5.1.1 fixes no format)
 */
public record Address(String formatted, String streetAddress, String locality, String region, String postalCode,
                      String country) {

    public Address {
        Limits.atMost("address.formatted", formatted, Limits.MAX_ADDRESS_CHARS);
        Limits.atMost("address.streetAddress", streetAddress, Limits.MAX_ADDRESS_CHARS);
        Limits.atMost("address.locality", locality, Limits.MAX_NAME_CHARS);
        Limits.atMost("address.region", region, Limits.MAX_NAME_CHARS);
        Limits.atMost("address.postalCode", postalCode, Limits.MAX_NAME_CHARS);
        Limits.atMost("address.country", country, Limits.MAX_NAME_CHARS);
    }

    /** Whether no field is set: such an address is not released at all. */
    public boolean isEmpty() {
        return formatted == null && streetAddress == null && locality == null && region == null && postalCode == null
                && country == null;
    }

    /** The JSON object of the claim, with §5.1.1's member names; absent fields are left out. */
    public Map<String, Object> claim() {
        Map<String, Object> members = new LinkedHashMap<>();
        putIfPresent(members, "formatted", formatted);
        putIfPresent(members, "street_address", streetAddress);
        putIfPresent(members, "locality", locality);
        putIfPresent(members, "region", region);
        putIfPresent(members, "postal_code", postalCode);
        putIfPresent(members, "country", country);
        return members;
    }

    private static void putIfPresent(Map<String, Object> members, String name, String value) {
        if (value != null) {
            members.put(name, value);
        }
    }
}
