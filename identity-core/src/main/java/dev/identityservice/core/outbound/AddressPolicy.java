package dev.identityservice.core.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Which IP addresses a server-side request on a client's behalf may reach: public unicast addresses only. A
 * client that could make the server connect to {@code 127.0.0.1:5432}, {@code 169.254.169.254} (cloud metadata)
 * or a private network would use the server as a proxy into places the client cannot reach itself (server-side
 * request forgery, OWASP SSRF; RFC 6890 lists the special-purpose ranges below).
 *
 * <p>Refused: IPv4 {@code 0.0.0.0/8}, {@code 10/8}, {@code 100.64/10} (shared, RFC 6598), {@code 127/8},
 * {@code 169.254/16}, {@code 172.16/12}, {@code 192.0.0/24}, {@code 192.0.2/24}, {@code 192.168/16},
 * {@code 198.18/15}, {@code 198.51.100/24}, {@code 203.0.113/24}, {@code 224/4} (multicast), {@code 240/4}
 * (reserved, broadcast); IPv6 {@code ::}, {@code ::1}, {@code fe80::/10}, {@code fec0::/10}, {@code fc00::/7}
 * (unique local), {@code ff00::/8} (multicast), {@code 2001:db8::/32} and {@code 3fff::/20} (documentation),
 * {@code 100::/64}, Teredo {@code 2001::/32}, local-use NAT64 {@code 64:ff9b:1::/48} and IPv4-translated
 * {@code ::ffff:0:0:0/96} (both reach IPv4 addresses through a translator of the local network); and the IPv4 forms embedded in IPv6 ({@code ::ffff:a.b.c.d} mapped, {@code ::a.b.c.d}
 * compatible, {@code 64:ff9b::/96} NAT64, {@code 2002::/16} 6to4) are judged by the IPv4 address they carry.
 */
public final class AddressPolicy {

    private AddressPolicy() {
    }

    /** Whether {@code address} is a public unicast address a client's URL may lead to. */
    public static boolean isPublic(InetAddress address) {
        if (address instanceof Inet4Address) {
            return isPublicV4(address.getAddress());
        }
        if (address instanceof Inet6Address) {
            return isPublicV6(address.getAddress());
        }
        return false;
    }

    /**
     * Whether {@code host} is an IP literal (IPv4 dotted, or IPv6 in brackets or not) of a non-public address, or
     * a name that always means this machine ({@code localhost}, {@code *.localhost}, RFC 6761 §6.3). Never
     * resolves a name: for registration-time checks, which DNS could not change anyway.
     */
    public static boolean isNonPublicLiteral(String host) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if ("localhost".equals(h) || h.endsWith(".localhost")) {
            return true;
        }
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        // Labels all numeric (decimal, or 0x hex as inet_aton reads them): an IPv4 literal to some resolver.
        boolean v4 = h.matches("(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+))*");
        boolean v6 = h.indexOf(':') >= 0 && h.matches("[0-9a-f:.%a-z]+");
        if (!v4 && !v6) {
            return false;
        }
        if (v4 && !h.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            // Shorthand, decimal or hex forms (127.1, 2130706433, 0x7f.1) that some resolvers read as IPv4: refused.
            return true;
        }
        try {
            // A literal: getByName parses it without a lookup.
            return !isPublic(InetAddress.getByName(h));
        } catch (UnknownHostException e) {
            return true;
        }
    }

    private static boolean isPublicV4(byte[] a) {
        int b0 = a[0] & 0xff;
        int b1 = a[1] & 0xff;
        int b2 = a[2] & 0xff;
        if (b0 == 0 || b0 == 10 || b0 == 127 || b0 >= 224) {
            return false;
        }
        if (b0 == 100 && b1 >= 64 && b1 < 128) {
            return false;
        }
        if (b0 == 169 && b1 == 254) {
            return false;
        }
        if (b0 == 172 && b1 >= 16 && b1 < 32) {
            return false;
        }
        if (b0 == 192 && ((b1 == 0 && (b2 == 0 || b2 == 2)) || b1 == 168)) {
            return false;
        }
        if (b0 == 198 && (b1 == 18 || b1 == 19 || (b1 == 51 && b2 == 100))) {
            return false;
        }
        return !(b0 == 203 && b1 == 0 && b2 == 113);
    }

    private static boolean isPublicV6(byte[] a) {
        int first = a[0] & 0xff;
        int second = a[1] & 0xff;
        if (first == 0xff || (first & 0xfe) == 0xfc || (first == 0xfe && (second & 0xc0) >= 0x80)) {
            return false; // multicast, unique local, link-local fe80::/10 and site-local fec0::/10
        }
        byte[] v4 = embeddedIpv4(a);
        if (v4 != null) {
            return isPublicV4(v4);
        }
        if (allZero(a, 0, 10)) {
            return false; // the rest of ::/80
        }
        if (first == 0x20 && second == 0x01 && a[2] == 0 && a[3] == 0) {
            return false; // Teredo: the IPv4 address inside is obfuscated
        }
        if (first == 0x20 && second == 0x01 && (a[2] & 0xff) == 0x0d && (a[3] & 0xff) == 0xb8) {
            return false; // documentation
        }
        if (first == 0x3f && second == 0xff && (a[2] & 0xf0) == 0) {
            return false; // documentation 3fff::/20 (RFC 9637)
        }
        if (first == 0x00 && second == 0x64 && (a[2] & 0xff) == 0xff && (a[3] & 0xff) == 0x9b && a[4] == 0 && a[5] == 1) {
            return false; // local-use NAT64 64:ff9b:1::/48 (RFC 8215): a translator of this network, to any IPv4 address
        }
        if (allZero(a, 0, 8) && a[8] == (byte) 0xff && a[9] == (byte) 0xff && a[10] == 0 && a[11] == 0) {
            return false; // IPv4-translated ::ffff:0:a.b.c.d (SIIT, RFC 2765): reaches IPv4 through a local translator
        }
        return !(first == 0x01 && second == 0x00 && allZero(a, 2, 8)); // discard-only 100::/64
    }

    /**
     * The IPv4 address that an IPv6 address of 16 bytes carries and reaches, or {@code null}: {@code ::ffff:a.b.c.d}
     * (mapped, RFC 4291 §2.5.5.2), {@code ::a.b.c.d} (compatible, §2.5.5.1, which takes in {@code ::} and
     * {@code ::1}), {@code 64:ff9b::a.b.c.d} (well-known NAT64 prefix, RFC 6052 §2.1) and {@code 2002:aabb:ccdd::/48}
     * (6to4, RFC 3056 §2). Such an address is judged, and compared with this machine's own addresses
     * ({@link LocalAddresses}), as that IPv4 address.
     */
    static byte[] embeddedIpv4(byte[] a) {
        int first = a[0] & 0xff;
        int second = a[1] & 0xff;
        if (allZero(a, 0, 10) && ((a[10] == (byte) 0xff && a[11] == (byte) 0xff) || (a[10] == 0 && a[11] == 0))) {
            return new byte[] {a[12], a[13], a[14], a[15]};
        }
        if (first == 0x00 && second == 0x64 && (a[2] & 0xff) == 0xff && (a[3] & 0xff) == 0x9b && allZero(a, 4, 12)) {
            return new byte[] {a[12], a[13], a[14], a[15]};
        }
        if (first == 0x20 && second == 0x02) {
            return new byte[] {a[2], a[3], a[4], a[5]};
        }
        return null;
    }

    private static boolean allZero(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
