package io.tidewater.federation;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;

/** Why a running statement was stopped before its end, and the error its caller gets. */
public enum StopReason {
  /** It ran past {@code tidewater.query.timeout}. */
  TIMEOUT(
      ErrorCode.QUERY_TIMEOUT,
      "the query ran longer than its time limit and was stopped; narrow the time range or"
          + " aggregate"),
  /** The client went away before the answer was complete. */
  CLIENT_GONE(ErrorCode.QUERY_CANCELLED, "the client closed the connection; the query was stopped"),
  /** The gateway is shutting down. */
  SHUTDOWN(ErrorCode.QUERY_CANCELLED, "the gateway is shutting down; the query was stopped"),
  /**
   * What its joins, sorts and windows keep, or its json answer holds, grew past {@code
   * tidewater.query.max-memory}.
   */
  MEMORY(
      ErrorCode.RESOURCE_EXHAUSTED,
      "the query needs more than %s of memory for the rows its joins, sorts and windows keep,"
          + " or its json answer holds (tidewater.query.max-memory); narrow the time range,"
          + " aggregate before joining, add a LIMIT, or ask for the ndjson or csv format, which"
          + " stream");

  private final ErrorCode code;
  private final String message;

  StopReason(ErrorCode code, String message) {
    this.code = code;
    this.message = message;
  }

  /** The error a statement stopped for this reason fails with; {@code maxBytes} its budget. */
  public TidewaterException error(long maxBytes) {
    return new TidewaterException(
        code, this == MEMORY ? message.formatted(megabytes(maxBytes)) : message);
  }

  private static String megabytes(long bytes) {
    return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : bytes + " bytes";
  }
}
