package dev.identityservice.core.testing;

import dev.identityservice.core.user.PasswordHasher;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a real {@link PasswordHasher} and counts the work done through it: hashes made, and password checks (the
 * expensive Argon2id runs of logins). The one counting hasher of core and server tests.
 */
public final class CountingPasswordHasher implements PasswordHasher {

    private final PasswordHasher delegate;
    private final AtomicInteger hashes = new AtomicInteger();
    private final AtomicInteger verifications;

    public CountingPasswordHasher(PasswordHasher delegate) {
        this(delegate, new AtomicInteger());
    }

    /** Counts verifications into {@code verifications}, which several hashers (several servers) may share. */
    public CountingPasswordHasher(PasswordHasher delegate, AtomicInteger verifications) {
        this.delegate = delegate;
        this.verifications = verifications;
    }

    /** Hashes made so far. */
    public int hashes() {
        return hashes.get();
    }

    /** Password checks so far (of every hasher sharing the counter). */
    public int verifications() {
        return verifications.get();
    }

    @Override
    public String hash(char[] password) {
        hashes.incrementAndGet();
        return delegate.hash(password);
    }

    @Override
    public boolean verify(char[] password, String phcHash) {
        verifications.incrementAndGet();
        return delegate.verify(password, phcHash);
    }

    @Override
    public boolean needsRehash(String phcHash) {
        return delegate.needsRehash(phcHash);
    }

    @Override
    public void requireAtLeastCurrentStrength(String phcHash) {
        delegate.requireAtLeastCurrentStrength(phcHash);
    }
}
