package dev.identityservice.core.user;

import java.util.concurrent.atomic.AtomicInteger;

/** A real {@link PasswordHasher} that counts the work done through it. */
final class CountingPasswordHasher implements PasswordHasher {

    private final PasswordHasher delegate;
    final AtomicInteger hashes = new AtomicInteger();
    final AtomicInteger verifications = new AtomicInteger();

    CountingPasswordHasher(PasswordHasher delegate) {
        this.delegate = delegate;
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
