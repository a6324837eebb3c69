package io.tidewater.gateway;

import io.tidewater.lifecycle.store.LakeStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the lake: its store answers a metadata request (reachable, credentials accepted).
 */
@Readiness
@ApplicationScoped
public class LakeHealthCheck implements HealthCheck {

  /** A key that never exists: asking for it costs one HEAD and touches nothing. */
  static final String PROBE = "_tidewater-health-probe";

  private final LakeStore store;

  LakeHealthCheck(LakeStore store) {
    this.store = store;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder health =
        HealthCheckResponse.named("lake").withData("uri", store.location().uri());
    try {
      store.stat(PROBE);
      return health.up().build();
    } catch (RuntimeException e) {
      return health.down().withData("error", String.valueOf(e.getMessage())).build();
    }
  }
}
