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
import org.apache.calcite.adapter.enumerable.EnumerableSortedAggregate;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.function.Function1;
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
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * A pass-through above an input of an operator that can work long without producing a row (joins,
 * sorts, aggregates, windows, unions): its rows fail once the statement is stopped ({@link
 * Executions#guard}). Calcite checks its cancel flag only when a row leaves the statement; a count
 * over a cross join never gets there.
 */
public final class ExecutionGuard extends SingleRel implements EnumerableRel {

  private static final Method GUARD;
  private static final Method GUARD_GROUPS;

  static {
    try {
      GUARD =
          Executions.class.getMethod(
              "guard", Enumerable.class, DataContext.class, long.class, long.class);
      GUARD_GROUPS =
          Executions.class.getMethod(
              "guard",
              Enumerable.class,
              DataContext.class,
              long.class,
              Function1.class,
              long.class);
    } catch (NoSuchMethodException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Executions executions;

  /** How many of its input's rows the operator above keeps at most: 0 none, else charged. */
  private final long kept;

  /** The group key columns of the hash aggregate above, whose groups are counted; or null. */
  private final ImmutableBitSet groups;

  private final long groupBytes;

  private ExecutionGuard(
      RelOptCluster cluster,
      RelTraitSet traits,
      RelNode input,
      Executions e,
      long kept,
      ImmutableBitSet groups,
      long groupBytes) {
    super(cluster, traits, input);
    this.executions = e;
    this.kept = kept;
    this.groups = groups;
    this.groupBytes = groupBytes;
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
        ImmutableBitSet groups = hashGroups(plan);
        in =
            new ExecutionGuard(
                in.getCluster(),
                in.getTraitSet(),
                in,
                executions,
                keeps(plan, i),
                groups,
                groups == null ? 0 : groupBytes((Aggregate) plan));
      }
      changed |= in != input;
      inputs.add(in);
    }
    return changed ? plan.copy(plan.getTraitSet(), inputs) : plan;
  }

  /**
   * How many rows of its {@code input} {@code operator} keeps in memory at most: every one for a
   * full sort, a hash join's right (build) side, a window, a distinct union, intersect or minus;
   * its offset and limit for a sort with a literal limit (a top-N); none otherwise.
   */
  private static long keeps(RelNode operator, int input) {
    if (operator instanceof Sort s) {
      if (s.fetch == null) {
        return Long.MAX_VALUE;
      }
      if (s.fetch instanceof RexLiteral fetch
          && (s.offset == null || s.offset instanceof RexLiteral)) {
        long offset = s.offset == null ? 0 : ((RexLiteral) s.offset).getValueAs(Long.class);
        long limit = fetch.getValueAs(Long.class);
        return limit > Long.MAX_VALUE - offset ? Long.MAX_VALUE : limit + offset;
      }
      return 0;
    }
    boolean all;
    if (operator instanceof EnumerableHashJoin) {
      all = input == 1;
    } else if (operator instanceof EnumerableNestedLoopJoin j) {
      // Inner, left, semi and anti joins read the right side again for every left row; right and
      // full joins keep both sides.
      all = j.getJoinType().generatesNullsOnLeft();
    } else if (operator instanceof SetOp u) {
      all = !u.all;
    } else {
      all = operator instanceof Window;
    }
    return all ? Long.MAX_VALUE : 0;
  }

  /**
   * The group key columns of an aggregate that keeps its groups in a hash map until its input ends
   * (not a sorted aggregate, which keeps one group at a time; not a grand total); null otherwise.
   */
  private static ImmutableBitSet hashGroups(RelNode operator) {
    if (operator instanceof Aggregate a
        && !(operator instanceof EnumerableSortedAggregate)
        && a.getGroupCount() > 0) {
      return a.getGroupSet();
    }
    return null;
  }

  /**
   * What one group of {@code a} costs on the heap, roughly: a hash map entry, its key, and an
   * accumulator per aggregate call.
   */
  private static long groupBytes(Aggregate a) {
    long key =
        rowBytes(a.getInput().getRowType())
            * a.getGroupCount()
            / Math.max(1, a.getInput().getRowType().getFieldCount());
    return 64 + key + 48L * a.getAggCallList().size();
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
    return new ExecutionGuard(
        getCluster(), traitSet, inputs.get(0), executions, kept, groups, groupBytes);
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw)
        .itemIf("kept", true, kept == Long.MAX_VALUE)
        .itemIf("keptAtMost", kept, kept > 0 && kept < Long.MAX_VALUE)
        .itemIf("groups", groups, groups != null);
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
    Expression rowBytes = Expressions.constant(kept > 0 ? rowBytes(getRowType()) : 0L);
    Expression guarded =
        groups == null
            ? Expressions.call(
                guard,
                GUARD,
                rows,
                implementor.getRootExpression(),
                rowBytes,
                Expressions.constant(kept))
            : Expressions.call(
                guard,
                GUARD_GROUPS,
                rows,
                implementor.getRootExpression(),
                rowBytes,
                physType.generateAccessor(groups.asList()),
                Expressions.constant(groupBytes));
    block.add(Expressions.return_(null, guarded));
    return implementor.result(physType, block.toBlock());
  }
}
