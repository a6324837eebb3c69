package io.tidewater.federation.plan;

import io.tidewater.federation.TimeRange;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Reads the time range a filter implies from its conjuncts of the form {@code time op literal} (or
 * {@code time op ?}, a parameter of a query shape, valued by a {@link Binding}). SQL sees times in
 * milliseconds (Calcite's TIMESTAMP), stored times may be finer: a point at 12:00:00.0005 shows as
 * 12:00:00.000, so bounds are widened to whole milliseconds to agree with what SQL compares ({@code
 * time = T} is {@code [T, T + 1 ms)}).
 */
public final class TimeBounds {

  private static final long NANOS_PER_MILLI = 1_000_000L;

  private TimeBounds() {}

  /**
   * The range {@code condition} bounds column {@code timeOrdinal} to; all time if it says nothing.
   */
  public static TimeRange of(RexBuilder rex, RexNode condition, int timeOrdinal) {
    TimeRange range = TimeRange.ALL;
    for (RexNode conjunct : RelConjuncts.of(rex, condition)) {
      TimeRange bound = bound(conjunct, timeOrdinal);
      if (bound != null) {
        range = range.intersect(bound);
      }
    }
    return range;
  }

  /**
   * The span {@code condition}'s comparisons of the time column (ordinal 0) with literals or
   * parameters bound it to: fixed without parameters, resolved with each run's values with them.
   */
  public static TimeSpan span(RexBuilder rex, RexNode condition) {
    List<RexNode> time = new ArrayList<>();
    for (RexNode conjunct : RelConjuncts.of(rex, condition)) {
      if (bound(conjunct, 0) != null) {
        time.add(conjunct);
      }
    }
    return TimeSpan.Bounds.of(time);
  }

  /**
   * The range one comparison of the time column with a literal or a parameter (its value in the
   * binding being planned with) means, or null if it is not one.
   */
  public static TimeRange bound(RexNode conjunct, int timeOrdinal) {
    return bound(conjunct, timeOrdinal, Binding.planning());
  }

  /** As {@link #bound(RexNode, int)} with parameters' values from {@code binding}. */
  public static TimeRange bound(RexNode conjunct, int timeOrdinal, Binding binding) {
    if (!(conjunct instanceof RexCall call) || call.getOperands().size() != 2) {
      return null;
    }
    RexNode left = call.getOperands().get(0);
    RexNode right = call.getOperands().get(1);
    SqlKind kind = call.getKind();
    if (isTime(right, timeOrdinal) && right != left) {
      RexNode swap = left;
      left = right;
      right = swap;
      kind = kind.reverse();
    }
    if (!isTime(left, timeOrdinal)) {
      return null;
    }
    if (RexUtil.removeCast(right) instanceof RexDynamicParam param) {
      if (param.getType().getSqlTypeName() != SqlTypeName.TIMESTAMP
          || !binding.has(param.getIndex())) {
        return null; // not a time bound, or one without a value (EXPLAIN of a statement's own ?)
      }
      if (binding.value(param.getIndex()) == null) {
        return new TimeRange(0, 0); // compared with NULL: no row
      }
    }
    Long millis = millis(right, binding);
    if (millis == null) {
      return null;
    }
    long at = saturatedNanos(millis);
    long next = saturatedNanos(millis + 1);
    return switch (kind) {
      case EQUALS -> new TimeRange(at, next);
      case GREATER_THAN_OR_EQUAL -> new TimeRange(at, Long.MAX_VALUE);
      case GREATER_THAN -> new TimeRange(next, Long.MAX_VALUE);
      case LESS_THAN -> new TimeRange(Long.MIN_VALUE, at);
      case LESS_THAN_OR_EQUAL -> new TimeRange(Long.MIN_VALUE, next);
      default -> null;
    };
  }

  /**
   * Milliseconds since the epoch of a TIMESTAMP literal or parameter (its value in {@code
   * binding}), or null.
   */
  static Long millis(RexNode node, Binding binding) {
    RexNode n = RexUtil.removeCast(node);
    if (n instanceof RexDynamicParam param
        && param.getType().getSqlTypeName() == SqlTypeName.TIMESTAMP) {
      // Calcite's own representation at execution; a caller's value (a number, an instant's
      // text) while planning. A bound the scans could not read is an error, never dropped.
      Object value = binding.value(param.getIndex());
      return value == null ? null : Binding.millis(value);
    }
    return millis(node);
  }

  /** Milliseconds since the epoch of a TIMESTAMP literal, or null. */
  public static Long millis(RexNode node) {
    RexNode n = RexUtil.removeCast(node);
    if (n instanceof RexLiteral literal
        && !literal.isNull()
        && literal.getType().getSqlTypeName() == SqlTypeName.TIMESTAMP) {
      return literal.getValueAs(Long.class);
    }
    return null;
  }

  private static boolean isTime(RexNode node, int timeOrdinal) {
    return node instanceof RexInputRef ref && ref.getIndex() == timeOrdinal;
  }

  private static long saturatedNanos(long millis) {
    if (millis > Long.MAX_VALUE / NANOS_PER_MILLI) {
      return Long.MAX_VALUE;
    }
    if (millis < Long.MIN_VALUE / NANOS_PER_MILLI) {
      return Long.MIN_VALUE;
    }
    return millis * NANOS_PER_MILLI;
  }

  /** Splits a condition into conjuncts after expanding Calcite's SEARCH (ranges and IN lists). */
  public static final class RelConjuncts {
    private RelConjuncts() {}

    public static List<RexNode> of(RexBuilder rex, RexNode condition) {
      return RelOptUtil.conjunctions(RexUtil.expandSearch(rex, null, condition));
    }
  }
}
