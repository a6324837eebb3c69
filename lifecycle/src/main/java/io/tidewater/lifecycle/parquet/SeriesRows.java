package io.tidewater.lifecycle.parquet;

import io.tidewater.policy.rollup.FieldType;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Rows of one measurement held column by column in primitive arrays, as an export collects them
 * before writing a window: no object per row or per value. Tags and string fields are
 * dictionary-encoded while collecting.
 */
public final class SeriesRows {

  private final MeasurementSchema schema;
  private int size;
  private long[] times = new long[1024];
  private final int[][] tagIds;
  private final StringDictionary[] tagValues;
  private final double[][] doubles;
  private final long[][] longs;
  private final int[][] stringIds;
  private final StringDictionary[] strings;
  private final BitSet[] present;

  public SeriesRows(MeasurementSchema schema) {
    this(schema, 1024);
  }

  /** With room for {@code capacity} rows before its arrays grow. */
  public SeriesRows(MeasurementSchema schema, int capacity) {
    this.schema = schema;
    int tags = schema.tags().size();
    int fields = schema.fields().size();
    capacity = Math.max(16, capacity);
    tagIds = new int[tags][capacity];
    tagValues = new StringDictionary[tags];
    for (int t = 0; t < tags; t++) {
      tagValues[t] = new StringDictionary();
    }
    doubles = new double[fields][];
    longs = new long[fields][];
    stringIds = new int[fields][];
    strings = new StringDictionary[fields];
    present = new BitSet[fields];
    for (int f = 0; f < fields; f++) {
      present[f] = new BitSet();
      switch (schema.fields().get(f).type()) {
        case FLOAT -> doubles[f] = new double[capacity];
        case INTEGER, UNSIGNED, BOOLEAN -> longs[f] = new long[capacity];
        case STRING -> {
          stringIds[f] = new int[capacity];
          strings[f] = new StringDictionary();
        }
      }
    }
  }

  public MeasurementSchema schema() {
    return schema;
  }

  public int size() {
    return size;
  }

  /** Starts a row at {@code timeNanos} (epoch ns); its tags and fields start out absent. */
  public int startRow(long timeNanos) {
    if (size == times.length) {
      grow();
    }
    times[size] = timeNanos;
    for (int[] ids : tagIds) {
      ids[size] = -1;
    }
    return size++;
  }

  private void grow() {
    int n = times.length * 2;
    times = Arrays.copyOf(times, n);
    for (int t = 0; t < tagIds.length; t++) {
      tagIds[t] = Arrays.copyOf(tagIds[t], n);
    }
    for (int f = 0; f < present.length; f++) {
      if (doubles[f] != null) {
        doubles[f] = Arrays.copyOf(doubles[f], n);
      }
      if (longs[f] != null) {
        longs[f] = Arrays.copyOf(longs[f], n);
      }
      if (stringIds[f] != null) {
        stringIds[f] = Arrays.copyOf(stringIds[f], n);
      }
    }
  }

  private int current() {
    if (size == 0) {
      throw new IllegalStateException("startRow first");
    }
    return size - 1;
  }

  /** Sets tag {@code tag} (index into the schema's tags) of the current row; null means absent. */
  public void tag(int tag, String value) {
    tagIds[tag][current()] = value == null ? -1 : tagValues[tag].id(value);
  }

  public void setDouble(int field, double value) {
    doubles[field][current()] = value;
    present[field].set(current());
  }

  public void setLong(int field, long value) {
    longs[field][current()] = value;
    present[field].set(current());
  }

  public void setBoolean(int field, boolean value) {
    longs[field][current()] = value ? 1 : 0;
    present[field].set(current());
  }

  public void setString(int field, String value) {
    stringIds[field][current()] = strings[field].id(value);
    present[field].set(current());
  }

  long time(int row) {
    return times[row];
  }

  /** The time of a row, epoch ns. */
  public long timeNanos(int row) {
    return times[row];
  }

