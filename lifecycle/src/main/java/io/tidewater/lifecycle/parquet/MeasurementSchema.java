package io.tidewater.lifecycle.parquet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The columns of one measurement: {@code time}, one string column per tag key, one typed column per
 * field key (docs/architecture.md, lake layout). Tags and fields are kept sorted by name, so two
 * exports of the same data have the same schema.
 */
public record MeasurementSchema(String measurement, List<String> tags, List<FieldColumn> fields) {

  public static final String TIME = "time";

  public MeasurementSchema {
    Objects.requireNonNull(measurement, "measurement");
    tags = tags.stream().sorted().distinct().toList();
    fields = fields.stream().sorted(Comparator.comparing(FieldColumn::name)).toList();
    Set<String> names = new HashSet<>(tags);
    Set<String> fieldNames = new HashSet<>();
    for (FieldColumn f : fields) {
      if (!fieldNames.add(f.name())) {
        throw new SchemaConflictException(
            "measurement '" + measurement + "' lists field '" + f.name() + "' twice");
      }
      if (names.contains(f.name())) {
        throw new SchemaConflictException(
            "measurement '"
                + measurement
                + "' has a tag and a field both named '"
                + f.name()
                + "'; rename one in InfluxDB (SELECT INTO) before exporting");
      }
    }
    if (names.contains(TIME) || fieldNames.contains(TIME)) {
      throw new SchemaConflictException(
          "measurement '" + measurement + "' has a tag or field named 'time'");
    }
  }

  public int tagIndex(String tag) {
    return tags.indexOf(tag);
  }

  public int fieldIndex(String field) {
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).name().equals(field)) {
        return i;
      }
    }
    return -1;
  }

  public Optional<FieldColumn> field(String name) {
    int i = fieldIndex(name);
    return i < 0 ? Optional.empty() : Optional.of(fields.get(i));
  }

  /**
   * The union of two schemas (schema evolution: files written before a column existed read as NULL
   * there). A field with different types is a {@link SchemaConflictException} naming both.
   */
  public MeasurementSchema union(MeasurementSchema other) {
    if (!measurement.equals(other.measurement)) {
      throw new IllegalArgumentException("schemas of " + measurement + " and " + other.measurement);
    }
    List<String> allTags = new ArrayList<>(tags);
    allTags.addAll(other.tags);
    Map<String, FieldColumn> all = new LinkedHashMap<>();
    for (FieldColumn f : fields) {
      all.put(f.name(), f);
    }
    for (FieldColumn f : other.fields) {
      FieldColumn mine = all.putIfAbsent(f.name(), f);
      if (mine != null && mine.type() != f.type()) {
        throw new SchemaConflictException(
            "field '"
                + f.name()
                + "' of measurement '"
                + measurement
                + "' is "
                + mine.type().influxName()
                + " in some data and "
                + f.type().influxName()
                + " in other data;"
                + " InfluxDB allows this across shards, the lake needs one type per column");
      }
    }
    return new MeasurementSchema(measurement, allTags, new ArrayList<>(all.values()));
  }
}
