package io.tidewater.federation.influx;

import io.tidewater.federation.plan.Pushdown;
import io.tidewater.federation.plan.ScanColumn;
import java.util.List;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.hep.HepRelVertex;
import org.apache.calcite.plan.volcano.RelSubset;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rex.RexLiteral;

/**
 * Folds {@code ORDER BY time [DESC]} and {@code LIMIT} into InfluxQL where InfluxDB orders the
 * whole answer that way: raw queries, and aggregates not grouped by tags (InfluxDB orders and
 * limits each series separately).
 */
public final class InfluxSortRule extends ConverterRule {

  static final Config CONFIG =
      Config.INSTANCE
          .withConversion(
              LogicalSort.class, Convention.NONE, InfluxRel.CONVENTION, "InfluxSortRule")
          .withRuleFactory(InfluxSortRule::new);

  private InfluxSortRule(Config config) {
    super(config);
  }

  @Override
  public RelNode convert(RelNode rel) {
    LogicalSort sort = (LogicalSort) rel;
    if (sort.offset != null || sort.fetch != null && !(sort.fetch instanceof RexLiteral)) {
      return null;
    }
    List<ScanColumn> columns = InfluxRels.rawColumns(sort.getInput());
    if (columns == null) {
      LogicalAggregate aggregate = aggregateBelow(sort.getInput());
      Pushdown.AggregatePlan plan = aggregate == null ? null : InfluxRels.aggregate(aggregate);
      if (plan == null || !plan.groupTags().isEmpty()) {
        return null;
      }
      columns = plan.columns();
    }
    Boolean descending = null;
    List<RelFieldCollation> keys = sort.getCollation().getFieldCollations();
    if (keys.size() > 1) {
      return null;
    }
    if (keys.size() == 1) {
      ScanColumn c = columns.get(keys.get(0).getFieldIndex());
      if (!(c instanceof ScanColumn.Time || c instanceof ScanColumn.Bucket)) {
        return null;
      }
      descending = keys.get(0).getDirection().isDescending();
    }
    Long limit = sort.fetch == null ? null : ((RexLiteral) sort.fetch).getValueAs(Long.class);
    if (limit != null && limit <= 0) {
      return null; // InfluxQL's LIMIT 0 means no limit
    }
    var traits = sort.getTraitSet().replace(InfluxRel.CONVENTION);
    return new InfluxSort(
        sort.getCluster(),
        traits,
        convert(sort.getInput(), traits.replace(RelCollations.EMPTY)),
        descending,
        limit);
  }

  private static LogicalAggregate aggregateBelow(RelNode node) {
    if (node instanceof RelSubset subset) {
      for (RelNode r : subset.getRelList()) {
        if (r instanceof LogicalAggregate a) {
          return a;
        }
      }
      return null;
    }
    if (node instanceof HepRelVertex vertex) {
      node = vertex.getCurrentRel();
    }
    return node instanceof LogicalAggregate a ? a : null;
  }
}
