package io.tidewater.lifecycle.tier;

import io.tidewater.lifecycle.export.Downsampler;
import io.tidewater.lifecycle.export.RollupSchema;
import io.tidewater.lifecycle.export.WindowExporter;
import io.tidewater.lifecycle.lake.DataFile;
import io.tidewater.lifecycle.lake.LakeRows;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.lake.WindowWriter;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.lifecycle.parquet.SeriesRows;
import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.ObjectInfo;
import io.tidewater.policy.Durations;
import io.tidewater.policy.Placement;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.StorageClass;
import io.tidewater.policy.Tier;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Moves a measurement's windows to what their tier holds now: full resolution into the tier's
 * storage class (or dropped), the tier's rollups built (from full resolution, else from a finer
 * rollup) and rollups it no longer keeps dropped, and windows past expiry deleted everywhere. Every
 * change is a new ledger version, so readers never see files that disagree with it.
 */
public final class TierMover {

  private final TieringPolicy policy;
  private final Ledger ledger;
  private final WindowWriter writer;
  private final Clock clock;

  public TierMover(TieringPolicy policy, Ledger ledger, WindowWriter writer, Clock clock) {
    this.policy = policy;
    this.ledger = ledger;
    this.writer = writer;
    this.clock = clock;
  }

  public TierReport run(List<String> measurements) {
    Instant now = clock.instant();
    Counts counts = new Counts();
    List<String> failures = new ArrayList<>();
    // Per-window resolutions (full resolution and rollups whose buckets fit in a window) ...
    List<Resolution> perWindow = new ArrayList<>(List.of(Resolution.RAW));
    // ... and rollups spanning several windows, built from a whole span once it has closed.
    List<Resolution> spanning = new ArrayList<>();
    policy.tiers().lakeTiers().stream()
        .flatMap(t -> t.rollups().stream())
        .distinct()
        .forEach(
            r -> (Durations.divides(r.width(), policy.window()) ? perWindow : spanning).add(r));
    for (String measurement : measurements) {
      // window start -> (resolution -> newest version)
      Map<Instant, Map<Resolution, WindowVersion>> windows = new TreeMap<>();
      for (Resolution r : perWindow) {
        for (WindowVersion v : ledger.windows(policy.source().database(), measurement, r)) {
          windows.computeIfAbsent(v.window().start(), k -> new LinkedHashMap<>()).put(r, v);
        }
      }
      boolean spansFailed = false;
      for (Resolution r : spanning) {
        try {
          moveSpans(measurement, r, windows, now, counts);
        } catch (RuntimeException e) {
          failures.add(measurement + " res=" + r + ": " + e.getMessage());
          spansFailed = true;
        }
      }
      for (Map<Resolution, WindowVersion> held : windows.values()) {
        Window w = held.values().iterator().next().window();
        try {
          // A span rollup that could not be built may still need this full resolution.
          move(w, held, policy.ladder().placementAt(w.start(), now), now, counts, !spansFailed);
        } catch (RuntimeException e) {
          failures.add(measurement + " " + w + ": " + e.getMessage());
        }
      }
    }
    return new TierReport(
        policy.name(),
        counts.classChanges,
        counts.rollupsBuilt,
        counts.rollupsDropped,
        counts.rawDropped,
        counts.expired,
        failures);
  }

  /**
   * A rollup coarser than the export window covers a span of windows: it is built (or rebuilt when
   * a window of the span was exported again) once the span has closed and settled, from the span's
   * full resolution, else its finest rollup; dropped where the tier does not keep it.
   */
  private void moveSpans(
      String measurement,
      Resolution r,
      Map<Instant, Map<Resolution, WindowVersion>> windows,
      Instant now,
      Counts counts) {
    String db = policy.source().database();
    Map<Instant, List<Map<Resolution, WindowVersion>>> spans = new TreeMap<>();
    for (var e : windows.entrySet()) {
      spans
          .computeIfAbsent(Durations.floor(e.getKey(), r.width()), k -> new ArrayList<>())
          .add(e.getValue());
    }
    // Spans whose windows are all gone (full resolution and finer rollups dropped) still leave the
    // lake when their tier stops keeping them or they expire.
    for (WindowVersion v : ledger.windows(db, measurement, r)) {
      if (!spans.containsKey(v.window().start())) {
        Placement placement = policy.ladder().placementAt(v.window().start(), now);
        if (placement.tier() == Tier.EXPIRED || !placement.rollups().contains(r)) {
          ledger.delete(v, now);
          counts.rollupsDropped++;
        }
      }
    }
    for (var span : spans.entrySet()) {
      Window w = new Window(span.getKey(), span.getKey().plus(r.width()));
      if (w.end().plus(policy.settle()).isAfter(now)) {
        continue;
      }
      Placement placement = policy.ladder().placementAt(w.start(), now);
      Optional<WindowVersion> existing =
          ledger.latest(db, measurement, r, w).filter(v -> !v.deleted());
      if (placement.tier() == Tier.EXPIRED || !placement.rollups().contains(r)) {
        if (existing.isPresent()) {
          ledger.delete(existing.get(), now);
          counts.rollupsDropped++;
        }
        continue;
      }
      // The finest resolution every window of the span has.
      Optional<Resolution> source =
          span.getValue().stream()
              .map(held -> held.keySet().stream().min(Resolution::compareTo).orElseThrow())
              .max(Resolution::compareTo);
      if (source.isEmpty()) {
        continue;
      }
      List<WindowVersion> parts =
          span.getValue().stream()
              .map(held -> held.get(source.get()))
              .filter(Objects::nonNull)
              .toList();
      boolean stale =
          existing.isEmpty()
              || parts.stream()
                  .anyMatch(
                      p ->
                          Instant.parse(p.committedAt())
                              .isAfter(Instant.parse(existing.get().committedAt())));
      if (!stale) {
        continue;
      }
      // Each window rolled up to r gives partial buckets; merged across the span they are exact.
      List<SeriesRows> partials = new ArrayList<>();
      MeasurementSchema raw = null;
      for (WindowVersion part : parts) {
        MeasurementSchema partRaw =
            source.get().isRaw() ? part.schema() : RollupSchema.rawOf(part.schema());
        raw = raw == null ? partRaw : raw.union(partRaw);
        partials.add(
            source.get().isRaw()
                ? Downsampler.rollup(LakeRows.read(ledger, part), r)
                : Downsampler.reaggregate(LakeRows.read(ledger, part), partRaw, r));
      }
      SeriesRows all = new SeriesRows(RollupSchema.of(raw));
      partials.forEach(all::appendAll);
      SeriesRows rows = Downsampler.reaggregate(all, raw, r);
      writer.prepare(db, rows, r, w, policy.lake(), StorageClass.STANDARD).commit();
      counts.rollupsBuilt++;
    }
  }

