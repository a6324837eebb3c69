package io.tidewater.lifecycle.export;

import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.lake.WindowWriter;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.lifecycle.parquet.SeriesRows;
import io.tidewater.policy.Durations;
import io.tidewater.policy.Placement;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.Source;
import io.tidewater.policy.StorageClass;
import io.tidewater.policy.Tier;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Exports one window of one measurement: reads it from InfluxDB (the source of truth), then writes
 * and commits full resolution where the window's tier keeps it, and the tier's rollups computed
 * from the same rows. Each resolution is its own ledger version; a rerun replaces them.
 */
public final class WindowExporter {

  private final InfluxClient influx;
  private final WindowWriter writer;

  public WindowExporter(InfluxClient influx, WindowWriter writer) {
    this.influx = influx;
    this.writer = writer;
  }

  /** The resolutions the lake holds for a window in {@code placement} that an export writes. */
  public static List<Resolution> resolutionsToWrite(TieringPolicy policy, Placement placement) {
    List<Resolution> out = new ArrayList<>();
    placement.raw().ifPresent(c -> out.add(Resolution.RAW));
    for (Resolution r : placement.rollups()) {
      // Rollups coarser than the window span several windows: the tier mover builds them per span.
      if (Durations.divides(r.width(), policy.window())) {
        out.add(r);
      }
    }
    return out;
  }

  /**
   * A window read from InfluxDB and the placement it is written at: the first half of an export.
   */
  public record WindowRead(
      String measurement, Window window, Placement placement, SeriesRows rows, long count) {}

  /**
   * Reads a window from InfluxDB (the slow half that can run while the previous window is written).
   */
  public WindowRead read(TieringPolicy policy, String measurement, Window window, Instant now) {
    return read(policy, measurement, List.of(window), now, Long.MAX_VALUE).get(0);
  }

  /**
   * Rows a window's arrays are made for: a little more than the fullest window of the last read.
   */
  private volatile int rowsPerWindow = 1024;

  /** More than this is grown into as it comes (a sparse batch after a dense one wastes little). */
  private static final int MAX_PRESIZED_ROWS = 1 << 16;

  /**
   * Reads consecutive windows ({@code windows.get(k).end()} is the next one's start) in one
   * InfluxDB query, with one look at the measurement's columns: many small windows cost InfluxDB
   * little more than one. Expired windows are not read. More than {@code maxRows} rows in all stops
   * the read with an error.
   */
  public List<WindowRead> read(
      TieringPolicy policy, String measurement, List<Window> windows, Instant now, long maxRows) {
    List<Placement> placements = new ArrayList<>();
    long[] bounds = new long[windows.size() + 1];
    for (int k = 0; k < windows.size(); k++) {
      Window w = windows.get(k);
      if (k > 0 && !windows.get(k - 1).end().equals(w.start())) {
        throw new IllegalArgumentException(
            "windows to read together must follow each other: " + windows.get(k - 1) + ", " + w);
      }
      placements.add(policy.ladder().placementAt(w.start(), now));
      bounds[k] = Durations.epochNanos(w.start());
    }
    bounds[windows.size()] = Durations.epochNanos(windows.get(windows.size() - 1).end());
    if (placements.stream().allMatch(p -> p.tier() == Tier.EXPIRED)) {
      List<WindowRead> expired = new ArrayList<>();
      for (int k = 0; k < windows.size(); k++) {
        expired.add(new WindowRead(measurement, windows.get(k), placements.get(k), null, 0));
      }
      return expired;
    }
    Source source = policy.source();
    MeasurementSchema schema =
        influx.schema(source.database(), source.retentionPolicy(), measurement);
    SeriesRows[] rows = new SeriesRows[windows.size()];
    for (int k = 0; k < rows.length; k++) {
      rows[k] = new SeriesRows(schema, rowsPerWindow);
    }
    long[] counts =
        influx.readWindows(source.database(), source.retentionPolicy(), bounds, rows, maxRows);
    long most = Arrays.stream(counts).max().orElse(0);
    rowsPerWindow = (int) Math.min(MAX_PRESIZED_ROWS, Math.max(1024, most + most / 8));
    List<WindowRead> reads = new ArrayList<>();
    for (int k = 0; k < rows.length; k++) {
      boolean expired = placements.get(k).tier() == Tier.EXPIRED;
      reads.add(
          new WindowRead(
              measurement,
              windows.get(k),
              placements.get(k),
              expired ? null : rows[k],
              expired ? 0 : counts[k]));
    }
    return reads;
  }

