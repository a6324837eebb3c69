package io.tidewater.federation.lake;

import io.tidewater.federation.plan.Pushdown;
import io.tidewater.federation.plan.ScanColumn;
import java.util.List;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.rel.logical.LogicalProject;

/** Projections of columns and time buckets. */
public final class LakeProjectRule extends ConverterRule {

  static final Config CONFIG =
      Config.INSTANCE
          .withConversion(
              LogicalProject.class, Convention.NONE, LakeRel.CONVENTION, "LakeProjectRule")
          .withRuleFactory(LakeProjectRule::new);

  private LakeProjectRule(Config config) {
    super(config);
  }

  @Override
  public RelNode convert(RelNode rel) {
    LogicalProject project = (LogicalProject) rel;
    List<ScanColumn> in = Pushdown.rawColumns(project.getInput(), LakeRels.INSTANCE);
    List<ScanColumn> columns = in == null ? null : Pushdown.project(project.getProjects(), in);
    if (columns == null) {
      return null;
    }
    var traits = project.getTraitSet().replace(LakeRel.CONVENTION);
    return new LakeProject(
        project.getCluster(),
        traits,
        convert(project.getInput(), traits.replace(RelCollations.EMPTY)),
        columns,
        project.getRowType());
  }
}
