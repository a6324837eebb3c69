package io.tidewater.federation.lake;

import io.tidewater.federation.plan.ScanToEnumerableConverter;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;

/**
 * Where a lake scan meets Calcite's engine: planned once, its files listed from the ledger and
 * decoded when run.
 */
public final class LakeToEnumerableConverter extends ScanToEnumerableConverter<LakeQuery> {

  LakeToEnumerableConverter(RelOptCluster cluster, RelTraitSet traits, RelNode input) {
    super(cluster, traits, input, LakeRel.CONVENTION, LakeQuery.class);
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new LakeToEnumerableConverter(getCluster(), traitSet, sole(inputs));
  }

  @Override
  public LakeQuery query() {
    LakeQueryBuilder builder = new LakeQueryBuilder();
    builder.visit((LakeRel) getInput());
    return builder.build();
  }

  @Override
  protected String describe(LakeQuery q) {
    return q.describe();
  }
}
