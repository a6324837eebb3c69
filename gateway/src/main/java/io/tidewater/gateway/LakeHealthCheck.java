package io.tidewater.gateway;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.tidewater.lifecycle.store.LakeStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the lake: its store answers a metadata request (reachable, credentials accepted).
 * Asked on the write threads, never on the request pool SQL statements may all hold.
 */
@Readiness
@ApplicationScoped
public class LakeHealthCheck implements AsyncHealthCheck {

  /** A key that never exists: asking for it costs one HEAD and touches nothing. */
  static final String PROBE = "_tidewater-health-probe";

  private final LakeStore store;
  private final WriteThreads threads;

  LakeHealthCheck(LakeStore store, WriteThreads threads) {
    this.store = store;
    this.threads = threads;
  }

  @Override
  public Uni<HealthCheckResponse> call() {
    HealthCheckResponseBuilder health =
        HealthCheckResponse.named("lake").withData("uri", store.location().uri());
    return Uni.createFrom()
        .item(
            () -> {
              try {
                store.stat(PROBE);
                return health.up().build();
              } catch (RuntimeException e) {
                return health.down().withData("error", String.valueOf(e.getMessage())).build();
              }
            })
        .runSubscriptionOn(threads)
        .onFailure(RejectedExecutionException.class)
        .recoverWithItem(
            () ->
                health.down().withData("error", "too many writes waiting to be accepted").build());
  }
}
