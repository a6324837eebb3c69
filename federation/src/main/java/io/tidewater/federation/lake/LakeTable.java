package io.tidewater.federation.lake;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import io.tidewater.federation.TimeRange;
import io.tidewater.federation.plan.MeasurementColumns;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.policy.Resolution;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * A measurement's full-resolution rows in the lake, as the ledger's newest window versions list
 * them.
 */
public final class LakeTable extends AbstractTable implements TranslatableTable {

  private final Ledger ledger;
  private final Supplier<MeasurementSchema> schema;
  private final Supplier<List<WindowVersion>> windows;
  private final Resolution resolution;

  /** The raw rows of a measurement. */
  public LakeTable(
      Ledger ledger, Supplier<MeasurementSchema> schema, Supplier<List<WindowVersion>> windows) {
    this(ledger, schema, windows, Resolution.RAW);
  }

  /** A measurement at one resolution (raw, or a rollup's buckets). */
  public LakeTable(
      Ledger ledger,
      Supplier<MeasurementSchema> schema,
      Supplier<List<WindowVersion>> windows,
      Resolution resolution) {
    this.ledger = ledger;
    this.schema = schema;
    this.windows = windows;
    this.resolution = resolution;
  }

  public Resolution resolution() {
    return resolution;
  }

  private Supplier<Map<Resolution, List<WindowVersion>>> rollups = Map::of;

  private Supplier<List<WindowVersion>> droppedRaw = List::of;

  private LakeParts parts = LakeParts.OFF;

  /** Where this table's aggregated and top-N answers are kept between queries. */
  public LakeTable withParts(LakeParts kept) {
    this.parts = kept;
    return this;
  }

  LakeParts parts() {
    return parts;
  }

  /**
   * For a raw table: the measurement's rollup windows and its raw windows dropped by tier moves, to
   * tell ranges whose raw points are gone while a rollup still holds them.
   */
  public LakeTable withRollups(
      Supplier<Map<Resolution, List<WindowVersion>>> rollupWindows,
      Supplier<List<WindowVersion>> droppedRawWindows) {
    this.rollups = rollupWindows;
    this.droppedRaw = droppedRawWindows;
    return this;
  }

  /**
   * Fails if raw points are read where the lake keeps only rollups (a tier that drops raw data), so
   * a query never silently misses them.
   */
  /**
   * Whether the raw points of {@code range} are all still in the lake (none dropped for rollups).
   */
  boolean rawKept(TimeRange range) {
    for (RawDropped d : rawDropped()) {
      if (d.window().windowEnd() > range.from() && d.window().windowStart() < range.to()) {
        return false;
      }
    }
    return true;
  }

  void checkRawKept(TimeRange range, List<String> tableName) {
    for (RawDropped d : rawDropped()) {
      WindowVersion w = d.window();
      if (w.windowEnd() > range.from() && w.windowStart() < range.to()) {
        throw new TidewaterException(
            ErrorCode.UNSUPPORTED,
            "the raw points of "
                + tableName.get(1)
                + "."
                + tableName.get(2)
                + " in "
                + w.window()
                + " are no longer kept (the lake keeps its "
                + d.resolution().name()
                + " rollup there): aggregate by"
                + " multiples of "
                + d.resolution().name()
                + " on ranges starting and ending on such buckets, without"
                + " COUNT(*), or query lake_"
                + d.resolution().name()
                + "."
                + tableName.get(1)
                + "."
                + tableName.get(2));
      }
    }
  }

  /**
   * A window without raw points where a rollup of {@code resolution} holds them: a rollup window
   * (one export window, or a span of them) with no raw window inside, or a raw window dropped by a
   * tier move under a rollup window that also covers raw windows still kept (a span partly
   * dropped).
   */
  private record RawDropped(Resolution resolution, WindowVersion window) {}

  /**
   * What {@link #rawDropped()} found for one ledger snapshot: the window lists (compared by
   * identity) and the answer.
   */
  private record DroppedSnapshot(
      Map<Resolution, List<WindowVersion>> rollups,
      List<WindowVersion> droppedRaw,
      List<RawDropped> dropped) {}

