package io.tidewater.gateway;

import io.tidewater.federation.SqlEngine;
import io.tidewater.lifecycle.cdc.ChangeCapture;
import io.tidewater.lifecycle.cdc.ChangeLog;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** Change capture over the durable log of the write targets, opened (and replayed) once. */
public class CdcBeans {

  private static final Logger LOG = Logger.getLogger(CdcBeans.class);

  @Produces
  @Singleton
  ChangeCapture changeCapture(TidewaterConfig config, PolicyRegistry policies, Instance<SqlEngine> sql) {
    ChangeLog log = new ChangeLog(config.cdc().logDir(), config.cdc().segmentBytes(), config.cdc().diskReserveBytes());
    // The engine is looked up when a change happens: it itself routes by this capture's dirty windows.
    ChangeCapture capture = new ChangeCapture(log, policies.policies().policies(),
        (database, measurement) -> sql.get().dataChanged(database, measurement));
    if (capture.replayed() > 0) {
      LOG.infof("Change log %s: %d writes replayed, %d windows dirty", config.cdc().logDir(), capture.replayed(),
          capture.dirty().size());
    }
    return capture;
  }

  void close(@Disposes ChangeCapture capture) {
    capture.close();
  }
}
