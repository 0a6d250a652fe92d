package dev.identityservice.benchmarks;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import dev.identityservice.core.key.KeyRing;
import dev.identityservice.core.key.KeyState;
import dev.identityservice.core.key.SignatureProvider;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.key.SigningKey;
import dev.identityservice.core.key.SigningKeyGenerator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One token signature through the server's key ring (Nimbus's signer, as the token issuers call it), with the JDK's
 * providers and with the Amazon Corretto Crypto Provider ({@code signature.provider}), RS256 and ES256, in one run:
 * the ratio per algorithm is what to read. The signing input is the size of a real access token.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SignatureProviderBenchmark {

    @Param({"RS256", "ES256"})
    public String algorithm;

    @Param({"jdk", "corretto"})
    public String provider;

    private JWSSigner signer;
    private JWSHeader header;
    private byte[] signingInput;

    @Setup(Level.Trial)
    public void setUp() {
        Instant now = Instant.now();
        SigningAlgorithm alg = SigningAlgorithm.valueOf(algorithm);
        List<SigningKey> keys = List.of(SigningKeyGenerator.withDefaults().generate("bench", alg, now).withState(KeyState.ACTIVE, now));
        SignatureProvider signatures = "jdk".equals(provider) ? SignatureProvider.JDK : SignatureProvider.of(AmazonCorrettoCryptoProvider.INSTANCE);
        signer = KeyRing.of("bench", keys, signatures).activeSigner();
        header = new JWSHeader.Builder(alg.jwsAlgorithm()).keyID(keys.get(0).kid()).build();
        signingInput = (header.toBase64URL() + "." + "x".repeat(420)).getBytes(StandardCharsets.US_ASCII);
    }

    /** One JWS signature over an access token's signing input (RFC 7515 §5.1 step 5). */
    @Benchmark
    public Object sign() throws Exception {
        return signer.sign(header, signingInput);
    }
}
