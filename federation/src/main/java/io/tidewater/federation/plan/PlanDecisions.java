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

  /** One decision: how it decides from a binding, what it decided. */
  private record Decision(Function<Binding, Object> decide, Object made) {
    boolean holds(Binding binding) {
      return Objects.equals(decide.apply(binding), made);
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
      current.decisions.add(new Decision(b -> decide.apply(span.resolve(b)), made));
    }
  }

  /**
   * Records that {@code decide} gave {@code made} for the planning binding (a rule reading a
   * parameter's value itself, such as whether a string is empty).
   */
  public static void record(Function<Binding, Object> decide, Object made) {
    PlanDecisions current = CURRENT.get();
    if (current != null) {
      current.decisions.add(new Decision(decide, made));
    }
  }

  /**
   * What a rule pushing a comparison with string parameter {@code index} into a source must know of
   * its value (an empty string means an absent tag to InfluxDB, null matches nothing): {@code
   * "string"} for a non-empty string, else what it is; recorded. Only for {@code "string"} (and
   * {@code "unbound"}, a plan explained without values) is the comparison pushed.
   */
  public static String stringKind(int index) {
    Function<Binding, Object> kind =
        b -> {
          if (!b.has(index)) {
            return "unbound";
          }
          Object v = b.value(index);
          return v == null
              ? "null"
              : v instanceof String text ? (text.isEmpty() ? "empty" : "string") : "other";
        };
    String made = (String) kind.apply(Binding.planning());
    record(kind, made);
    return made;
  }

  /** Whether a comparison with a string parameter of {@link #stringKind} may be pushed. */
  public static boolean pushable(String kind) {
    return kind.equals("string") || kind.equals("unbound");
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
