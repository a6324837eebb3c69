package io.tidewater.federation.influx;

import io.tidewater.federation.plan.ScanToEnumerableConverter;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;

/**
 * Where an InfluxDB query meets Calcite's engine: the InfluxQL is built once, its rows stream from
 * InfluxDB.
 */
public final class InfluxToEnumerableConverter extends ScanToEnumerableConverter<InfluxQuery> {

  InfluxToEnumerableConverter(RelOptCluster cluster, RelTraitSet traits, RelNode input) {
    super(cluster, traits, input, InfluxRel.CONVENTION, InfluxQuery.class);
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new InfluxToEnumerableConverter(getCluster(), traitSet, sole(inputs));
  }

  @Override
  public InfluxQuery query() {
    InfluxQueryBuilder builder = new InfluxQueryBuilder();
    builder.visit((InfluxRel) getInput());
    return builder.build();
  }

  @Override
  protected String describe(InfluxQuery q) {
    return q.empty() ? "(empty time range: not sent)" : q.explained();
  }
}
