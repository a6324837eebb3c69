package io.tidewater.lifecycle.parquet;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a scan of lake files reads: the columns wanted, a half-open time range in epoch nanoseconds,
 * and tag values to keep (a tag absent from the map is not filtered).
 *
 * @param schema the columns the caller expects; columns missing from a file read as NULL
 * @param time whether batches carry times; without it the time column is read only where the time
 *     range needs checking row by row
 */
public record ScanSpec(
    MeasurementSchema schema,
    boolean time,
    List<String> tags,
    List<String> fields,
    long fromNanos,
    long toNanos,
    Map<String, Set<String>> tagValues) {

  public ScanSpec {
    Objects.requireNonNull(schema, "schema");
    tags = List.copyOf(tags);
    fields = List.copyOf(fields);
    tagValues = Map.copyOf(tagValues);
    for (String t : tags) {
      if (schema.tagIndex(t) < 0) {
        throw new IllegalArgumentException("unknown tag '" + t + "' of " + schema.measurement());
      }
    }
    for (String f : fields) {
      if (schema.fieldIndex(f) < 0) {
        throw new IllegalArgumentException("unknown field '" + f + "' of " + schema.measurement());
      }
    }
    for (String t : tagValues.keySet()) {
      if (schema.tagIndex(t) < 0) {
        throw new IllegalArgumentException("unknown tag '" + t + "' of " + schema.measurement());
      }
    }
  }

  /** Every column of {@code schema}, all times, no tag filter. */
  public static ScanSpec all(MeasurementSchema schema) {
    return new ScanSpec(
        schema,
        true,
        schema.tags(),
        schema.fields().stream().map(FieldColumn::name).toList(),
        Long.MIN_VALUE,
        Long.MAX_VALUE,
        Map.of());
  }

  public ScanSpec withTimeRange(long from, long to) {
    return new ScanSpec(schema, time, tags, fields, from, to, tagValues);
  }

  public ScanSpec withTagValues(Map<String, Set<String>> values) {
    return new ScanSpec(schema, time, tags, fields, fromNanos, toNanos, values);
  }
}
