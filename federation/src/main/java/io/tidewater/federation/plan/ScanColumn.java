package io.tidewater.federation.plan;

import io.tidewater.policy.rollup.FieldType;
import io.tidewater.policy.rollup.QueryAggregate;

/**
 * What one output column of a pushed-down scan (InfluxDB or lake) holds, and so how its value is
 * produced.
 */
public sealed interface ScanColumn {

  /** The point's time. */
  record Time() implements ScanColumn {}

  /**
   * The point's time floored to a bucket ({@code FLOOR(time TO unit)}), or the bucket of an
   * aggregate row.
   */
  record Bucket(long widthMillis) implements ScanColumn {}

  /** A tag value; NULL where the point lacks the tag. */
  record Tag(String name) implements ScanColumn {}

  /** A field value. */
  record Field(String name, FieldType type) implements ScanColumn {}

  /**
   * An aggregate of a field (null: of rows, COUNT(*)) over a group.
   *
   * @param zeroWhenEmpty a group without values of the field gives 0, not NULL (COUNT, and SUM0 as
   *     Calcite splits AVG)
   */
  record Aggregate(
      QueryAggregate function, String field, FieldType resultType, boolean zeroWhenEmpty)
      implements ScanColumn {}
}
