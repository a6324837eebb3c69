package io.tidewater.gateway;

import io.tidewater.gateway.auth.Principal;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * One JSON line per request that reads or changes data, on its own logger {@code tidewater.audit}
 * (so operators can route it to a file or a collector): the principal, the action, what it touched
 * (tables, database or policy), rows or points, duration and outcome. Never a token or a password.
 */
@ApplicationScoped
public class Audit {

  private static final Logger LOG = Logger.getLogger("tidewater.audit");

  /** What was done, by whom, to what, how much, how long it took and how it ended. */
  public void record(
      Principal caller, String action, Object target, long amount, Duration took, String outcome) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    LOG.info(
        new JsonObject()
            .put("principal", caller.name())
            .put("action", action)
            .put("target", target)
            .put("amount", amount)
            .put("ms", took.toMillis())
            .put("outcome", outcome)
            .encode());
  }
}
