package io.tidewater.federation.route;

import io.tidewater.federation.plan.FederationRules;
import java.util.List;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.rel.metadata.DefaultRelMetadataProvider;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rel.rules.PruneEmptyRules;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;

/**
 * The planning program: a cheap rule pass that drops the parts of a routed table's union that the
 * query's time bounds exclude, then Calcite's standard cost-based program. A table's time line may
 * have many parts (every dirty window splits the lake's), and the cost-based planner's work grows
 * steeply with the union's width, so it should only see the parts a query can read.
 */
public final class RoutePruning {

  private static final List<RelOptRule> PRUNE =
      List.of(
          CoreRules.FILTER_SET_OP_TRANSPOSE,
          CoreRules.FILTER_MERGE,
          // Folds a part's route bounds with the query's: a contradiction becomes an empty part.
          FederationRules.REDUCE_FILTER,
          PruneEmptyRules.FILTER_INSTANCE,
          PruneEmptyRules.PROJECT_INSTANCE,
          PruneEmptyRules.UNION_INSTANCE,
          CoreRules.UNION_REMOVE);

  /**
   * Parts outside the query's range dropped by their bounds first (cheap), then the filter pushed
   * into the parts left and contradictions folded; then the standard program.
   */
  public static final Program PROGRAM =
      Programs.sequence(
          Programs.of(
              new HepProgramBuilder()
                  .addRuleInstance(PartPruningRule.INSTANCE)
                  .addRuleCollection(PRUNE)
                  .build(),
              true,
              DefaultRelMetadataProvider.INSTANCE),
          Programs.standard());

  private RoutePruning() {}
}
