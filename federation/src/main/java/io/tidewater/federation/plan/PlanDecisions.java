package io.tidewater.federation.plan;

import io.tidewater.federation.TimeRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a plan's rules decided from the values of its statement's parameters (which route parts a
 * range meets, InfluxDB or the lake, a rollup and its raw edges): a plan made for a query shape is
 * reused with other values only while each decision comes out the same for them, and is planned
 * again otherwise. A rule deciding by a parameterized {@link TimeSpan} must record its decision
 * here, as a function of the span's range, or the plan could be reused where it no longer holds.
 */
public final class PlanDecisions {

  private static final ThreadLocal<PlanDecisions> CURRENT = new ThreadLocal<>();

  /** One decision: the span it read, how it decides from the span's range, what it decided. */
  private record Decision(TimeSpan span, Function<TimeRange, Object> decide, Object made) {
    boolean holds(Binding binding) {
      return Objects.equals(decide.apply(span.resolve(binding)), made);
    }
  }

  private final List<Decision> decisions = new ArrayList<>();

  /**
   * Records on this thread's current plan (if one is being recorded) that {@code decide} gave
   * {@code made} for {@code span}'s range under the planning binding; nothing for a fixed span.
   */
  public static void record(TimeSpan span, Function<TimeRange, Object> decide, Object made) {
    PlanDecisions current = CURRENT.get();
    if (current != null && span.parameterized()) {
      current.decisions.add(new Decision(span, decide, made));
    }
  }

  /** Records the decisions of plans made on this thread into a new set until the handle closes. */
  public static PlanDecisions recording() {
    PlanDecisions d = new PlanDecisions();
    CURRENT.set(d);
    return d;
  }

  /** Stops recording on this thread. */
  public void stop() {
    CURRENT.remove();
  }

  /** Whether every decision comes out the same under {@code binding}. */
  public boolean holdFor(Binding binding) {
    for (Decision d : decisions) {
      if (!d.holds(binding)) {
        return false;
      }
    }
    return true;
  }

  /** How many decisions depend on parameters. */
  public int size() {
    return decisions.size();
  }
}
