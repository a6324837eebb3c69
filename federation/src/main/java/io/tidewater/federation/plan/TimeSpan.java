package io.tidewater.federation.plan;

import io.tidewater.federation.TimeRange;
import java.util.List;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;

/**
 * A time range a plan reads, as a function of the statement's parameters: a plan made once for a
 * query shape keeps its scans' ranges as spans and resolves them with each run's {@link Binding}
 * (the InfluxQL sent, the lake files pruned, a rollup's whole buckets and raw edges).
 */
public sealed interface TimeSpan {

  /** No bound. */
  TimeSpan ALL = new Fixed(TimeRange.ALL);

  /** The range under {@code binding}. */
  TimeRange resolve(Binding binding);

  /** Whether the range depends on a parameter. */
  boolean parameterized();

  /** Bounded below or above at all (whatever the values): for row estimates. */
  boolean bounded();

  /** The intersection with {@code other}. */
  default TimeSpan and(TimeSpan other) {
    if (other.equals(ALL)) {
      return this;
    }
    if (this.equals(ALL)) {
      return other;
    }
    if (!parameterized() && !other.parameterized()) {
      return new Fixed(resolve(Binding.NONE).intersect(other.resolve(Binding.NONE)));
    }
    return new Both(this, other);
  }

  /** A range known at planning. */
  record Fixed(TimeRange range) implements TimeSpan {
    @Override
    public TimeRange resolve(Binding binding) {
      return range;
    }

    @Override
    public boolean parameterized() {
      return false;
    }

    @Override
    public boolean bounded() {
      return !range.equals(TimeRange.ALL);
    }

    @Override
    public String toString() {
      return range.toString();
    }
  }

  /**
   * The range comparisons of the time column (ordinal 0) with literals or parameters bound it to
   * ({@link TimeBounds#bound}).
   */
  record Bounds(List<RexNode> conjuncts) implements TimeSpan {
    public Bounds {
      conjuncts = List.copyOf(conjuncts);
    }

    /** A span of {@code conjuncts}, fixed where none holds a parameter. */
    public static TimeSpan of(List<RexNode> conjuncts) {
      Bounds b = new Bounds(conjuncts);
      return b.parameterized() ? b : new Fixed(b.resolve(Binding.NONE));
    }

    @Override
    public TimeRange resolve(Binding binding) {
      TimeRange range = TimeRange.ALL;
      for (RexNode c : conjuncts) {
        TimeRange bound = TimeBounds.bound(c, 0, binding);
        if (bound != null) {
          range = range.intersect(bound);
        }
      }
      return range;
    }

    @Override
    public boolean parameterized() {
      return conjuncts.stream().anyMatch(TimeSpan::hasParameter);
    }

    @Override
    public boolean bounded() {
      return !conjuncts.isEmpty();
    }

    @Override
    public String toString() {
      return PlanKeys.print(this, conjuncts.toString());
    }
  }

  /** The intersection of two spans. */
  record Both(TimeSpan left, TimeSpan right) implements TimeSpan {
    @Override
    public TimeRange resolve(Binding binding) {
      return left.resolve(binding).intersect(right.resolve(binding));
    }

    @Override
    public boolean parameterized() {
      return left.parameterized() || right.parameterized();
    }

    @Override
    public boolean bounded() {
      return left.bounded() || right.bounded();
    }

    @Override
    public String toString() {
      return PlanKeys.print(this, left + " & " + right);
    }
  }

  /** The part of a span made of whole steps of {@code stepNanos} (a rollup's whole buckets). */
  record Inner(TimeSpan of, long stepNanos) implements TimeSpan {
    @Override
    public TimeRange resolve(Binding binding) {
      return inner(of.resolve(binding), stepNanos);
    }

    @Override
    public boolean parameterized() {
      return of.parameterized();
    }

    @Override
    public boolean bounded() {
      return of.bounded();
    }

    @Override
    public String toString() {
      return PlanKeys.print(this, "Inner[" + of + ", " + stepNanos + "]");
    }
  }

  /**
   * What a span holds before ({@code below}) or after its whole steps: a rollup's raw edges, empty
   * where the span starts or ends on a step.
   */
  record Edge(TimeSpan of, long stepNanos, boolean below) implements TimeSpan {
    @Override
    public TimeRange resolve(Binding binding) {
      TimeRange range = of.resolve(binding);
      TimeRange middle = inner(range, stepNanos);
      return below
          ? new TimeRange(range.from(), Math.max(range.from(), middle.from()))
          : new TimeRange(Math.min(middle.to(), range.to()), range.to());
    }

    @Override
    public boolean parameterized() {
      return of.parameterized();
    }

    @Override
    public boolean bounded() {
      return true;
    }

    @Override
    public String toString() {
      return PlanKeys.print(
          this, "Edge[" + of + ", " + stepNanos + (below ? ", below]" : ", above]"));
    }
  }

  /** The part of {@code range} made of whole steps of {@code stepNanos}. */
  static TimeRange inner(TimeRange range, long stepNanos) {
    long from =
        range.boundedBelow()
            ? Math.floorDiv(range.from(), stepNanos) * stepNanos
                + (Math.floorMod(range.from(), stepNanos) == 0 ? 0 : stepNanos)
            : range.from();
    long to = range.boundedAbove() ? Math.floorDiv(range.to(), stepNanos) * stepNanos : range.to();
    return new TimeRange(from, Math.max(from, to));
  }

  /** Whether {@code node} holds a statement parameter. */
  static boolean hasParameter(RexNode node) {
    boolean[] found = {false};
    node.accept(
        new RexShuttle() {
          @Override
          public RexNode visitDynamicParam(RexDynamicParam param) {
            found[0] = true;
            return param;
          }
        });
    return found[0];
  }
}
