package io.tidewater.lifecycle.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.policy.Compression;
import io.tidewater.policy.TimestampPrecision;
import io.tidewater.policy.rollup.FieldType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RoundTripTest {

  private static final long HOUR_START = 1_736_935_200_000_000_000L;

  @TempDir Path dir;

  private Path write(List<Fixtures.Row> rows, WriteOptions options) {
    Path file = dir.resolve("part-" + System.nanoTime() + ".parquet");
    TimeSeriesWriter.write(Fixtures.load(rows, 3), new LocalOutputFile(file), options);
    return file;
  }

  private static List<Fixtures.Row> read(Path file, ScanSpec spec) {
    List<Fixtures.Row> out = new ArrayList<>();
    try (TimeSeriesReader reader =
        TimeSeriesReader.open(new LocalInputFile(file), file.toString(), spec)) {
      ColumnBatch batch = new ColumnBatch(spec);
      while (reader.next(batch)) {
        for (int r = 0; r < batch.size(); r++) {
          out.add(
              new Fixtures.Row(
                  batch.timeAt(r),
                  (String) value(batch, spec, "host", r),
                  (String) value(batch, spec, "region name", r),
                  (Double) value(batch, spec, "usage", r),
                  (Long) value(batch, spec, "count", r),
                  (Boolean) value(batch, spec, "ok", r),
                  (String) value(batch, spec, "note, text", r),
                  (Long) value(batch, spec, "big", r)));
        }
      }
    }
    return out;
  }

  private static Object value(ColumnBatch batch, ScanSpec spec, String column, int row) {
    int t = spec.tags().indexOf(column);
    if (t >= 0) {
      return batch.tag(t).valueAt(row);
    }
    int f = spec.fields().indexOf(column);
    return f >= 0 ? batch.field(f).valueAt(row) : null;
  }

  private static List<Fixtures.Row> sorted(List<Fixtures.Row> rows) {
    List<Fixtures.Row> copy = new ArrayList<>(rows);
    copy.sort(Comparator.comparing(Fixtures.Row::host).thenComparing(Fixtures.Row::time));
    return copy;
  }

  private static List<Fixtures.Row> toMicros(List<Fixtures.Row> rows) {
    return rows.stream()
        .map(
            r ->
                new Fixtures.Row(
                    Math.floorDiv(r.time(), 1000) * 1000,
                    r.host(),
                    r.region(),
                    r.usage(),
                    r.count(),
                    r.ok(),
                    r.note(),
                    r.big()))
        .toList();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(TimestampPrecision.class)
  void adversarialSeriesReadBackEqual(TimestampPrecision precision) {
    List<Fixtures.Row> rows = Fixtures.rows(7, 30, 400, HOUR_START, true);
    // Small row groups and pages, so several of each are decoded.
    Path file = write(rows, new WriteOptions(Compression.ZSTD, precision, 64 << 10, 8 << 10));
    List<Fixtures.Row> expected = precision == TimestampPrecision.NANOS ? rows : toMicros(rows);
    assertEquals(sorted(expected), sorted(read(file, ScanSpec.all(Fixtures.SCHEMA))));
  }

  @Test
  void timeRangeAndTagFiltersReturnExactlyTheMatchingRows() {
    List<Fixtures.Row> rows = Fixtures.rows(8, 30, 300, HOUR_START, true);
    Path file =
        write(
            rows, new WriteOptions(Compression.ZSTD, TimestampPrecision.NANOS, 32 << 10, 4 << 10));
    long from = HOUR_START + 100_000_000_000L;
    long to = HOUR_START + 200_000_000_000L;
    Set<String> hosts = Set.of("comma,inside", "new\nline", "équipe-ünicode-日本");
    ScanSpec spec =
        ScanSpec.all(Fixtures.SCHEMA).withTimeRange(from, to).withTagValues(Map.of("host", hosts));
    List<Fixtures.Row> expected =
        rows.stream()
            .filter(r -> r.time() >= from && r.time() < to && hosts.contains(r.host()))
            .toList();
    assertTrue(expected.size() > 50, "the filter keeps some rows: " + expected.size());
    assertEquals(sorted(expected), sorted(read(file, spec)));
    try (TimeSeriesReader reader = TimeSeriesReader.open(new LocalInputFile(file), "f", spec)) {
      ColumnBatch batch = new ColumnBatch(spec);
      while (reader.next(batch)) {
        // drain
      }
      assertTrue(
          reader.rowGroupsSkipped() > 0 && reader.rowGroupsRead() > 0,
          "statistics pruned some row groups: read "
              + reader.rowGroupsRead()
              + ", skipped "
              + reader.rowGroupsSkipped());
    }
  }

  @Test
  void thePageIndexSkipsPagesOutsideTheTimeRangeWithinARowGroup() {
    List<Fixtures.Row> rows = Fixtures.rows(10, 10, 2000, HOUR_START, true);
    // One row group holding every series, many small pages: row-group statistics span the hour.
    Path file =
        write(
            rows, new WriteOptions(Compression.ZSTD, TimestampPrecision.NANOS, 64 << 20, 2 << 10));
    long from = HOUR_START + 300_000_000_000L;
    long to = HOUR_START + 360_000_000_000L;
    ScanSpec spec = ScanSpec.all(Fixtures.SCHEMA).withTimeRange(from, to);
    List<Fixtures.Row> expected =
        rows.stream().filter(r -> r.time() >= from && r.time() < to).toList();
    assertEquals(sorted(expected), sorted(read(file, spec)));
    try (TimeSeriesReader reader = TimeSeriesReader.open(new LocalInputFile(file), "f", spec)) {
      ColumnBatch batch = new ColumnBatch(spec);
      while (reader.next(batch)) {
        // drain
      }
      assertEquals(0, reader.rowGroupsSkipped());
      assertTrue(
          reader.rowsPrunedByPageIndex() > rows.size() / 2,
          "most rows were never decoded: " + reader.rowsPrunedByPageIndex() + " of " + rows.size());
    }
  }

  @Test
  void aRowGroupWhoseStatisticsAllowAMatchButNoPageDoesIsSkipped() {
    MeasurementSchema schema =
        new MeasurementSchema("m", List.of("host"), List.of(new FieldColumn("v", FieldType.FLOAT)));
    SeriesRows rows = new SeriesRows(schema);
    for (String host : List.of("a", "c")) {
      for (int i = 0; i < 5000; i++) {
        rows.startRow(HOUR_START + i * 1_000_000L);
        rows.tag(0, host);
        rows.setDouble(0, i);
      }
    }
    Path file = dir.resolve("gap.parquet");
    TimeSeriesWriter.write(
        rows,
        new LocalOutputFile(file),
        new WriteOptions(Compression.ZSTD, TimestampPrecision.NANOS, 64 << 20, 1 << 10));
    // Row-group statistics span [a, c], so "b" may be there; every page is all a or all c.
    ScanSpec spec = ScanSpec.all(schema).withTagValues(Map.of("host", Set.of("b")));
    try (TimeSeriesReader reader = TimeSeriesReader.open(new LocalInputFile(file), "gap", spec)) {
      assertEquals(false, reader.next(new ColumnBatch(spec)));
      assertEquals(1, reader.rowGroupsSkipped());
    }
  }

  @Test
  void projectionReadsOnlyTheRequestedColumns() {
    List<Fixtures.Row> rows = Fixtures.rows(9, 5, 100, HOUR_START, false);
    Path file = write(rows, WriteOptions.DEFAULTS);
    ScanSpec spec =
        new ScanSpec(
            Fixtures.SCHEMA,
            true,
            List.of("host"),
            List.of("usage"),
            Long.MIN_VALUE,
            Long.MAX_VALUE,
            Map.of());
    List<Fixtures.Row> got = read(file, spec);
    List<Fixtures.Row> expected =
        toMicros(rows).stream()
            .map(r -> new Fixtures.Row(r.time(), r.host(), null, r.usage(), null, null, null, null))
            .toList();
    assertEquals(sorted(expected), sorted(got));
  }

  @Test
  void columnsAddedLaterReadAsNullInOlderFiles() {
    MeasurementSchema old =
        new MeasurementSchema(
            Fixtures.SCHEMA.measurement(),
            List.of("host"),
            List.of(new FieldColumn("usage", FieldType.FLOAT)));
    SeriesRows rows = new SeriesRows(old);
    rows.startRow(HOUR_START);
    rows.tag(0, "a");
    rows.setDouble(0, 1.5);
    Path file = dir.resolve("old.parquet");
    TimeSeriesWriter.write(rows, new LocalOutputFile(file), WriteOptions.DEFAULTS);
    List<Fixtures.Row> got = read(file, ScanSpec.all(Fixtures.SCHEMA));
    assertEquals(
        List.of(new Fixtures.Row(HOUR_START, "a", null, 1.5, null, null, null, null)), got);
    assertEquals(Fixtures.SCHEMA, Fixtures.SCHEMA.union(old));
  }

  @Test
  void aFieldTypedDifferentlyIsANamedError() {
    MeasurementSchema asInteger =
        new MeasurementSchema(
            Fixtures.SCHEMA.measurement(),
            List.of("host"),
            List.of(new FieldColumn("usage", FieldType.INTEGER)));
    SeriesRows rows = new SeriesRows(asInteger);
    rows.startRow(HOUR_START);
    rows.setLong(0, 3);
    Path file = dir.resolve("conflict.parquet");
    TimeSeriesWriter.write(rows, new LocalOutputFile(file), WriteOptions.DEFAULTS);
    SchemaConflictException e =
        assertThrows(
            SchemaConflictException.class, () -> read(file, ScanSpec.all(Fixtures.SCHEMA)));
    assertTrue(
        e.getMessage()
            .contains("field 'usage' of cpu \"usage\", total is integer in " + file + " but float"),
        e.getMessage());
    SchemaConflictException union =
        assertThrows(SchemaConflictException.class, () -> Fixtures.SCHEMA.union(asInteger));
    assertTrue(
        union
            .getMessage()
            .startsWith(
                "field 'usage' of measurement 'cpu \"usage\", total' is float in some data"
                    + " and integer in other data"),
        union.getMessage());
  }
}