  /** The value of tag {@code tag} at {@code row}, null when absent. */
  public String tagValueAt(int tag, int row) {
    int id = tagIds[tag][row];
    return id < 0 ? null : tagValues[tag].value(id);
  }

  /** The tag's dictionary id at {@code row}, -1 when absent. */
  int tagId(int tag, int row) {
    return tagIds[tag][row];
  }

  String tagValue(int tag, int id) {
    return tagValues[tag].value(id);
  }

  /** Whether field {@code field} has a value at {@code row}. */
  public boolean isPresent(int field, int row) {
    return present[field].get(row);
  }

  /** A float field's value at {@code row} (meaningless where the field is absent). */
  public double doubleValue(int field, int row) {
    return doubles[field][row];
  }

  /** An integer, unsigned (its 64 bits) or boolean (0 or 1) field's value at {@code row}. */
  public long longValue(int field, int row) {
    return longs[field][row];
  }

  /** A string field's value at {@code row}. */
  public String stringValue(int field, int row) {
    return strings[field].value(stringIds[field][row]);
  }

  int stringId(int field, int row) {
    return stringIds[field][row];
  }

  String stringById(int field, int id) {
    return strings[field].value(id);
  }

  FieldType type(int field) {
    return schema.fields().get(field).type();
  }

  /**
   * Appends every row of {@code other}, matching tags and fields by name: this schema must hold
   * every column of the other's with the same type (e.g. the union of both).
   */
  public void appendAll(SeriesRows other) {
    MeasurementSchema o = other.schema;
    int[] tagMap = new int[o.tags().size()];
    for (int t = 0; t < tagMap.length; t++) {
      tagMap[t] = schema.tagIndex(o.tags().get(t));
    }
    int[] fieldMap = new int[o.fields().size()];
    for (int f = 0; f < fieldMap.length; f++) {
      fieldMap[f] = schema.fieldIndex(o.fields().get(f).name());
      if (fieldMap[f] < 0 || schema.fields().get(fieldMap[f]).type() != o.fields().get(f).type()) {
        throw new SchemaConflictException(
            "cannot append rows with field '"
                + o.fields().get(f).name()
                + "' of type "
                + o.fields().get(f).type().influxName()
                + " to "
                + schema.measurement());
      }
    }
    for (int r = 0; r < other.size; r++) {
      startRow(other.times[r]);
      for (int t = 0; t < tagMap.length; t++) {
        tag(tagMap[t], other.tagValueAt(t, r));
      }
      for (int f = 0; f < fieldMap.length; f++) {
        if (!other.isPresent(f, r)) {
          continue;
        }
        switch (o.fields().get(f).type()) {
          case FLOAT -> setDouble(fieldMap[f], other.doubleValue(f, r));
          case INTEGER, UNSIGNED, BOOLEAN -> {
            longs[fieldMap[f]][size - 1] = other.longValue(f, r);
            present[fieldMap[f]].set(size - 1);
          }
          case STRING -> setString(fieldMap[f], other.stringValue(f, r));
        }
      }
    }
  }

  /** Row indices ordered by series (tag values in tag-key order, absent first), then time. */
  public int[] seriesTimeOrder() {
    int[][] ranks = new int[tagIds.length][];
    for (int t = 0; t < ranks.length; t++) {
      ranks[t] = tagValues[t].ranks();
    }
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    IntSort.sort(
        order,
        (a, b) -> {
          for (int t = 0; t < ranks.length; t++) {
            int ia = tagIds[t][a];
            int ib = tagIds[t][b];
            int ra = ia < 0 ? -1 : ranks[t][ia];
            int rb = ib < 0 ? -1 : ranks[t][ib];
            if (ra != rb) {
              return Integer.compare(ra, rb);
            }
          }
          return Long.compare(times[a], times[b]);
        });
    return order;
  }
}
