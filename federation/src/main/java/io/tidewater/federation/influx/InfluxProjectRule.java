package io.tidewater.federation.influx;

import io.tidewater.federation.plan.Pushdown;
import io.tidewater.federation.plan.ScanColumn;
import java.util.List;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.rel.logical.LogicalProject;

/**
 * Folds a projection of columns and time buckets ({@code FLOOR(time TO unit)}) into a raw InfluxDB
 * query.
 */
public final class InfluxProjectRule extends ConverterRule {

  static final Config CONFIG =
      Config.INSTANCE
          .withConversion(
              LogicalProject.class, Convention.NONE, InfluxRel.CONVENTION, "InfluxProjectRule")
          .withRuleFactory(InfluxProjectRule::new);

  private InfluxProjectRule(Config config) {
    super(config);
  }

  @Override
  public RelNode convert(RelNode rel) {
    LogicalProject project = (LogicalProject) rel;
    List<ScanColumn> in = InfluxRels.rawColumns(project.getInput());
    List<ScanColumn> columns = in == null ? null : Pushdown.project(project.getProjects(), in);
    if (columns == null) {
      return null;
    }
    var traits = project.getTraitSet().replace(InfluxRel.CONVENTION);
    return new InfluxProject(
        project.getCluster(),
        traits,
        convert(project.getInput(), traits.replace(RelCollations.EMPTY)),
        columns,
        project.getRowType());
  }
}
