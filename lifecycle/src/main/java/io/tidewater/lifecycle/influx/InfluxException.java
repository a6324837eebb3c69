package io.tidewater.lifecycle.influx;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** InfluxDB could not be reached, refused a query, or reported a statement error inside a 200. */
public final class InfluxException extends TidewaterException {
  private static final long serialVersionUID = 1L;

  /**
   * What InfluxDB's query compiler says of a statement it cannot run as written (1.x's {@code
   * query/compile.go}), as opposed to its state (a database not found, a limit exceeded, a query
   * killed): such a statement is the gateway's own doing.
   */
  private static final List<String> STATEMENT_FAULTS =
      List.of(
          "error parsing query",
          "not supported",
          "unsupported",
          "invalid",
          "expected",
          "must ",
          "requires",
          "required",
          "undefined function",
          "only time()");

  private final boolean unanswered;
  private final String influxError;

  public InfluxException(String message, Throwable cause) {
    this(ErrorCode.INFLUXDB_UNAVAILABLE, message, cause, false, null);
  }

  private InfluxException(
      ErrorCode code, String message, Throwable cause, boolean unanswered, String influxError) {
    super(code, message, cause);
    this.unanswered = unanswered;
    this.influxError = influxError;
  }

  /**
   * InfluxDB's own words where it refused a statement (a 400's error, or a statement's error inside
   * a 200), for answering a statement sent on as its caller wrote it.
   */
  public Optional<String> influxError() {
    return Optional.ofNullable(influxError);
  }

  /** InfluxDB could not be reached, or stopped answering: asking again at once would wait again. */
  public static InfluxException unanswered(String message, Throwable cause) {
    return new InfluxException(ErrorCode.INFLUXDB_UNAVAILABLE, message, cause, true, null);
  }

  /**
   * InfluxDB refused a statement the gateway wrote as malformed (HTTP 400, or a compile error of
   * the statement): the gateway's bug, reported as {@link ErrorCode#INTERNAL} rather than as
   * InfluxDB being unavailable.
   */
  public static InfluxException rejected(String influxql, String error) {
    return new InfluxException(
        ErrorCode.INTERNAL,
        "InfluxDB refused a statement the gateway wrote (a gateway bug;"
            + " please report it): "
            + error
            + "; the statement: "
            + influxql,
        null,
        false,
        error);
  }

  /**
   * A statement error of an answer: {@link #rejected} if it is the statement's fault, InfluxDB's
   * otherwise.
   */
  static InfluxException statementError(String influxql, String error) {
    String lower = error.toLowerCase(Locale.ROOT);
    if (STATEMENT_FAULTS.stream().anyMatch(lower::contains)) {
      return rejected(influxql, error);
    }
    return new InfluxException(
        ErrorCode.INFLUXDB_UNAVAILABLE,
        "InfluxDB statement error for " + influxql + ": " + error,
        null,
        false,
        error);
  }

  /**
   * Whether InfluxDB gave no answer (unreachable, silent, cut off), rather than an error of its
   * own.
   */
  public boolean unanswered() {
    return unanswered;
  }
}
