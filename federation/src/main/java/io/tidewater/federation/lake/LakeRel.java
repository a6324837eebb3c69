package io.tidewater.federation.lake;

import org.apache.calcite.plan.Convention;
import org.apache.calcite.rel.RelNode;

/**
 * A relational expression the lake scan evaluates itself: its convention, and how it adds itself to
 * the scan.
 */
public interface LakeRel extends RelNode {

  Convention CONVENTION = new Convention.Impl("LAKE", LakeRel.class);

  /** Adds this node's part to the scan being built (after its input's). */
  void implement(LakeQueryBuilder builder);
}
