package io.tidewater.lifecycle.parquet;

import io.tidewater.policy.rollup.FieldType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Test data: random and adversarial series of one measurement, with the values kept for comparison.
 */
final class Fixtures {

  static final String[] ADVERSARIAL = {
    "plain", "with space", "comma,inside", "quote'single", "quote\"double", "new\nline",
        "tab\there",
    "équipe-ünicode-日本", "emoji-🚀", "back\\slash", "=equals=", "", " leading", "trailing "
  };

  static final MeasurementSchema SCHEMA =
      new MeasurementSchema(
          "cpu \"usage\", total",
          List.of("host", "region name"),
          List.of(
              new FieldColumn("usage", FieldType.FLOAT),
              new FieldColumn("count", FieldType.INTEGER),
              new FieldColumn("ok", FieldType.BOOLEAN),
              new FieldColumn("note, text", FieldType.STRING),
              new FieldColumn("big", FieldType.UNSIGNED)));

  /** One row as written, for comparison with what is read back. */
  record Row(
      long time,
      String host,
      String region,
      Double usage,
      Long count,
      Boolean ok,
      String note,
      Long big) {}

  /**
   * Rows over {@code series} series with irregular times in one hour, missing fields, NaN and
   * infinities.
   */
  static List<Row> rows(
      long seed, int series, int perSeries, long startNanos, boolean nanosecondTimes) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int s = 0; s < series; s++) {
      String host = ADVERSARIAL[s % ADVERSARIAL.length] + (s >= ADVERSARIAL.length ? "-" + s : "");
      String region = s % 3 == 0 ? null : "region-" + (s % 3);
      long t = startNanos;
      for (int i = 0; i < perSeries; i++) {
        t += 1_000_000L * (1 + random.nextInt(2000)) + (nanosecondTimes ? random.nextInt(1000) : 0);
        Double usage =
            switch (random.nextInt(20)) {
              case 0 -> null;
              case 1 -> Double.NaN;
              case 2 -> Double.POSITIVE_INFINITY;
              case 3 -> Double.NEGATIVE_INFINITY;
              default -> Math.round(random.nextGaussian() * 1e4) / 100.0;
            };
        Long count = random.nextInt(10) == 0 ? null : random.nextLong();
        Boolean ok = random.nextInt(10) == 0 ? null : random.nextBoolean();
        String note =
            random.nextInt(4) == 0 ? null : ADVERSARIAL[random.nextInt(ADVERSARIAL.length)];
        Long big =
            random.nextInt(10) == 0 ? null : -1L - random.nextInt(5); // near 2^64 as unsigned
        rows.add(new Row(t, host, region, usage, count, ok, note, big));
      }
    }
    return rows;
  }

  /** The rows in a {@link SeriesRows}, in a shuffled order (the writer sorts them). */
  static SeriesRows load(List<Row> rows, long seed) {
    List<Row> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, new Random(seed));
    SeriesRows out = new SeriesRows(SCHEMA);
    int host = SCHEMA.tagIndex("host");
    int region = SCHEMA.tagIndex("region name");
    for (Row r : shuffled) {
      out.startRow(r.time());
      out.tag(host, r.host());
      out.tag(region, r.region());
      if (r.usage() != null) {
        out.setDouble(SCHEMA.fieldIndex("usage"), r.usage());
      }
      if (r.count() != null) {
        out.setLong(SCHEMA.fieldIndex("count"), r.count());
      }
      if (r.ok() != null) {
        out.setBoolean(SCHEMA.fieldIndex("ok"), r.ok());
      }
      if (r.note() != null) {
        out.setString(SCHEMA.fieldIndex("note, text"), r.note());
      }
      if (r.big() != null) {
        out.setLong(SCHEMA.fieldIndex("big"), r.big());
      }
    }
    return out;
  }
}
