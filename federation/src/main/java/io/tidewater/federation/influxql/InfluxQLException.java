package io.tidewater.federation.influxql;

/**
 * A statement that parsed but cannot be answered, worded as InfluxDB words the error where it has
 * one ({@code invalid time comparison operator: !=}); it becomes the statement's {@code error}.
 */
public final class InfluxQLException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public InfluxQLException(String message) {
    super(message);
  }
}
