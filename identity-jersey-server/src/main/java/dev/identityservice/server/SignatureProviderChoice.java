package dev.identityservice.server;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import dev.identityservice.core.key.SignatureProvider;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which JCA provider signs the server's tokens ({@code signature.provider}): the Amazon Corretto Crypto Provider
 * (AWS-LC through JNI; on Linux x86-64, where its native library is in the jar) or the JDK's own.
 *
 * <p>Why a native provider: a signature is most of a token grant's CPU (RS256 with the JDK: about 85 % of a
 * {@code client_credentials} grant), and AWS-LC signs RS256 about 1.7× and ES256 about 40× faster than the JDK 17
 * providers on the machine of BENCHMARKS.md ("Issue 13: signatures by a native provider"). The bytes are the same:
 * RS256 is deterministic, and the server's own checks (introspection, userinfo) and every guard verify either.
 */
public enum SignatureProviderChoice {
    /**
     * The default: the native provider when it loads and passes its self-tests here, else the JDK's. The server loads
     * it once it serves and signs with the JDK until then ({@code IdentityServer}).
     */
    AUTO("auto"),
    /** The JDK's providers, whatever the platform. */
    JDK("jdk"),
    /** The native provider or no start: for those who sized their servers on its speed. */
    CORRETTO("corretto");

    private static final Logger LOG = LoggerFactory.getLogger(SignatureProviderChoice.class);

    private final String value;

    SignatureProviderChoice(String value) {
        this.value = value;
    }

    /** The configuration spelling: {@code auto}, {@code jdk} or {@code corretto}. */
    public String value() {
        return value;
    }

    /** The choice spelled {@code value} (any case); {@link IllegalArgumentException} naming the three otherwise. */
    public static SignatureProviderChoice parse(String value) {
        for (SignatureProviderChoice choice : values()) {
            if (choice.value.equals(value.trim().toLowerCase(Locale.ROOT))) {
                return choice;
            }
        }
        throw new IllegalArgumentException("signature.provider: must be auto, jdk or corretto: " + value);
    }

    /**
     * The provider this choice gives on this machine, said in one log line.
     *
     * @throws StartFailure for {@link #CORRETTO} when the native provider cannot load or fails its self-tests
     */
    public SignatureProvider resolve() {
        if (this == JDK) {
            LOG.info("RS256 and ES256 signatures by the JDK's providers (signature.provider=jdk)");
            return SignatureProvider.JDK;
        }
        String unusable = correttoUnusable();
        if (unusable == null) {
            LOG.info("RS256 and ES256 signatures by {} {} (signature.provider={})", AmazonCorrettoCryptoProvider.PROVIDER_NAME,
                    AmazonCorrettoCryptoProvider.INSTANCE.getVersionStr(), value);
            return SignatureProvider.of(AmazonCorrettoCryptoProvider.INSTANCE);
        }
        if (this == CORRETTO) {
            throw new StartFailure("signature.provider=corretto, but the Amazon Corretto Crypto Provider is unusable here: " + unusable);
        }
        LOG.warn("RS256 and ES256 signatures by the JDK's providers, slower: the Amazon Corretto Crypto Provider is unusable here ({})",
                unusable);
        return SignatureProvider.JDK;
    }

    /** Why the native provider cannot sign here (its own words), or null when it can. */
    private static String correttoUnusable() {
        try {
            Throwable error = AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError();
            if (error != null) {
                return String.valueOf(error.getMessage());
            }
            AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
            return null;
        } catch (RuntimeException | LinkageError e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
