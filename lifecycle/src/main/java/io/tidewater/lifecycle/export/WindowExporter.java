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
import java.util.List;

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
      // Rollups coarser than the window need several windows; they are built per day (not yet).
      if (Durations.divides(r.width(), policy.window())) {
        out.add(r);
      }
    }
    return out;
  }

  public WindowExport export(TieringPolicy policy, String measurement, Window window, Instant now) {
    Placement placement = policy.ladder().placementAt(window.start(), now);
    if (placement.tier() == Tier.EXPIRED) {
      return new WindowExport(measurement, window, Tier.EXPIRED, 0, 0, List.of());
    }
    Source source = policy.source();
    MeasurementSchema schema = influx.schema(source.database(), source.retentionPolicy(), measurement);
    SeriesRows rows = new SeriesRows(schema);
    long read = influx.readWindow(source.database(), source.retentionPolicy(), Durations.epochNanos(window.start()), Durations.epochNanos(window.end()),
        rows);
    long bytes = 0;
    List<String> committed = new ArrayList<>();
    for (Resolution r : resolutionsToWrite(policy, placement)) {
      SeriesRows data = r.isRaw() ? rows : Downsampler.rollup(rows, r);
      StorageClass storageClass = r.isRaw() ? placement.raw().orElseThrow() : StorageClass.STANDARD;
      WindowVersion v = writer.prepare(source.database(), data, r, window, policy.lake(), storageClass).commit();
      bytes += v.bytes();
      committed.add(r.name());
    }
    return new WindowExport(measurement, window, placement.tier(), read, bytes, committed);
  }
}
