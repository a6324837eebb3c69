package io.tidewater.policy.rollup;

import java.util.Arrays;
import java.util.Locale;

/** The type of an InfluxDB field, as {@code SHOW FIELD KEYS} names it. */
public enum FieldType {
  FLOAT,
  INTEGER,
  UNSIGNED,
  STRING,
  BOOLEAN;

  public boolean isNumeric() {
    return this == FLOAT || this == INTEGER || this == UNSIGNED;
  }

  /** The type for InfluxDB's name of it ({@code float}, {@code integer}, ...). */
  public static FieldType fromInflux(String name) {
    return Arrays.stream(values())
        .filter(t -> t.name().equalsIgnoreCase(name))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException("unknown InfluxDB field type '" + name + "'"));
  }

  public String influxName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
