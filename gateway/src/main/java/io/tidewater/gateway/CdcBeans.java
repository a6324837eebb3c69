package io.tidewater.gateway;

import io.tidewater.federation.SqlEngine;
import io.tidewater.lifecycle.cdc.ChangeCapture;
import io.tidewater.lifecycle.cdc.ChangeLog;
import io.tidewater.lifecycle.cdc.MicroBatches;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** Change capture over the durable log of the write targets, opened (and replayed) once. */
public class CdcBeans {

  private static final Logger LOG = Logger.getLogger(CdcBeans.class);

  /** The writes waiting for policies' micro-batches (policies with a {@code micro-batch} field). */
  @Produces
  @Singleton
  MicroBatches microBatches(PolicyRegistry policies) {
    return new MicroBatches(policies.policies().policies());
  }

  @Produces
  @Singleton
  ChangeCapture changeCapture(
      TidewaterConfig config,
      PolicyRegistry policies,
      Instance<SqlEngine> sql,
      MicroBatches microBatches) {
    ChangeLog log =
        new ChangeLog(
            config.cdc().logDir(),
            config.cdc().segmentBytes().asLongValue(),
            config.cdc().diskReserveBytes().asLongValue());
    // The engine is looked up when a change happens: it itself routes by this capture's dirty
    // windows.
    ChangeCapture capture =
        new ChangeCapture(
            log,
            policies.policies().policies(),
            (database, measurement) -> sql.get().dataChanged(database, measurement),
            microBatches,
            config.cdc().maxDeferral());
    if (capture.replayed() > 0) {
      long waiting =
          policies.policies().policies().stream()
              .mapToLong(p -> microBatches.pending(p).points())
              .sum();
      LOG.infof(
          "Change log %s: %d writes replayed, %d windows dirty, %d points waiting for micro-batches",
          config.cdc().logDir(), capture.replayed(), capture.dirty().size(), waiting);
    }
    return capture;
  }

  void close(@Disposes ChangeCapture capture) {
    capture.close();
  }
}
