package dev.identityservice.server.login;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client a login budget is kept for, from its address: one spelling per address, and one per IPv6 {@code /64}.
 *
 * <p>An IPv6 subscriber is usually given a whole {@code /64} (RFC 6177), so keying a budget by the full address
 * would give one guesser 2^64 budgets; an IPv4 address written as IPv4-mapped IPv6, or in another case or with
 * the zeros written out, is the same client. What is not an address literal (a proxy's {@code unknown} or
 * obfuscated identifier, RFC 7239 §6) is kept as given, never resolved.
 */
public final class ClientNetwork {

    /** Dotted-quad IPv4: parsed by hand, since InetAddress would look up what it cannot parse in the DNS. */
    private static final Pattern IPV4 = Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");
    /** IPv6 (with an optional zone): InetAddress refuses rather than resolves what contains a colon. */
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[0-9A-Za-z._-]+)?");
    private static final int IPV6_PREFIX_BYTES = 8;

    private ClientNetwork() {
    }

    /**
     * @param address the request's client address ({@code 192.0.2.7}, {@code [2001:db8::1]}, {@code ::ffff:192.0.2.7},
     *                or whatever a trusted proxy named)
     * @return the canonical IPv4 address, the IPv6 {@code /64} as {@code <prefix>/64}, or {@code address} unchanged
     */
    public static String of(String address) {
        if (address == null) {
            return "";
        }
        String literal = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        Matcher ipv4 = IPV4.matcher(literal);
        if (ipv4.matches()) {
            StringBuilder canonical = new StringBuilder();
            for (int i = 1; i <= 4; i++) {
                int octet = Integer.parseInt(ipv4.group(i));
                if (octet > 255) {
                    return address;
                }
                canonical.append(i > 1 ? "." : "").append(octet);
            }
            return canonical.toString();
        }
        if (!IPV6.matcher(literal).matches()) {
            return address;
        }
        try {
            InetAddress parsed = InetAddress.getByName(literal);
            if (parsed instanceof Inet6Address) {
                byte[] prefix = new byte[16];
                System.arraycopy(parsed.getAddress(), 0, prefix, 0, IPV6_PREFIX_BYTES);
                return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
            }
            return parsed.getHostAddress(); // IPv4-mapped IPv6 is the IPv4 address
        } catch (UnknownHostException | IllegalArgumentException e) {
            return address;
        }
    }
}
