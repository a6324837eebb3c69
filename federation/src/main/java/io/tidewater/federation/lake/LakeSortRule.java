package io.tidewater.federation.lake;

import io.tidewater.federation.plan.Pushdown;
import io.tidewater.federation.plan.ScanColumn;
import java.util.List;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rex.RexLiteral;

/**
 * {@code ORDER BY time [DESC] LIMIT n} over raw rows (time the only sort key: ties may fall either
 * way, as SQL allows).
 */
public final class LakeSortRule extends ConverterRule {

  static final Config CONFIG =
      Config.INSTANCE
          .withConversion(LogicalSort.class, Convention.NONE, LakeRel.CONVENTION, "LakeSortRule")
          .withRuleFactory(LakeSortRule::new);

  private LakeSortRule(Config config) {
    super(config);
  }

  @Override
  public RelNode convert(RelNode rel) {
    LogicalSort sort = (LogicalSort) rel;
    if (sort.offset != null
        || !(sort.fetch instanceof RexLiteral fetch)
        || sort.getCollation().getFieldCollations().size() != 1) {
      return null;
    }
    List<ScanColumn> in = Pushdown.rawColumns(sort.getInput(), LakeRels.INSTANCE);
    var key = sort.getCollation().getFieldCollations().get(0);
    if (in == null || !(in.get(key.getFieldIndex()) instanceof ScanColumn.Time)) {
      return null;
    }
    var traits = sort.getTraitSet().replace(LakeRel.CONVENTION);
    return new LakeSort(
        sort.getCluster(),
        traits,
        convert(sort.getInput(), traits.replace(RelCollations.EMPTY)),
        key.getDirection().isDescending(),
        fetch.getValueAs(Long.class));
  }
}
