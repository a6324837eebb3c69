package io.tidewater.lifecycle.export;

import io.tidewater.lifecycle.lake.DataFile;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.parquet.ColumnBatch;
import io.tidewater.lifecycle.parquet.FieldColumn;
import io.tidewater.lifecycle.parquet.ScanSpec;
import io.tidewater.lifecycle.parquet.StoreInputFile;
import io.tidewater.lifecycle.parquet.TimeSeriesReader;
import io.tidewater.lifecycle.store.ObjectInfo;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import io.tidewater.policy.rollup.RollupAggregate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * How many values of each field the lake holds for a window: what InfluxDB's {@code count(*)} over
 * the window must equal when the lake is complete. Used to verify before deleting from InfluxDB and
 * to reconcile after change capture missed writes.
 */
public final class LakeCounts {

  private LakeCounts() {}

  /** A field whose number of values differs between InfluxDB and the lake. */
  public record Difference(String field, long inInflux, long inLake) {

    /** Whether the lake lacks values InfluxDB has (a re-export would add them). */
    public boolean lakeLacks() {
      return inInflux > inLake;
    }

    @Override
    public String toString() {
      return field + ": " + inInflux + " in InfluxDB, " + inLake + " in the lake";
    }
  }

  /** The fields, by name, whose counts differ; a field missing from one side counts 0 there. */
  public static List<Difference> differences(Map<String, Long> inInflux, Map<String, Long> inLake) {
    TreeSet<String> fields = new TreeSet<>(inInflux.keySet());
    fields.addAll(inLake.keySet());
    List<Difference> out = new ArrayList<>();
    for (String f : fields) {
      long i = inInflux.getOrDefault(f, 0L);
      long l = inLake.getOrDefault(f, 0L);
      if (i != l) {
        out.add(new Difference(f, i, l));
      }
    }
    return out;
  }

  /**
   * Values per field in {@code w}: from the full-resolution files' footers, else from the finest
   * rollup's count columns; empty when the lake does not hold the window.
   */
  public static Optional<Map<String, Long>> of(
      Ledger ledger, TieringPolicy policy, String measurement, Window w) {
    return counted(ledger, policy, measurement, w).map(v -> count(ledger, v));
  }

  /** The version {@link #of} counts: full resolution, else the finest rollup the lake holds. */
  private static Optional<WindowVersion> counted(
      Ledger ledger, TieringPolicy policy, String measurement, Window w) {
    String db = policy.source().database();
    Optional<WindowVersion> raw =
        ledger.latest(db, measurement, Resolution.RAW, w).filter(v -> !v.deleted());
    if (raw.isPresent()) {
      return raw;
    }
    for (Resolution r :
        policy.tiers().lakeTiers().stream()
            .flatMap(t -> t.rollups().stream())
            .sorted()
            .distinct()
            .toList()) {
      Optional<WindowVersion> rollup =
          ledger.latest(db, measurement, r, w).filter(v -> !v.deleted());
      if (rollup.isPresent()) {
        return rollup;
      }
    }
    return Optional.empty();
  }

  /**
   * {@link LakeCounts#of} remembered per window version: a version's files never change (a new
   * version has new objects or new ETags), so a job comparing a long history again and again reads
   * each version's footers once. Keeps the most recently used {@code capacity} versions.
   */
  public static final class Memo {
    private final Map<List<String>, Map<String, Long>> counts;

    public Memo(int capacity) {
      this.counts =
          new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<List<String>, Map<String, Long>> eldest) {
              return size() > capacity;
            }
          };
    }

    /**
     * Like {@link LakeCounts#of}, counting a version's files only the first time it is asked for.
     */
    public Optional<Map<String, Long>> of(
        Ledger ledger, TieringPolicy policy, String measurement, Window w) {
      Optional<WindowVersion> v = counted(ledger, policy, measurement, w);
      if (v.isEmpty()) {
        return Optional.empty();
      }
      List<String> identity =
          v.get().files().stream()
              .map(f -> f.key() + "\u0000" + f.etag() + "\u0000" + f.size())
              .toList();
      Map<String, Long> known;
      synchronized (this) {
        known = counts.get(identity);
      }
      if (known == null) { // counted outside the lock: it reads the store
        known = Map.copyOf(count(ledger, v.get()));
        synchronized (this) {
          counts.put(identity, known);
        }
      }
      return Optional.of(known);
    }
  }

  private static Map<String, Long> count(Ledger ledger, WindowVersion v) {
    boolean rollup = !Resolution.parse(v.resolution()).isRaw();
    Map<String, Long> counts = new HashMap<>();
    List<String> names =
        (rollup ? RollupSchema.rawOf(v.schema()) : v.schema())
            .fields().stream().map(FieldColumn::name).toList();
    // A rollup's counts per field are in its count columns.
    List<String> fields =
        rollup
            ? names.stream().map(f -> RollupSchema.column(f, RollupAggregate.COUNT)).toList()
            : names;
    ScanSpec spec =
        new ScanSpec(
            v.schema(), false, List.of(), fields, Long.MIN_VALUE, Long.MAX_VALUE, Map.of());
    for (DataFile f : v.files()) {
      ObjectInfo info =
          new ObjectInfo(f.key(), f.size(), f.etag(), Instant.EPOCH, Optional.empty());
      try (TimeSeriesReader reader =
          TimeSeriesReader.open(new StoreInputFile(ledger.store(), info), f.key(), spec)) {
        Optional<Map<String, Long>> fromFooter =
            rollup ? Optional.empty() : reader.fieldValueCounts();
        if (fromFooter.isPresent()) {
          fromFooter.get().forEach((field, n) -> counts.merge(field, n, Long::sum));
          continue;
        }
        ColumnBatch batch = new ColumnBatch(spec);
        while (reader.next(batch)) {
          for (int i = 0; i < fields.size(); i++) {
            String field = names.get(i);
            ColumnBatch.Vector vector = batch.field(i);
            long n = 0;
            for (int r = 0; r < batch.size(); r++) {
              if (!vector.isNull(r)) {
                n += rollup ? vector.longAt(r) : 1;
              }
            }
            counts.merge(field, n, Long::sum);
          }
        }
      }
    }
    return counts;
  }
}
