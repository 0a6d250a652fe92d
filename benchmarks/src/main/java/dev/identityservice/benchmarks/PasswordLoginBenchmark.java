package dev.identityservice.benchmarks;

import dev.identityservice.core.grant.TokenRequest;
import dev.identityservice.core.token.IssuedTokens;
import dev.identityservice.core.user.Argon2idPasswordHasher;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A password login against one Argon2id hash with the same (OWASP) parameters, in one run. Argon2id is
 * memory-bound and its compiled loop differs from fork to fork (seen here: 50 or 100 ms for the same
 * work), so this class runs three forks of each and the ratio is read from their means.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
public class PasswordLoginBenchmark {

    private EngineFixture fixture;
    private Argon2idPasswordHasher hasher;
    private TokenRequest login;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = new EngineFixture();
        hasher = new Argon2idPasswordHasher();
        login = new TokenRequest(fixture.tenant, fixture.client,
                Map.of("grant_type", "password", "username", "alice", "password", EngineFixture.PASSWORD));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    /** Reference: one Argon2id hash at the default parameters. */
    @Benchmark
    public String rawArgon2idHash() {
        return hasher.hash(EngineFixture.PASSWORD.toCharArray());
    }

    /** The login step alone: user lookup and Argon2id verify, no tokens. */
    @Benchmark
    public Object authenticateOnly() {
        return fixture.engine.userAuthenticator().authenticate("default", "alice", EngineFixture.PASSWORD.toCharArray());
    }

    /** A whole password grant: user lookup, Argon2id verify, access + refresh token. */
    @Benchmark
    public IssuedTokens passwordGrant() {
        return fixture.engine.tokenGrants().handle(login);
    }
}
