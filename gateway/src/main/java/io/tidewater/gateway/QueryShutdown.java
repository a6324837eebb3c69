package io.tidewater.gateway;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tidewater.federation.SqlEngine;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Running statements stop at once when the gateway is asked to stop (QUERY_CANCELLED), so it stops
 * in bounded time even under a runaway query and its clients are told why. At SIGTERM this happens
 * in a JVM shutdown hook of its own, which the JVM starts beside Quarkus's: Quarkus's graceful HTTP
 * shutdown ({@code quarkus.shutdown.timeout}) then waits for those answers to be written, not for
 * the statements' ends, and closes connections after. A {@link ShutdownEvent} observer alone would
 * come after that wait.
 */
@Singleton
class QueryShutdown {

  private final SqlEngine engine;
  private final Thread hook;

  QueryShutdown(SqlEngine engine) {
    this.engine = engine;
    this.hook = new Thread(engine::shutdown, "tidewater-stop-queries");
  }

  void started(@Observes StartupEvent event) {
    try {
      Runtime.getRuntime().addShutdownHook(hook);
    } catch (IllegalStateException exiting) {
      engine.shutdown(); // SIGTERM came during start-up
    }
  }

  /** Stopped without SIGTERM (tests, dev mode): the statements stop here and the hook goes. */
  void stopped(@Observes ShutdownEvent event) {
    engine.shutdown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException exiting) {
      // the JVM is exiting: the hook has run or is running
    }
  }
}
