package io.tidewater.federation.influx;

import io.tidewater.federation.ScanColumn;
import io.tidewater.federation.MeasurementColumns;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/** Reads a measurement from InfluxDB; the rules of {@link InfluxRules} fold operators above it into its query. */
public final class InfluxTableScan extends TableScan implements InfluxRel {

  private final InfluxTable influxTable;

  InfluxTableScan(RelOptCluster cluster, RelOptTable table, InfluxTable influxTable) {
    super(cluster, cluster.traitSetOf(CONVENTION), List.of(), table);
    this.influxTable = influxTable;
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return this;
  }

  @Override
  public void register(RelOptPlanner planner) {
    InfluxRules.register(planner);
  }

  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    // Rows cross the network: every operator folded into the query makes it cheaper.
    return super.computeSelfCost(planner, mq).multiplyBy(10);
  }

  @Override
  public void implement(InfluxQueryBuilder builder) {
    builder.table = influxTable;
    List<ScanColumn> columns = new ArrayList<>();
    var schema = influxTable.schema();
    for (int i = 0; i < getRowType().getFieldCount(); i++) {
      String name = MeasurementColumns.name(schema, i);
      columns.add(switch (MeasurementColumns.kind(schema, i)) {
        case TIME -> new ScanColumn.Time();
        case TAG -> new ScanColumn.Tag(name);
        case FIELD -> new ScanColumn.Field(name, MeasurementColumns.fieldType(schema, i));
      });
    }
    builder.columns = columns;
  }

  InfluxTable influxTable() {
    return influxTable;
  }
}
