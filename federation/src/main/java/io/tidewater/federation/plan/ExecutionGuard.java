package io.tidewater.federation.plan;

import io.tidewater.federation.Executions;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableHashJoin;
import org.apache.calcite.adapter.enumerable.EnumerableNestedLoopJoin;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.SingleRel;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A pass-through above an input of an operator that can work long without producing a row (joins,
 * sorts, aggregates, windows, unions): its rows fail once the statement is stopped ({@link
 * Executions#guard}). Calcite checks its cancel flag only when a row leaves the statement; a count
 * over a cross join never gets there.
 */
public final class ExecutionGuard extends SingleRel implements EnumerableRel {

  private static final Method GUARD;

  static {
    try {
      GUARD = Executions.class.getMethod("guard", Enumerable.class, DataContext.class, long.class);
    } catch (NoSuchMethodException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Executions executions;
  private final boolean kept;

  private ExecutionGuard(
      RelOptCluster cluster, RelTraitSet traits, RelNode input, Executions e, boolean kept) {
    super(cluster, traits, input);
    this.executions = e;
    this.kept = kept;
  }

  /**
   * {@code plan} with a guard above every input of its long-working operators; chosen plans only
   * (the guard has no rules and takes its input's traits, so merge joins keep their sort orders).
   */
  public static RelNode insert(RelNode plan, Executions executions) {
    if (!(plan instanceof EnumerableRel) || plan instanceof ScanToEnumerableConverter<?>) {
      return plan; // below here is a source's own plan
    }
    boolean guarded =
        plan instanceof Join
            || plan instanceof Correlate
            || plan instanceof Aggregate
            || plan instanceof Sort
            || plan instanceof Window
            || plan instanceof SetOp;
    List<RelNode> inputs = new ArrayList<>();
    boolean changed = false;
    for (int i = 0; i < plan.getInputs().size(); i++) {
      RelNode input = plan.getInput(i);
      RelNode in = insert(input, executions);
      if (guarded && in.getConvention() == EnumerableConvention.INSTANCE) {
        in = new ExecutionGuard(in.getCluster(), in.getTraitSet(), in, executions, keeps(plan, i));
      }
      changed |= in != input;
      inputs.add(in);
    }
    return changed ? plan.copy(plan.getTraitSet(), inputs) : plan;
  }

  /**
   * Whether {@code operator} keeps every row of its {@code input} in memory: a full sort, a hash
   * join's right (build) side, a window, a distinct union, intersect or minus.
   */
  private static boolean keeps(RelNode operator, int input) {
    if (operator instanceof Sort s) {
      return s.fetch == null;
    }
    if (operator instanceof EnumerableHashJoin) {
      return input == 1;
    }
    if (operator instanceof EnumerableNestedLoopJoin j) {
      // Inner, left, semi and anti joins read the right side again for every left row; right and
      // full joins keep both sides.
      return j.getJoinType().generatesNullsOnLeft();
    }
    if (operator instanceof SetOp u) {
      return !u.all;
    }
    return operator instanceof Window;
  }

  /**
   * What a row of {@code type} costs on the heap, roughly: the array, a reference and a boxed value
   * per column, strings at a typical length.
   */
  private static long rowBytes(RelDataType type) {
    long bytes = 16;
    for (RelDataTypeField f : type.getFieldList()) {
      SqlTypeName t = f.getType().getSqlTypeName();
      bytes += 8 + (SqlTypeName.CHAR_TYPES.contains(t) ? 56 : 16);
    }
    return bytes;
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new ExecutionGuard(getCluster(), traitSet, inputs.get(0), executions, kept);
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw).itemIf("kept", true, kept);
  }

  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    return planner.getCostFactory().makeTinyCost();
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    Result child = implementor.visitChild(this, 0, (EnumerableRel) getInput(), pref);
    PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), child.format);
    BlockBuilder block = new BlockBuilder();
    Expression rows = block.append("child", child.block);
    Expression guard = implementor.stash(executions, Executions.class);
    block.add(
        Expressions.return_(
            null,
            Expressions.call(
                guard,
                GUARD,
                rows,
                implementor.getRootExpression(),
                Expressions.constant(kept ? rowBytes(getRowType()) : 0L))));
    return implementor.result(physType, block.toBlock());
  }
}
