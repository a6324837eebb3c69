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
