package io.tidewater.lifecycle.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.ObjectInfo;
import io.tidewater.lifecycle.store.local.LocalLakeStore;
import io.tidewater.policy.Compression;
import io.tidewater.policy.StorageClass;
import io.tidewater.policy.TimestampPrecision;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Footers are read once per object version: a reopened file reads the same, a replaced one its new
 * content.
 */
class FooterReuseTest {

  private static final long HOUR_START = 1_736_935_200_000_000_000L;

  @TempDir Path dir;

  @Test
  void aReplacedObjectIsReadWithItsOwnFooter() {
    LakeStore store = new LocalLakeStore(new LakeLocation.Local(dir.resolve("lake")));
    List<Fixtures.Row> first = Fixtures.rows(1, 3, 50, HOUR_START, true);
    List<Fixtures.Row> second = Fixtures.rows(2, 5, 20, HOUR_START, true);
    ObjectInfo v1 =
        store.put("m/part.parquet", file(first, TimestampPrecision.NANOS), StorageClass.STANDARD);
    ScanSpec spec = ScanSpec.all(Fixtures.SCHEMA);
    List<Long> once = times(store, v1, spec);
    assertEquals(first.size(), once.size());
    assertEquals(
        once, times(store, v1, spec), "the same version read again (its footer remembered)");

    ObjectInfo v2 =
        store.put("m/part.parquet", file(second, TimestampPrecision.MICROS), StorageClass.STANDARD);
    assertNotEquals(v1.etag(), v2.etag());
    List<Long> replaced = times(store, v2, spec);
    assertEquals(
        second.size(), replaced.size(), "the new version's row groups, not the old footer's");
    assertEquals(
        second.stream().map(r -> Math.floorDiv(r.time(), 1000) * 1000).sorted().toList(),
        replaced.stream().sorted().toList(),
        "the new version's time unit (microseconds)");
  }

  /** Page indexes are remembered per object version too: a replaced object is pruned by its own. */
  @Test
  void aReplacedObjectIsPrunedWithItsOwnPageIndex() {
    LakeStore store = new LocalLakeStore(new LakeLocation.Local(dir.resolve("lake")));
    List<Fixtures.Row> first = Fixtures.rows(3, 20, 500, HOUR_START, true);
    String host = first.get(first.size() / 2).host();
    // The second version holds that host and one other, in a page layout nothing like the first's.
    String other = first.get(0).host();
    List<Fixtures.Row> second =
        Fixtures.rows(4, 20, 500, HOUR_START, true).stream()
            .filter(r -> host.equals(r.host()) || other.equals(r.host()))
            .toList();
    ScanSpec spec = ScanSpec.all(Fixtures.SCHEMA).withTagValues(Map.of("host", Set.of(host)));
    ObjectInfo v1 =
        store.put("m/part.parquet", file(first, TimestampPrecision.NANOS), StorageClass.STANDARD);
    for (int read = 0; read < 2; read++) {
      long[] pruned = new long[1];
      assertEquals(
          timesOf(first, host),
          times(store, v1, spec, pruned).stream().sorted().toList(),
          "read " + read);
      Assertions.assertTrue(pruned[0] > 0, "the page index pruned rows: " + pruned[0]);
    }
    ObjectInfo v2 =
        store.put("m/part.parquet", file(second, TimestampPrecision.NANOS), StorageClass.STANDARD);
    assertEquals(
        timesOf(second, host),
        times(store, v2, spec).stream().sorted().toList(),
        "the new version's pages, not the old page index's");
  }

  private static List<Long> timesOf(List<Fixtures.Row> rows, String host) {
    return rows.stream()
        .filter(r -> host.equals(r.host()))
        .map(Fixtures.Row::time)
        .sorted()
        .toList();
  }

  private Path file(List<Fixtures.Row> rows, TimestampPrecision precision) {
    Path file = dir.resolve("part-" + System.nanoTime() + ".parquet");
    TimeSeriesWriter.write(
        Fixtures.load(rows, 3),
        new LocalOutputFile(file),
        new WriteOptions(Compression.ZSTD, precision, 64 << 10, 8 << 10));
    return file;
  }

  private static List<Long> times(LakeStore store, ObjectInfo info, ScanSpec spec) {
    return times(store, info, spec, new long[1]);
  }

  private static List<Long> times(LakeStore store, ObjectInfo info, ScanSpec spec, long[] pruned) {
    List<Long> times = new ArrayList<>();
    try (TimeSeriesReader reader =
        TimeSeriesReader.open(new StoreInputFile(store, info), info.key(), spec)) {
      ColumnBatch batch = new ColumnBatch(spec);
      while (reader.next(batch)) {
        for (int r = 0; r < batch.size(); r++) {
          times.add(batch.timeAt(r));
        }
      }
      pruned[0] = reader.rowsPrunedByPageIndex();
    }
    return times;
  }
}
