package io.tidewater.federation.influx;

import io.tidewater.federation.TimeRange;
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
 * Reads a measurement from InfluxDB; the rules of {@link InfluxRules} fold operators above it into
 * its query.
 */
public final class InfluxTableScan extends TableScan implements InfluxRel {

  private final InfluxTable influxTable;
  private final RelOptTable lakeCopy; // null, or the lake's table holding lakeRanges too
  private final List<TimeRange> lakeRanges;
  private final boolean influxQlGroups;

  /**
   * {@code influxQlGroups}: the statement answers InfluxQL ({@link InfluxQlGroups}), so a group
   * need only exist where an aggregated field has a value.
   */
  InfluxTableScan(
      RelOptCluster cluster, RelOptTable table, InfluxTable influxTable, boolean influxQlGroups) {
    this(cluster, table, influxTable, null, List.of(), influxQlGroups);
  }

  InfluxTableScan(
      RelOptCluster cluster,
      RelOptTable table,
      InfluxTable influxTable,
      RelOptTable lakeCopy,
      List<TimeRange> lakeRanges,
      boolean influxQlGroups) {
    super(cluster, cluster.traitSetOf(CONVENTION), List.of(), table);
    this.influxTable = influxTable;
    this.lakeCopy = lakeRanges.isEmpty() ? null : lakeCopy;
    this.lakeRanges = List.copyOf(lakeRanges);
    this.influxQlGroups = influxQlGroups;
  }

  /**
   * The lake's table of this measurement if it holds {@link #lakeRanges()} completely too, else
   * null.
   */
  public RelOptTable lakeCopy() {
    return lakeCopy;
  }

  /** The ranges the lake holds too, in time order (meaningful with {@link #lakeCopy()}). */
  public List<TimeRange> lakeRanges() {
    return lakeRanges;
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    // Part of the digest: a scan with an alternative must not merge with one without.
    return super.explainTerms(pw)
        .itemIf("lakeToo", lakeRanges, lakeCopy != null)
        .itemIf(InfluxQlGroups.HINT, true, influxQlGroups);
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
    builder.influxQlGroups = influxQlGroups;
    List<ScanColumn> columns = new ArrayList<>();
    var schema = influxTable.schema();
    for (int i = 0; i < getRowType().getFieldCount(); i++) {
      String name = MeasurementColumns.name(schema, i);
      columns.add(
          switch (MeasurementColumns.kind(schema, i)) {
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
