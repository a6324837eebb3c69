package io.tidewater.policy;

/**
 * Precision of Parquet's {@code time} column: microseconds (what Athena, Spark and Synapse read) or
 * nanoseconds (lossless for InfluxDB's nanosecond timestamps).
 */
public enum TimestampPrecision implements PolicyKeyword {
  MICROS,
  NANOS
}
