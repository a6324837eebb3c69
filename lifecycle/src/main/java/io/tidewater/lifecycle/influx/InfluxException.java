package io.tidewater.lifecycle.influx;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;

/** InfluxDB could not be reached, refused a query, or reported a statement error inside a 200. */
public final class InfluxException extends TidewaterException {
  private static final long serialVersionUID = 1L;

  public InfluxException(String message, Throwable cause) {
    super(ErrorCode.INFLUXDB_UNAVAILABLE, message, cause);
  }
}
