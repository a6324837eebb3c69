package io.tidewater.lifecycle.parquet;

import io.tidewater.policy.rollup.FieldType;
import java.util.Objects;

/** One field of a measurement and its InfluxDB type. */
public record FieldColumn(String name, FieldType type) {
  public FieldColumn {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }
}
