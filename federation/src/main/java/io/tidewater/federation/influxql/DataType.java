package io.tidewater.federation.influxql;

/**
 * The type a variable reference is cast to ({@code "x"::float}, {@code ::field}, {@code ::tag}).
 */
public enum DataType {
  FLOAT,
  INTEGER,
  UNSIGNED,
  STRING,
  BOOLEAN,
  /** {@code ::field}: any field, not a tag. */
  FIELD,
  /** {@code ::tag}. */
  TAG
}
