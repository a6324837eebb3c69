package io.tidewater.lifecycle.export;

import io.tidewater.policy.Durations;
import io.tidewater.policy.Placement;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.Tier;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Decides what an export does with a window, from the policy, the time and what the ledger holds;
 * no I/O, so its rules are tested on their own (WindowPlannerTest).
 */
public final class WindowPlanner {

  /** Why a window is looked at. */
  public enum Mode {
    /** A scheduled or requested run: windows due and not held. */
    DUE,
    /** A backfill: every due window of a range, written again even if held. */
    BACKFILL,
    /** A re-export of windows InfluxDB changed after their export (change capture). */
    REEXPORT
  }

  /** Window starts the ledger holds complete, per resolution. */
  public record Held(Map<Resolution, Set<Instant>> starts) {
    public static final Held NONE = new Held(Map.of());

    public Held {
      starts = Map.copyOf(starts);
    }

    boolean holds(Resolution r, Instant start) {
      return starts.getOrDefault(r, Set.of()).contains(start);
    }
  }

  private final TieringPolicy policy;

  public WindowPlanner(TieringPolicy policy) {
    this.policy = policy;
  }

  /**
   * What to do with {@code w} at {@code now}; {@code held} is {@link Held#NONE} but for {@link
   * Mode#DUE}.
   */
  public WindowDecision decide(Window w, Instant now, Mode mode, Held held) {
    Placement placement = policy.ladder().placementAt(w.start(), now);
    if (placement.tier() == Tier.EXPIRED) {
      return WindowDecision.EXPIRED;
    }
    boolean hotDeleted =
        policy.deleteFromHotAfterExport()
            && !w.end().isAfter(policy.ladder().boundaries(now).hotFrom());
    // A re-export refuses a window InfluxDB may have deleted from before anything else; a
    // backfill rebuilds spans anyway (their rebuild refuses to shrink a rollup on its own).
    if (mode == Mode.REEXPORT && hotDeleted) {
      return WindowDecision.HOT_DELETED;
    }
    if (WindowExporter.spanOnly(policy, placement)) {
      // Held when every rollup of the tier holds the span the window is in.
      boolean spansHeld =
          mode == Mode.DUE
              && placement.rollups().stream()
                  .allMatch(r -> held.holds(r, Durations.floor(w.start(), r.width())));
      return spansHeld ? WindowDecision.HELD : WindowDecision.EXPORT_SPAN;
    }
    if (mode == Mode.BACKFILL && hotDeleted) {
      return WindowDecision.HOT_DELETED;
    }
    if (mode != Mode.REEXPORT
        && WindowExporter.resolutionsToWrite(policy, placement).stream()
            .allMatch(r -> held.holds(r, w.start()))) {
      return WindowDecision.HELD;
    }
    return WindowDecision.EXPORT;
  }
}
