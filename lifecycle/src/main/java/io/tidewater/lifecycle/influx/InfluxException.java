package io.tidewater.lifecycle.influx;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;

/** InfluxDB could not be reached, refused a query, or reported a statement error inside a 200. */
public final class InfluxException extends TidewaterException {
  private static final long serialVersionUID = 1L;

  private final boolean unanswered;

  public InfluxException(String message, Throwable cause) {
    this(message, cause, false);
  }

  private InfluxException(String message, Throwable cause, boolean unanswered) {
    super(ErrorCode.INFLUXDB_UNAVAILABLE, message, cause);
    this.unanswered = unanswered;
  }

  /** InfluxDB could not be reached, or stopped answering: asking again at once would wait again. */
  public static InfluxException unanswered(String message, Throwable cause) {
    return new InfluxException(message, cause, true);
  }

  /** Whether InfluxDB gave no answer (unreachable, silent, cut off), rather than an error of its own. */
  public boolean unanswered() {
    return unanswered;
  }
}
