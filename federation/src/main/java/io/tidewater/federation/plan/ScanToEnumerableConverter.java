package io.tidewater.federation.plan;

import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.ConventionTraitDef;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.plan.hep.HepRelVertex;
import org.apache.calcite.plan.volcano.RelSubset;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.convert.ConverterImpl;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * Where an adapter's scan meets Calcite's engine: the scan is planned once at implementation and
 * stashed in the statement's context; the generated code asks it for its rows ({@code
 * enumerable(DataContext)}: Object[] rows, or {@code scalarEnumerable(DataContext)} for one-column
 * rows, which Calcite passes as bare values).
 *
 * @param <Q> the adapter's planned scan
 */
public abstract class ScanToEnumerableConverter<Q> extends ConverterImpl implements EnumerableRel {

  private final Convention source;
  private final Class<Q> queryType;

  protected ScanToEnumerableConverter(
      RelOptCluster cluster,
      RelTraitSet traits,
      RelNode input,
      Convention source,
      Class<Q> queryType) {
    super(cluster, ConventionTraitDef.INSTANCE, traits, input);
    this.source = source;
    this.queryType = queryType;
  }

  /** The scan this converter runs, built from its input (for EXPLAIN, tests and execution). */
  public abstract Q query();

  /** The scan for EXPLAIN: the exact query sent, or what the lake reads. */
  protected abstract String describe(Q query);

  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    return super.computeSelfCost(planner, mq).multiplyBy(0.1);
  }

  /** The qualified name of the table read ({@code place, database, measurement}). */
  public List<String> tableName() {
    RelNode node = getInput();
    while (!(node instanceof TableScan)) {
      node = node.getInput(0);
    }
    return node.getTable().getQualifiedName();
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    RelWriter w = super.explainTerms(pw);
    // While planning, inputs are placeholders: the scan is built once the plan is chosen.
    return concrete(getInput()) ? w.item("scan", describe(query())) : w;
  }

  private boolean concrete(RelNode node) {
    return !(node instanceof RelSubset)
        && !(node instanceof HepRelVertex)
        && node.getConvention() == source
        && node.getInputs().stream().allMatch(this::concrete);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    PhysType physType =
        PhysTypeImpl.of(
            implementor.getTypeFactory(), getRowType(), pref.prefer(JavaRowFormat.ARRAY));
    Expression stashed = implementor.stash(query(), queryType);
    BlockBuilder block = new BlockBuilder();
    // The execution's DataContext goes along: it carries the query's time limit and cancel flag.
    block.add(
        Expressions.return_(
            null,
            Expressions.call(
                stashed,
                physType.getFormat() == JavaRowFormat.SCALAR ? "scalarEnumerable" : "enumerable",
                implementor.getRootExpression())));
    return implementor.result(physType, block.toBlock());
  }
}
