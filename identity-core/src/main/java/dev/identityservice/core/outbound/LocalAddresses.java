package dev.identityservice.core.outbound;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addresses of this machine's own network interfaces, so that a client's URL cannot make the server call
 * itself through a public address it happens to hold ({@link AddressPolicy} refuses loopback and private ranges,
 * not a public address that is ours: a listener bound to {@code 0.0.0.0}, the management port, a sidecar).
 *
 * <p>Read when created and again at most every {@code refreshInterval}, by the one caller that finds the snapshot
 * stale; the others meanwhile keep using the previous one. So a lookup is a hash-set probe, and an address an
 * interface gains (DHCP, a failover IP) is known within the interval. A failed read keeps the previous snapshot.
 */
public final class LocalAddresses {

    private static final Logger LOG = LoggerFactory.getLogger(LocalAddresses.class);

    /** How often {@link #system()} reads the interfaces again. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofMinutes(1);

    /** Reads every address of every interface, up or down (one that comes up later is ours as well). */
    public static final Supplier<Set<InetAddress>> INTERFACES = () -> {
        try {
            Set<InetAddress> addresses = new HashSet<>();
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                addresses.addAll(Collections.list(nic.getInetAddresses()));
            }
            return addresses;
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list the network interfaces: " + e.getMessage(), e);
        }
    };

    private static final class SystemHolder {
        static final LocalAddresses SYSTEM = new LocalAddresses(INTERFACES, DEFAULT_REFRESH_INTERVAL, Clock.systemUTC());
    }

    private record Snapshot(Set<InetAddress> addresses, Instant readAt) {
    }

    private final Supplier<Set<InetAddress>> source;
    private final Duration refreshInterval;
    private final Clock clock;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile Snapshot snapshot;

    /**
     * @param source          the addresses of this machine (tests inject theirs); may throw, which keeps the
     *                        previous snapshot
     * @param refreshInterval the least time between two reads of {@code source}
     */
    public LocalAddresses(Supplier<Set<InetAddress>> source, Duration refreshInterval, Clock clock) {
        this.source = Objects.requireNonNull(source, "source");
        this.refreshInterval = Objects.requireNonNull(refreshInterval, "refreshInterval");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.snapshot = new Snapshot(Set.of(), Instant.MIN);
        refresh(clock.instant());
    }

    /** The machine's interfaces, shared by every user in the process, read at most every minute. */
    public static LocalAddresses system() {
        return SystemHolder.SYSTEM;
    }

    /** Whether {@code address} is one of this machine's own interface addresses (in any IPv6 form of an IPv4 one). */
    public boolean contains(InetAddress address) {
        Snapshot current = snapshot;
        Instant now = clock.instant();
        if (now.isAfter(current.readAt().plus(refreshInterval)) && refreshing.compareAndSet(false, true)) {
            try {
                refresh(now);
            } finally {
                refreshing.set(false);
            }
            current = snapshot;
        }
        return current.addresses().contains(normalized(address));
    }

    private void refresh(Instant now) {
        try {
            Set<InetAddress> read = new HashSet<>();
            for (InetAddress address : source.get()) {
                read.add(normalized(address));
            }
            snapshot = new Snapshot(Set.copyOf(read), now);
        } catch (RuntimeException e) {
            // Not again before the interval: a broken source must not cost every request a failed read.
            snapshot = new Snapshot(snapshot.addresses(), now);
            LOG.warn("Reading this machine's interface addresses failed; the previous ones are kept: {}", e.toString());
        }
    }

    /**
     * The address without an IPv6 scope (the same address on any interface), and an IPv6 form that carries an
     * IPv4 address (mapped, compatible, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) as that IPv4 address:
     * {@link AddressPolicy} judges those forms by the IPv4 address they reach, so the own-address check must too.
     */
    static InetAddress normalized(InetAddress address) {
        byte[] bytes = address.getAddress();
        try {
            byte[] v4 = address instanceof Inet6Address ? AddressPolicy.embeddedIpv4(bytes) : null;
            return InetAddress.getByAddress(v4 != null ? v4 : bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of 4 or 16 bytes is always valid", e);
        }
    }
}
