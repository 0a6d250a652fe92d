package dev.identityservice.server.testing;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JCA provider, installed first, that counts the RSA and ECDSA signature verifications done through {@link
 * Signature} by anyone in this JVM and hands every call to the JDK's own implementation (SunRsaSign, SunEC). For
 * tests that must show how many verifications one request costs; remove it after. The guard verifies ECDSA
 * through Bouncy Castle when it is on the classpath (it is, in the server), which no JCA provider sees: count
 * with RSA keys.
 */
public final class CountingSignatureProvider extends Provider implements AutoCloseable {

    private static final String NAME = "CountingSignatures";
    private static final String[] ALGORITHMS = {
        "SHA256withECDSA", "SHA384withECDSA", "SHA512withECDSA",
        "SHA256withECDSAinP1363Format", "SHA384withECDSAinP1363Format", "SHA512withECDSAinP1363Format",
        "SHA256withRSA", "SHA384withRSA", "SHA512withRSA",
    };

    private final AtomicLong verifications = new AtomicLong();

    private CountingSignatureProvider() {
        super(NAME, "1.0", "counts RSA and ECDSA signature verifications (tests only)");
        for (String algorithm : ALGORITHMS) {
            putService(new Service(this, "Signature", algorithm, CountingSignature.class.getName(), null, null) {
                @Override
                public Object newInstance(Object constructorParameter) {
                    return new CountingSignature(algorithm, verifications);
                }
            });
        }
    }

    /** Installs a new counter as the most preferred provider; {@link #close} removes it. */
    public static CountingSignatureProvider install() {
        CountingSignatureProvider provider = new CountingSignatureProvider();
        Security.removeProvider(NAME);
        Security.insertProviderAt(provider, 1);
        return provider;
    }

    /** Verifications done since the install. */
    public long verifications() {
        return verifications.get();
    }

    @Override
    public void close() {
        Security.removeProvider(NAME);
    }

    /** The JDK's implementation, counting {@link #engineVerify}. */
    private static final class CountingSignature extends SignatureSpi {
        private final Signature delegate;
        private final AtomicLong verifications;

        CountingSignature(String algorithm, AtomicLong verifications) {
            try {
                this.delegate = Signature.getInstance(algorithm, algorithm.endsWith("RSA") ? "SunRsaSign" : "SunEC");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            this.verifications = verifications;
        }

        @Override
        protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
            delegate.initVerify(publicKey);
        }

        @Override
        protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
            delegate.initSign(privateKey);
        }

        @Override
        protected void engineUpdate(byte b) throws SignatureException {
            delegate.update(b);
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
            delegate.update(b, off, len);
        }

        @Override
        protected byte[] engineSign() throws SignatureException {
            return delegate.sign();
        }

        @Override
        protected boolean engineVerify(byte[] signature) throws SignatureException {
            verifications.incrementAndGet();
            return delegate.verify(signature);
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) {
            throw new InvalidParameterException("not supported");
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) {
            throw new InvalidParameterException("not supported");
        }
    }
}
