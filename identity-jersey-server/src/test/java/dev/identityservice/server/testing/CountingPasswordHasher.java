package dev.identityservice.server.testing;

import dev.identityservice.core.user.PasswordHasher;
import java.util.concurrent.atomic.AtomicInteger;

/** Wraps the real hasher and counts the password checks that reach it (the expensive Argon2id runs of logins). */
public final class CountingPasswordHasher implements PasswordHasher {

    private final PasswordHasher hasher;
    private final AtomicInteger verifications;

    public CountingPasswordHasher(PasswordHasher hasher, AtomicInteger verifications) {
        this.hasher = hasher;
        this.verifications = verifications;
    }

    @Override
    public String hash(char[] password) {
        return hasher.hash(password);
    }

    @Override
    public boolean verify(char[] password, String phcHash) {
        verifications.incrementAndGet();
        return hasher.verify(password, phcHash);
    }

    @Override
    public boolean needsRehash(String phcHash) {
        return hasher.needsRehash(phcHash);
    }

    @Override
    public void requireAtLeastCurrentStrength(String phcHash) {
        hasher.requireAtLeastCurrentStrength(phcHash);
    }
}
