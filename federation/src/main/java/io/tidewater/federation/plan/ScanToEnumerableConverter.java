package io.tidewater.federation.plan;

import java.util.List;
import java.util.function.Function;
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
public abstract class ScanToEnumerableConverter<Q extends ScanQuery> extends ConverterImpl
    implements EnumerableRel {

  private final Convention source;

  protected ScanToEnumerableConverter(
      RelOptCluster cluster, RelTraitSet traits, RelNode input, Convention source) {
    super(cluster, ConventionTraitDef.INSTANCE, traits, input);
    this.source = source;
  }

  /**
   * The scan this converter runs with the statement's parameters valued by {@code binding}, built
   * from its input.
   */
  public abstract Q query(Binding binding);

  /** The scan with the values being planned with (or none): for EXPLAIN and tests. */
  public Q query() {
    return query(Binding.planning());
  }

  /** Whether the scan's range depends on the statement's parameters. */
  protected abstract boolean parameterized();

  /**
   * What builds the scan from a binding, holding what the input asked for but not the input (a
   * cached plan must not keep the planner's nodes alive).
   */
  public abstract Function<Binding, ? extends ScanQuery> scanBuilder();

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
    // Stashed detached from the planner: it builds the scan for each run's parameter values.
    Expression stashed =
        implementor.stash(new BoundScan(scanBuilder(), parameterized()), BoundScan.class);
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