  /**
   * Computed once per ledger snapshot (the catalog hands out the same lists until it reloads): it
   * used to be rebuilt for every query from every window of the measurement, which showed as a
   * third of a lake point query's execution in the gateway's profile.
   */
  private static final Cache<List<WindowVersion>, DroppedSnapshot> DROPPED =
      Caffeine.newBuilder().weakKeys().maximumSize(10_000).build();

  private List<RawDropped> rawDropped() {
    List<WindowVersion> rawWindows = windows();
    Map<Resolution, List<WindowVersion>> current = rollups.get();
    List<WindowVersion> gone = droppedRaw.get();
    DroppedSnapshot known = DROPPED.getIfPresent(rawWindows);
    if (known != null && sameLists(known.rollups(), current) && known.droppedRaw() == gone) {
      return known.dropped();
    }
    TreeMap<Long, Long> raw = new TreeMap<>(); // start -> end of each raw window
    rawWindows.forEach(w -> raw.put(w.windowStart(), w.windowEnd()));
    TreeMap<Long, Long> rawReach = reach(raw);
    List<RawDropped> dropped = new ArrayList<>();
    for (var e : current.entrySet()) {
      TreeMap<Long, Long> rollup = new TreeMap<>();
      for (WindowVersion w : e.getValue()) {
        rollup.put(w.windowStart(), w.windowEnd());
        var before = raw.lowerEntry(w.windowEnd());
        if (before == null || before.getValue() <= w.windowStart()) {
          dropped.add(new RawDropped(e.getKey(), w));
        }
      }
      // Expiry deletes the rollups too, so a dropped raw window under a live rollup lost only its
      // raw points - unless raw windows kept cover its time again (written since, in other sizes).
      for (WindowVersion g : gone) {
        var over = rollup.lowerEntry(g.windowEnd());
        if (over != null
            && over.getValue() > g.windowStart()
            && !covered(rawReach, g.windowStart(), g.windowEnd())) {
          dropped.add(new RawDropped(e.getKey(), g));
        }
      }
    }
    DROPPED.put(rawWindows, new DroppedSnapshot(current, gone, List.copyOf(dropped)));
    return dropped;
  }

  /**
   * Whether windows together cover {@code [from, to)}, given {@code reach}: for each window start,
   * the furthest end of the windows starting there or before (windows of different sizes may nest).
   */
  static boolean covered(TreeMap<Long, Long> reach, long from, long to) {
    long reached = from;
    while (reached < to) {
      var w = reach.floorEntry(reached);
      if (w == null || w.getValue() <= reached) {
        return false;
      }
      reached = w.getValue();
    }
    return true;
  }

  /** {@link #covered}'s {@code reach} of windows given as start to end. */
  static TreeMap<Long, Long> reach(TreeMap<Long, Long> windows) {
    TreeMap<Long, Long> reach = new TreeMap<>();
    long furthest = Long.MIN_VALUE;
    for (var w : windows.entrySet()) {
      furthest = Math.max(furthest, w.getValue());
      reach.put(w.getKey(), furthest);
    }
    return reach;
  }

  private static boolean sameLists(
      Map<Resolution, List<WindowVersion>> a, Map<Resolution, List<WindowVersion>> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (var e : a.entrySet()) {
      if (e.getValue() != b.get(e.getKey())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    return MeasurementColumns.rowType(schema.get(), typeFactory);
  }

  @Override
  public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
    return new LakeTableScan(context.getCluster(), relOptTable, this);
  }

  /**
   * A scan of this (raw) table standing in for InfluxDB's over a range both hold, where it costs
   * less.
   */
  public RelNode alternativeTo(RelOptCluster cluster, RelOptTable relOptTable) {
    return new LakeTableScan(cluster, relOptTable, this, true);
  }

  public MeasurementSchema schema() {
    return schema.get();
  }

  public List<WindowVersion> windows() {
    return windows.get();
  }

  public Ledger ledger() {
    return ledger;
  }
}