  /**
   * Writes and commits what {@link #read} got: full resolution where the tier keeps it, and its
   * rollups.
   */
  public WindowExport write(TieringPolicy policy, WindowRead read) {
    return write(policy, read, ListedVersions.NONE);
  }

  /** Like {@link #write(TieringPolicy, WindowRead)}, based on the {@code listed} versions. */
  WindowExport write(TieringPolicy policy, WindowRead read, ListedVersions listed) {
    Placement placement = read.placement();
    if (placement.tier() == Tier.EXPIRED) {
      return new WindowExport(read.measurement(), read.window(), Tier.EXPIRED, 0, 0, List.of());
    }
    Source source = policy.source();
    long bytes = 0;
    List<String> committed = new ArrayList<>();
    for (Resolution r : resolutionsToWrite(policy, placement)) {
      SeriesRows data = r.isRaw() ? read.rows() : Downsampler.rollup(read.rows(), r);
      StorageClass storageClass = r.isRaw() ? placement.raw().orElseThrow() : StorageClass.STANDARD;
      WindowWriter.PendingCommit pending =
          listed.covers(r)
              ? writer.prepare(
                  source.database(),
                  data,
                  r,
                  read.window(),
                  policy.lake(),
                  storageClass,
                  listed.newest(r, read.window()))
              : writer.prepare(
                  source.database(), data, r, read.window(), policy.lake(), storageClass);
      WindowVersion v = pending.commit();
      bytes += v.bytes();
      committed.add(r.name());
    }
    return new WindowExport(
        read.measurement(), read.window(), placement.tier(), read.count(), bytes, committed);
  }

  /**
   * Whether a window at {@code placement} is kept only in rollups coarser than the window (a cold
   * tier with {@code raw: none} and, say, daily rollups of hourly windows): nothing is written per
   * window, so an export must build those rollups for the window's whole span.
   */
  public static boolean spanOnly(TieringPolicy policy, Placement placement) {
    return placement.tier() != Tier.EXPIRED
        && resolutionsToWrite(policy, placement).isEmpty()
        && !placement.rollups().isEmpty();
  }

  /**
   * Builds rollup {@code r} of the span {@code span} (one bucket of {@code r}, a whole number of
   * windows) from InfluxDB, read window by window in one query, and commits it: how a late write
   * reaches a window the lake keeps only as coarser rollups. Returns the rows read per window
   * holding points; a span without any is written (empty) only if {@code writeEmpty}.
   */
  public Map<Window, Long> exportSpan(
      TieringPolicy policy,
      String measurement,
      Window span,
      Resolution r,
      Instant now,
      boolean writeEmpty) {
    List<Window> windows = new ArrayList<>();
    for (Instant t = span.start(); t.isBefore(span.end()); t = t.plus(policy.window())) {
      windows.add(policy.windows().containing(t));
    }
    List<WindowRead> reads = read(policy, measurement, windows, now, Long.MAX_VALUE);
    Map<Window, Long> counts = new TreeMap<>();
    MeasurementSchema schema =
        reads.stream()
            .filter(x -> x.rows() != null)
            .findFirst()
            .map(x -> x.rows().schema())
            .orElse(null);
    if (schema == null) {
      return counts; // expired: nothing to build
    }
    SeriesRows all = new SeriesRows(schema);
    for (WindowRead x : reads) {
      if (x.rows() != null && x.count() > 0) {
        all.appendAll(x.rows());
        counts.put(x.window(), x.count());
      }
    }
    if (!counts.isEmpty() || writeEmpty) {
      writer
          .prepare(
              policy.source().database(),
              Downsampler.rollup(all, r),
              r,
              span,
              policy.lake(),
              StorageClass.STANDARD)
          .commit();
    }
    return counts;
  }
}
