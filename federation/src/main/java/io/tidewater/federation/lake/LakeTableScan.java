package io.tidewater.federation.lake;

import io.tidewater.federation.plan.MeasurementColumns;
import io.tidewater.federation.plan.ScanColumn;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * Reads a measurement's lake files; the rules of {@link LakeRules} fold pruning, projection and
 * aggregation into it.
 */
public final class LakeTableScan extends TableScan implements LakeRel {

  private final LakeTable lakeTable;
  private final boolean alternative;

  LakeTableScan(RelOptCluster cluster, RelOptTable table, LakeTable lakeTable) {
    this(cluster, table, lakeTable, false);
  }

  /**
   * {@code alternative}: a scan in place of InfluxDB's over a range both hold, found cheaper
   * ({@link LakeTable#alternativeTo}).
   */
  LakeTableScan(
      RelOptCluster cluster, RelOptTable table, LakeTable lakeTable, boolean alternative) {
    super(cluster, cluster.traitSetOf(CONVENTION), List.of(), table);
    this.lakeTable = lakeTable;
    this.alternative = alternative;
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    // Shown in EXPLAIN: the lake was chosen over InfluxDB for this part.
    return super.explainTerms(pw).itemIf("insteadOfInfluxDb", true, alternative);
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return this;
  }

  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    // A rollup holds one row per series and bucket: far fewer than raw points.
    RelOptCost cost = super.computeSelfCost(planner, mq);
    return lakeTable.resolution().isRaw() ? cost : cost.multiplyBy(0.01);
  }

  @Override
  public void register(RelOptPlanner planner) {
    LakeRules.register(planner);
  }

  LakeTable lakeTable() {
    return lakeTable;
  }

  /** Every column of the measurement, in row order. */
  List<ScanColumn> columns() {
    var schema = lakeTable.schema();
    List<ScanColumn> columns = new ArrayList<>();
    for (int i = 0; i < getRowType().getFieldCount(); i++) {
      String name = MeasurementColumns.name(schema, i);
      columns.add(
          switch (MeasurementColumns.kind(schema, i)) {
            case TIME -> new ScanColumn.Time();
            case TAG -> new ScanColumn.Tag(name);
            case FIELD -> new ScanColumn.Field(name, MeasurementColumns.fieldType(schema, i));
          });
    }
    return columns;
  }

  @Override
  public void implement(LakeQueryBuilder builder) {
    builder.table = lakeTable;
    builder.tableName = getTable().getQualifiedName();
    builder.columns = columns();
  }
}
