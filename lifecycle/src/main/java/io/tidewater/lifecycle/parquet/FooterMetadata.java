package io.tidewater.lifecycle.parquet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidewater.policy.TimestampPrecision;
import io.tidewater.policy.rollup.FieldType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What Tidewater writes into every Parquet file's footer and reads back from it: the measurement,
 * its tags and fields with their InfluxDB types (Parquet's own types cannot tell a tag from a
 * string field) and the timestamp precision, as JSON under {@link #KEY}.
 *
 * @param schema the measurement's tags and fields
 * @param precision the unit of the file's {@code time} column
 */
public record FooterMetadata(MeasurementSchema schema, TimestampPrecision precision) {

  /** The footer key holding the JSON. */
  public static final String KEY = "tidewater.schema";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The footer's key-value pairs holding this metadata. */
  public Map<String, String> toFooter() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("measurement", schema.measurement());
    json.put("tags", schema.tags());
    List<Map<String, String>> fields = new ArrayList<>();
    for (FieldColumn f : schema.fields()) {
      fields.add(Map.of("name", f.name(), "type", f.type().influxName()));
    }
    json.put("fields", fields);
    json.put("precision", precision.key());
    try {
      return Map.of(KEY, JSON.writeValueAsString(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The metadata in a footer's key-value pairs; SchemaConflictException if file {@code name} has
   * none.
   */
  public static FooterMetadata fromFooter(String name, Map<String, String> keyValues) {
    String text = keyValues.get(KEY);
    if (text == null) {
      throw new SchemaConflictException(
          name + " was not written by Tidewater (no " + KEY + " metadata)");
    }
    JsonNode meta;
    try {
      meta = JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> tags = new ArrayList<>();
    meta.get("tags").forEach(t -> tags.add(t.asText()));
    List<FieldColumn> fields = new ArrayList<>();
    meta.get("fields")
        .forEach(
            f ->
                fields.add(
                    new FieldColumn(
                        f.get("name").asText(), FieldType.fromInflux(f.get("type").asText()))));
    TimestampPrecision precision =
        TimestampPrecision.valueOf(meta.get("precision").asText().toUpperCase(Locale.ROOT));
    return new FooterMetadata(
        new MeasurementSchema(meta.get("measurement").asText(), tags, fields), precision);
  }

  /** Nanoseconds per unit of the file's {@code time} column. */
  public long unitNanos() {
    return precision == TimestampPrecision.NANOS ? 1 : 1000;
  }
}
