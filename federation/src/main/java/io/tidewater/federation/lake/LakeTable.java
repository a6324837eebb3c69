package io.tidewater.federation.lake;

import io.tidewater.federation.MeasurementColumns;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import java.util.List;
import java.util.function.Supplier;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.schema.impl.AbstractTable;

/** A measurement's full-resolution rows in the lake, as the ledger's newest window versions list them. */
public final class LakeTable extends AbstractTable implements TranslatableTable {

  private final Ledger ledger;
  private final Supplier<MeasurementSchema> schema;
  private final Supplier<List<WindowVersion>> windows;
  private final io.tidewater.policy.Resolution resolution;

  /** The raw rows of a measurement. */
  public LakeTable(Ledger ledger, Supplier<MeasurementSchema> schema, Supplier<List<WindowVersion>> windows) {
    this(ledger, schema, windows, io.tidewater.policy.Resolution.RAW);
  }

  /** A measurement at one resolution (raw, or a rollup's buckets). */
  public LakeTable(Ledger ledger, Supplier<MeasurementSchema> schema, Supplier<List<WindowVersion>> windows,
      io.tidewater.policy.Resolution resolution) {
    this.ledger = ledger;
    this.schema = schema;
    this.windows = windows;
    this.resolution = resolution;
  }

  public io.tidewater.policy.Resolution resolution() {
    return resolution;
  }

  private java.util.function.Supplier<java.util.Map<io.tidewater.policy.Resolution, List<WindowVersion>>> rollups =
      java.util.Map::of;

  /** For a raw table: the measurement's rollup windows, to tell ranges whose raw points were dropped. */
  public LakeTable withRollups(
      java.util.function.Supplier<java.util.Map<io.tidewater.policy.Resolution, List<WindowVersion>>> rollupWindows) {
    this.rollups = rollupWindows;
    return this;
  }

  /**
   * Fails if raw points are read where the lake keeps only rollups (a tier that drops raw data),
   * so a query never silently misses them.
   */
  void checkRawKept(io.tidewater.federation.TimeRange range, List<String> tableName) {
    java.util.TreeMap<Long, Long> raw = new java.util.TreeMap<>(); // start -> end of each raw window
    windows().forEach(w -> raw.put(w.windowStart(), w.windowEnd()));
    for (var e : rollups.get().entrySet()) {
      for (WindowVersion w : e.getValue()) {
        // A rollup window (one export window, or a span of them) with no raw window inside: raw was dropped.
        var before = raw.lowerEntry(w.windowEnd());
        boolean rawInside = before != null && before.getValue() > w.windowStart();
        if (w.windowEnd() > range.from() && w.windowStart() < range.to() && !rawInside) {
          throw new io.tidewater.error.TidewaterException(io.tidewater.error.ErrorCode.UNSUPPORTED,
              "the raw points of " + tableName.get(1) + "." + tableName.get(2) + " in " + w.window()
              + " are no longer kept (the lake keeps its " + e.getKey().name() + " rollup there): aggregate by"
              + " multiples of " + e.getKey().name() + " on ranges starting and ending on such buckets, without"
              + " COUNT(*), or query lake_" + e.getKey().name() + "." + tableName.get(1) + "." + tableName.get(2));
        }
      }
    }
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    return MeasurementColumns.rowType(schema.get(), typeFactory);
  }

  @Override
  public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
    return new LakeTableScan(context.getCluster(), relOptTable, this);
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
