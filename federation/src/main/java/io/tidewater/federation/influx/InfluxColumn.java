package io.tidewater.federation.influx;

import io.tidewater.policy.rollup.FieldType;

/** What one output column of a pushed-down InfluxDB query holds, and so how its value is read. */
public sealed interface InfluxColumn {

  /** The point's time. */
  record Time() implements InfluxColumn {}

  /** The point's time floored to a bucket ({@code FLOOR(time TO unit)}), or the bucket of an aggregate row. */
  record Bucket(long widthMillis) implements InfluxColumn {}

  /** A tag value; NULL where the point lacks the tag. */
  record Tag(String name) implements InfluxColumn {}

  /** A field value. */
  record Field(String name, FieldType type) implements InfluxColumn {}

  /**
   * An InfluxQL aggregate of a field over a group.
   *
   * @param zeroWhenEmpty a group without values of the field gives 0, not NULL (COUNT, and SUM0 as
   *     Calcite splits AVG)
   */
  record Aggregate(String function, String field, FieldType resultType, boolean zeroWhenEmpty) implements InfluxColumn {}
}
