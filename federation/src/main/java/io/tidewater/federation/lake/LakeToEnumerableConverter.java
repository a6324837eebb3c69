package io.tidewater.federation.lake;

import io.tidewater.federation.plan.Binding;
import io.tidewater.federation.plan.ScanToEnumerableConverter;
import java.util.List;
import java.util.function.Function;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;

/**
 * Where a lake scan meets Calcite's engine: planned once, its files listed from the ledger and
 * decoded when run.
 */
public final class LakeToEnumerableConverter extends ScanToEnumerableConverter<LakeQuery> {

  LakeToEnumerableConverter(RelOptCluster cluster, RelTraitSet traits, RelNode input) {
    super(cluster, traits, input, LakeRel.CONVENTION);
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new LakeToEnumerableConverter(getCluster(), traitSet, sole(inputs));
  }

  @Override
  public LakeQuery query(Binding binding) {
    return builder().build(binding);
  }

  @Override
  protected boolean parameterized() {
    return builder().parameterized();
  }

  @Override
  public Function<Binding, LakeQuery> scanBuilder() {
    LakeQueryBuilder builder = builder();
    builder.tableScan = null; // the planner's node: not kept by the compiled plan
    return builder::build;
  }

  private LakeQueryBuilder builder() {
    LakeQueryBuilder builder = new LakeQueryBuilder();
    builder.visit((LakeRel) getInput());
    return builder;
  }

  @Override
  protected String describe(LakeQuery q) {
    return q.describe();
  }
}