  private static final class Counts {
    int classChanges;
    int rollupsBuilt;
    int rollupsDropped;
    int rawDropped;
    int expired;
  }

  private void move(
      Window w,
      Map<Resolution, WindowVersion> held,
      Placement placement,
      Instant now,
      Counts counts,
      boolean mayDropRaw) {
    if (placement.tier() == Tier.EXPIRED) {
      held.values().forEach(v -> ledger.delete(v, now));
      counts.expired++;
      return;
    }
    WindowVersion raw = held.get(Resolution.RAW);
    // Rollups first: building them may need full resolution that is about to be dropped.
    for (Resolution r : WindowExporter.resolutionsToWrite(policy, placement)) {
      if (!r.isRaw() && !held.containsKey(r)) {
        Optional<SeriesRows> built = build(r, raw, held);
        if (built.isPresent()) {
          writer
              .prepare(
                  policy.source().database(),
                  built.get(),
                  r,
                  w,
                  policy.lake(),
                  StorageClass.STANDARD)
              .commit();
          counts.rollupsBuilt++;
        }
      }
    }
    for (Map.Entry<Resolution, WindowVersion> e : held.entrySet()) {
      if (!e.getKey().isRaw() && !placement.rollups().contains(e.getKey())) {
        ledger.delete(e.getValue(), now);
        counts.rollupsDropped++;
      }
    }
    if (raw != null) {
      if (placement.raw().isEmpty()) {
        if (mayDropRaw) {
          ledger.delete(raw, now);
          counts.rawDropped++;
        }
      } else if (ledger.store().supportsStorageClasses()) {
        StorageClass target = placement.raw().get();
        if (raw.files().stream().anyMatch(f -> f.storageClass() != target)) {
          // A class change may give files new ETags (S3 copies them onto themselves): flag the
          // window until the restated entry is committed, so an interruption is redone.
          String intent = ledger.beginWrite(raw.database(), raw.measurement(), Resolution.RAW, w);
          ledger.restate(raw, changeClass(raw.files(), target), now);
          ledger.endWrite(intent);
          counts.classChanges++;
        }
      }
    }
  }

  /**
   * Moves files to {@code target}; a class change may give a file a new ETag (S3 copies it onto
   * itself).
   */
  private List<DataFile> changeClass(List<DataFile> files, StorageClass target) {
    LakeStore store = ledger.store();
    List<DataFile> out = new ArrayList<>();
    for (DataFile f : files) {
      if (f.storageClass() == target) {
        out.add(f);
        continue;
      }
      store.changeStorageClass(f.key(), target);
      ObjectInfo now =
          store.stat(f.key()).orElseThrow(() -> new IllegalStateException(f.key() + " vanished"));
      out.add(f.withStorageClass(target, now.etag()));
    }
    return out;
  }

  /**
   * A rollup from full resolution, else by re-aggregating the finest held rollup that divides it.
   */
  private Optional<SeriesRows> build(
      Resolution target, WindowVersion raw, Map<Resolution, WindowVersion> held) {
    if (raw != null) {
      return Optional.of(Downsampler.rollup(LakeRows.read(ledger, raw), target));
    }
    return held.entrySet().stream()
        .filter(
            e ->
                !e.getKey().isRaw()
                    && e.getKey().compareTo(target) < 0
                    && Durations.divides(e.getKey().width(), target.width()))
        .min(Map.Entry.comparingByKey())
        .map(
            e ->
                Downsampler.reaggregate(
                    LakeRows.read(ledger, e.getValue()),
                    RollupSchema.rawOf(e.getValue().schema()),
                    target));
  }
}
