package io.tidewater.federation.influx;

import io.tidewater.federation.plan.Binding;
import io.tidewater.federation.plan.ScanToEnumerableConverter;
import java.util.List;
import java.util.function.Function;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;

/**
 * Where an InfluxDB query meets Calcite's engine: the InfluxQL is built for each run's time range
 * (once where the statement has no parameters), its rows stream from InfluxDB.
 */
public final class InfluxToEnumerableConverter extends ScanToEnumerableConverter<InfluxQuery> {

  InfluxToEnumerableConverter(RelOptCluster cluster, RelTraitSet traits, RelNode input) {
    super(cluster, traits, input, InfluxRel.CONVENTION);
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new InfluxToEnumerableConverter(getCluster(), traitSet, sole(inputs));
  }

  @Override
  public InfluxQuery query(Binding binding) {
    return builder().build(binding);
  }

  @Override
  protected boolean parameterized() {
    return builder().parameterized();
  }

  @Override
  public Function<Binding, InfluxQuery> scanBuilder() {
    return builder()::build;
  }

  private InfluxQueryBuilder builder() {
    InfluxQueryBuilder builder = new InfluxQueryBuilder();
    builder.visit((InfluxRel) getInput());
    return builder;
  }

  @Override
  protected String describe(InfluxQuery q) {
    return q.empty() ? "(empty time range: not sent)" : q.explained();
  }
}
