package dev.identityservice.guard.jwks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import dev.identityservice.guard.testing.TestKey;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The per-thread {@code Signature} each scheme keeps: never initialised for a key other than the one it
 * verifies with, and never pinning the web application that used it to a container's pooled thread.
 */
class PerThreadSignatureTest {
    static final byte[] INPUT = "eyJhbGciOiJSUzI1NiJ9.e30".getBytes(StandardCharsets.US_ASCII);

    @Test
    void verifyWhenKeysAlternateOnOneThreadThenEachSignatureVerifiesOnlyWithItsOwnKey() throws Exception {
        TestKey a = TestKey.rsa("same-kid");
        TestKey b = TestKey.rsa("same-kid");
        VerificationKey keyA = VerificationKey.from(a.publicJwk());
        VerificationKey keyB = VerificationKey.from(b.publicJwk());
        byte[] byA = a.sign(JWSAlgorithm.RS256, INPUT);
        byte[] byB = b.sign(JWSAlgorithm.RS256, INPUT);
        for (int round = 0; round < 3; round++) {
            assertTrue(keyA.verify(JWSAlgorithm.RS256, INPUT, INPUT.length, byA));
            assertFalse(keyA.verify(JWSAlgorithm.RS256, INPUT, INPUT.length, byB));
            assertFalse(keyB.verify(JWSAlgorithm.RS256, INPUT, INPUT.length, byA));
            assertTrue(keyB.verify(JWSAlgorithm.RS256, INPUT, INPUT.length, byB));
            // A signature the JDK throws on (wrong length for the modulus) midway leaves nothing behind.
            assertFalse(keyB.verify(JWSAlgorithm.RS256, INPUT, INPUT.length, new byte[255]));
            assertTrue(keyB.verify(JWSAlgorithm.RS256, INPUT, INPUT.length, byB));
            assertFalse(keyB.verify(JWSAlgorithm.RS256, INPUT, INPUT.length - 1, byB));
            // The same key through another scheme (PS256) is another Signature, initialised with its parameters.
            assertFalse(keyB.verify(JWSAlgorithm.PS256, INPUT, INPUT.length, byB));
            assertTrue(keyB.verify(JWSAlgorithm.PS256, INPUT, INPUT.length, b.sign(JWSAlgorithm.PS256, INPUT)));
        }
    }

    @Test
    void verifyWhenGuardsClassLoaderIsDroppedThenAThreadThatVerifiedDoesNotPinIt() throws Exception {
        // A container's pooled request thread outlives an undeployed web application: what the guard leaves in
        // the thread's ThreadLocalMap must not reach the application's class loader.
        ExecutorService requestThread = Executors.newSingleThreadExecutor();
        try {
            WeakReference<ClassLoader> webapp = verifyInAWebAppClassLoader(requestThread);
            for (int i = 0; i < 100 && webapp.get() != null; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertNull(webapp.get(), "the request thread still reaches the undeployed application's class loader");
        } finally {
            requestThread.shutdownNow();
        }
    }

    /** Loads the guard's classes in their own class loader, as a WAR's WEB-INF/lib, and verifies one signature. */
    private static WeakReference<ClassLoader> verifyInAWebAppClassLoader(ExecutorService thread) throws Exception {
        URL guardClasses = VerificationKey.class.getProtectionDomain().getCodeSource().getLocation();
        ClassLoader webapp = new URLClassLoader(new URL[] {guardClasses}, PerThreadSignatureTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!name.startsWith("dev.identityservice.guard.")) {
                    return super.loadClass(name, resolve);
                }
                synchronized (getClassLoadingLock(name)) { // child first, as a servlet container does
                    Class<?> loaded = findLoadedClass(name);
                    return loaded != null ? loaded : findClass(name);
                }
            }
        };
        TestKey key = TestKey.rsa("k");
        byte[] signature = key.sign(JWSAlgorithm.RS256, INPUT);
        boolean verified = thread.submit(() -> {
            Class<?> type = Class.forName(VerificationKey.class.getName(), true, webapp);
            Method from = type.getDeclaredMethod("from", JWK.class);
            from.setAccessible(true);
            Object verificationKey = from.invoke(null, key.publicJwk());
            return (Boolean) type.getMethod("verify", JWSAlgorithm.class, byte[].class, int.class, byte[].class)
                    .invoke(verificationKey, JWSAlgorithm.RS256, INPUT, INPUT.length, signature);
        }).get();
        assertTrue(verified);
        return new WeakReference<>(webapp);
    }
}
