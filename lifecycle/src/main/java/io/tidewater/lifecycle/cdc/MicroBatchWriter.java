package io.tidewater.lifecycle.cdc;

import io.tidewater.lifecycle.export.ExportJob;
import io.tidewater.lifecycle.lake.LakeRows;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.lake.WindowWriter;
import io.tidewater.lifecycle.parquet.FieldColumn;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.lifecycle.parquet.SeriesRows;
import io.tidewater.policy.Durations;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.StorageClass;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import io.tidewater.policy.rollup.FieldType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes one policy's micro-batches into the lake: the points of the waiting writes that fall in
 * windows not yet due for export, merged into each window's partial version (a new ledger version
 * whose files replace the previous ones in place under the window's deterministic names, so an
 * external engine listing the folder never sees two copies). Points merge as InfluxDB merges them:
 * one point per series and time, a later write's fields replacing an earlier one's.
 *
 * <p>Runs holding the policy as its export does ({@link ExportJob#unlessRunning}): a window the
 * export has committed in full is never replaced by a partial one (its points were in InfluxDB
 * before it became due, so the export has them). While a run goes on, or when the lake fails, the
 * writes wait for the next flush; after {@value #MAX_FAILURES} failed flushes in a row they are
 * given up to the scheduled export, which reads them from InfluxDB.
 */
public final class MicroBatchWriter {

  /** Flushes that may fail in a row before the waiting writes are left to the export. */
  static final int MAX_FAILURES = 5;

  /**
   * What one flush did.
   *
   * @param points points written into the lake (after merging, before deduplication)
   * @param skipped points not written: their window became due or was exported meanwhile, or a
   *     field's type conflicts
   * @param busy true when an export of the policy was running: nothing was written, the writes wait
   * @param problem why the flush failed (empty if it did not)
   */
  public record Flush(
      String policy,
      Instant at,
      int windows,
      long points,
      long skipped,
      boolean busy,
      Optional<String> problem,
      Duration took) {}

  private final TieringPolicy policy;
  private final ExportJob job;
  private final Ledger ledger;
  private final WindowWriter writer;
  private final MicroBatches batches;
  private final Clock clock;
  private int failures;

  public MicroBatchWriter(
      ExportJob job, Ledger ledger, WindowWriter writer, MicroBatches batches, Clock clock) {
    this.job = Objects.requireNonNull(job, "job");
    this.policy = job.policy();
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.writer = Objects.requireNonNull(writer, "writer");
    this.batches = Objects.requireNonNull(batches, "batches");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public TieringPolicy policy() {
    return policy;
  }

  /** Writes the policy's waiting writes into the lake; empty if none waited. */
  public synchronized Optional<Flush> flush() {
    Optional<MicroBatches.Batch> taken = batches.take(policy);
    if (taken.isEmpty()) {
      return Optional.empty();
    }
    MicroBatches.Batch batch = taken.get();
    Instant now = clock.instant();
    long started = System.nanoTime();
    long[] skipped = {0};
    Map<String, TreeMap<Window, List<LinePoint>>> byWindow = group(batch, now, skipped);
    try {
      Optional<long[]> written =
          job.unlessRunning(
              () -> {
                long windows = 0;
                long points = 0;
                for (var m : byWindow.entrySet()) {
                  for (var w : m.getValue().entrySet()) {
                    long n = write(m.getKey(), w.getKey(), w.getValue(), skipped);
                    if (n > 0) {
                      windows++;
                      points += n;
                    }
                  }
                }
                return new long[] {windows, points};
              });
      if (written.isEmpty()) {
        batches.putBack(batch);
        return Optional.of(
            new Flush(policy.name(), now, 0, 0, 0, true, Optional.empty(), since(started)));
      }
      batches.done(batch);
      failures = 0;
      return Optional.of(
          new Flush(
              policy.name(),
              now,
              (int) written.get()[0],
              written.get()[1],
              skipped[0],
              false,
              Optional.empty(),
              since(started)));
    } catch (RuntimeException e) {
      String problem = String.valueOf(e.getMessage());
      if (++failures >= MAX_FAILURES) {
        failures = 0;
        batches.done(batch); // InfluxDB has the points: the window's export brings them
        problem +=
            "; after "
                + MAX_FAILURES
                + " failed flushes its "
                + batch.points()
                + " points are left to the scheduled export";
      } else {
        batches.putBack(batch);
      }
      return Optional.of(
          new Flush(policy.name(), now, 0, 0, 0, false, Optional.of(problem), since(started)));
    }
  }

  /** The batch's points per measurement and window not yet due, in the order written. */
  private Map<String, TreeMap<Window, List<LinePoint>>> group(
      MicroBatches.Batch batch, Instant now, long[] skipped) {
    Map<String, TreeMap<Window, List<LinePoint>>> byWindow = new LinkedHashMap<>();
    long length = policy.window().toNanos();
    for (MicroBatches.Write write : batch.writes()) {
      // The same bytes, precision and receive time as acknowledged: the same points.
      for (LinePoint p :
          LineProtocol.parse(write.body(), write.precision(), write.receivedNanos()).points()) {
        if (!ChangeCapture.claims(
            policy, write.database(), write.retentionPolicy(), p.measurement())) {
          continue;
        }
        long t = p.timeNanos();
        if (t < Long.MIN_VALUE + length) {
          continue; // no window starts that early
        }
        Window w =
            policy.windows().containing(Durations.fromEpochNanos(t - Math.floorMod(t, length)));
        if (policy.windows().isDue(w, now)) {
          skipped[0]++; // due now: the export reads it (or it was marked dirty when it arrived)
          continue;
        }
        byWindow
            .computeIfAbsent(p.measurement(), m -> new TreeMap<>())
            .computeIfAbsent(w, x -> new ArrayList<>())
            .add(p);
      }
    }
    return byWindow;
  }

  /**
   * Merges {@code points} into the window's partial version; returns the points written (0:
   * skipped).
   */
  private long write(String measurement, Window window, List<LinePoint> points, long[] skipped) {
    String db = policy.source().database();
    Optional<WindowVersion> latest = ledger.latest(db, measurement, Resolution.RAW, window);
    if (latest.isPresent() && !latest.get().partial() && !latest.get().deleted()) {
      skipped[0] +=
          points.size(); // exported in full meanwhile, from InfluxDB, which had these points
      return 0;
    }
    Map<String, FieldType> types = new HashMap<>();
    Map<Key, Row> rows = new LinkedHashMap<>();
    if (latest.isPresent() && latest.get().partial() && !latest.get().deleted()) {
      SeriesRows before = LakeRows.read(ledger, latest.get());
      before.schema().fields().forEach(f -> types.put(f.name(), f.type()));
      addRows(before, rows);
    }
    for (LinePoint p : points) {
      Row row =
          rows.computeIfAbsent(
              new Key(p.tags(), p.timeNanos()), k -> new Row(p.tags(), p.timeNanos()));
      for (var f : p.fields().entrySet()) {
        FieldType type = LineProtocol.typeOf(f.getValue(), p.unsigned().contains(f.getKey()));
        if (types.putIfAbsent(f.getKey(), type) != null && types.get(f.getKey()) != type) {
          skipped[
              0]++; // InfluxDB refuses a field's second type within a shard; the export reads what
          // it kept
          continue;
        }
        row.fields.put(f.getKey(), f.getValue());
      }
    }
    SeriesRows merged = toRows(measurement, types, rows);
    writer
        .prepare(db, merged, Resolution.RAW, window, policy.lake(), StorageClass.STANDARD, true)
        .commit();
    return points.size();
  }

  private record Key(SortedMap<String, String> tags, long time) {}

  private static final class Row {
    final SortedMap<String, String> tags;
    final long time;
    final Map<String, Object> fields = new HashMap<>();

    Row(SortedMap<String, String> tags, long time) {
      this.tags = tags;
      this.time = time;
    }
  }

  private static void addRows(SeriesRows rows, Map<Key, Row> into) {
    MeasurementSchema schema = rows.schema();
    for (int r = 0; r < rows.size(); r++) {
      SortedMap<String, String> tags = new TreeMap<>();
      for (int t = 0; t < schema.tags().size(); t++) {
        String v = rows.tagValueAt(t, r);
        if (v != null) {
          tags.put(schema.tags().get(t), v);
        }
      }
      Row row =
          into.computeIfAbsent(new Key(tags, rows.timeNanos(r)), k -> new Row(k.tags(), k.time()));
      for (int f = 0; f < schema.fields().size(); f++) {
        if (!rows.isPresent(f, r)) {
          continue;
        }
        FieldColumn c = schema.fields().get(f);
        row.fields.put(
            c.name(),
            switch (c.type()) {
              case FLOAT -> rows.doubleValue(f, r);
              case INTEGER, UNSIGNED -> rows.longValue(f, r);
              case BOOLEAN -> rows.longValue(f, r) != 0;
              case STRING -> rows.stringValue(f, r);
            });
      }
    }
  }

  private static SeriesRows toRows(
      String measurement, Map<String, FieldType> types, Map<Key, Row> rows) {
    TreeSet<String> tagKeys = new TreeSet<>();
    rows.keySet().forEach(k -> tagKeys.addAll(k.tags().keySet()));
    List<FieldColumn> fields = new ArrayList<>();
    types.forEach((name, type) -> fields.add(new FieldColumn(name, type)));
    SeriesRows out =
        new SeriesRows(new MeasurementSchema(measurement, List.copyOf(tagKeys), fields));
    MeasurementSchema schema = out.schema();
    for (Row row : rows.values()) {
      out.startRow(row.time);
      row.tags.forEach((k, v) -> out.tag(schema.tagIndex(k), v));
      row.fields.forEach(
          (name, value) -> {
            int f = schema.fieldIndex(name);
            if (value instanceof Double d) {
              out.setDouble(f, d);
            } else if (value instanceof Long l) {
              out.setLong(f, l);
            } else if (value instanceof Boolean b) {
              out.setBoolean(f, b);
            } else {
              out.setString(f, (String) value);
            }
          });
    }
    return out;
  }

  private static Duration since(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }
}
