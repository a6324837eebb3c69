package io.tidewater.gateway;

import io.tidewater.lifecycle.cdc.ChangeLog;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The change log of the write targets, opened (and recovered) once. */
public class CdcBeans {

  @Produces
  @Singleton
  ChangeLog changeLog(TidewaterConfig config) {
    return new ChangeLog(config.cdc().logDir(), config.cdc().segmentBytes(), config.cdc().diskReserveBytes());
  }

  void close(@Disposes ChangeLog log) {
    log.close();
  }
}
