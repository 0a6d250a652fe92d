package dev.identityservice.sample;

import com.nimbusds.jose.util.JSONObjectUtils;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** {@code GET /api/public/hello}: open to everyone; the filter lists it under {@code public-paths}. */
@Path("public/hello")
@PermitAll
public final class PublicResource {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String hello() {
        return JSONObjectUtils.toJSONString(Map.of("message", "Hello from the sample API; no token needed here."));
    }
}
