package dev.identityservice.server.admin;

import dev.identityservice.core.key.KeyRing;
import dev.identityservice.core.tenant.Tenant;
import java.util.List;

/**
 * A tenant's keys, newest first, revoked ones included.
 *
 * @param signingAlgorithm the algorithm of the key the next rotation activates or generates
 */
record KeyList(String tenant, String signingAlgorithm, List<KeyView> keys) {

    static KeyList of(Tenant tenant, KeyRing ring) {
        return new KeyList(tenant.id(), tenant.signingAlgorithm().name(), ring.keys().stream().map(KeyView::of).toList());
    }
}
