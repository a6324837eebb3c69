package io.tidewater.federation.influx;

import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.plan.ConventionTraitDef;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.convert.ConverterImpl;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * Where an InfluxDB query meets Calcite's engine: builds the InfluxQL once at implementation and
 * hands the generated code a stashed {@link InfluxQuery} whose rows stream from InfluxDB.
 */
public final class InfluxToEnumerableConverter extends ConverterImpl implements EnumerableRel {

  InfluxToEnumerableConverter(RelOptCluster cluster, RelTraitSet traits, RelNode input) {
    super(cluster, ConventionTraitDef.INSTANCE, traits, input);
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new InfluxToEnumerableConverter(getCluster(), traitSet, sole(inputs));
  }

  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    return super.computeSelfCost(planner, mq).multiplyBy(0.1);
  }

  /** The query this converter runs (for EXPLAIN and tests). */
  public InfluxQuery query() {
    InfluxQueryBuilder builder = new InfluxQueryBuilder();
    builder.visit((InfluxRel) getInput());
    return builder.build();
  }

  /** The qualified name of the InfluxDB table read ({@code influxdb, database, measurement}). */
  public List<String> tableName() {
    RelNode node = getInput();
    while (!(node instanceof InfluxTableScan)) {
      node = node.getInput(0);
    }
    return node.getTable().getQualifiedName();
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    RelWriter w = super.explainTerms(pw);
    if (!concrete(getInput())) {
      return w; // still planning: the query is built once the plan is chosen
    }
    InfluxQuery q = query();
    return w.item("influxql", q.empty() ? "(empty time range: not sent)" : q.influxql());
  }

  private static boolean concrete(RelNode node) {
    return node instanceof InfluxRel && node.getInputs().stream().allMatch(InfluxToEnumerableConverter::concrete);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    return io.tidewater.federation.ScanToEnumerable.implement(implementor, pref, getRowType(), query(), InfluxQuery.class);
  }

}
