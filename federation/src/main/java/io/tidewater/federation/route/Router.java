package io.tidewater.federation.route;

import io.tidewater.federation.TimeRange;
import io.tidewater.policy.Durations;
import io.tidewater.policy.TieringPolicy;
import io.tidewater.policy.Window;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Splits a measurement's time line between the lake and InfluxDB (docs/architecture.md, queries).
 * The lake answers what it holds completely (everything before the export's recorded progress) and
 * what the policy no longer keeps hot, except windows known to be stale (dirty: InfluxDB received
 * points for them after their export, and their re-export has not committed yet); InfluxDB answers
 * the rest. Where both hold a range (exported, clean, but still hot) the part is InfluxDB's with
 * the lake as an alternative the planner chooses by cost ({@link PlaceChoiceRule}): InfluxDB has
 * the full resolution and recent data is where its indexes are fastest, but an aggregate the lake
 * answers from a rollup reads far fewer rows there. Split points are whole milliseconds, the
 * resolution SQL compares at.
 */
public final class Router {

  private Router() {}

  /**
   * The parts of the time line, in time order, for a measurement under {@code policy} (none: only
   * InfluxDB has it) whose export is complete up to {@code exportedThrough}, with {@code dirty}
   * windows (in time order) answered by InfluxDB.
   */
  public static List<Route> routes(
      Optional<TieringPolicy> policy,
      Optional<Instant> exportedThrough,
      List<Window> dirty,
      Instant now) {
    if (policy.isEmpty() || exportedThrough.isEmpty()) {
      return List.of(new Route(Place.INFLUXDB, TimeRange.ALL));
    }
    Instant hotFrom = policy.get().ladder().boundaries(now).hotFrom();
    Instant split = exportedThrough.get().isBefore(hotFrom) ? exportedThrough.get() : hotFrom;
    long splitNanos = millis(split);
    List<Route> routes = new ArrayList<>();
    long cursor = Long.MIN_VALUE;
    for (Window w : dirty) {
      long start = Math.max(millis(w.start()), cursor);
      long end = Math.min(millis(w.end()), splitNanos);
      if (start >= end) {
        continue;
      }
      add(routes, Place.LAKE, cursor, start);
      add(routes, Place.INFLUXDB, start, end);
      cursor = end;
    }
    add(routes, Place.LAKE, cursor, splitNanos);
    // Exported and still hot: both places hold it, except the dirty windows, which only InfluxDB
    // has right. One InfluxDB part all the same (a query reaching past the lake's parts is one
    // request).
    long both = Math.max(cursor, splitNanos);
    long bothTo = Math.max(both, millis(exportedThrough.get()));
    List<TimeRange> lakeToo = new ArrayList<>();
    for (Window w : dirty) {
      long start = Math.max(millis(w.start()), both);
      long end = Math.min(millis(w.end()), bothTo);
      if (start < end) {
        addRange(lakeToo, both, start);
        both = end;
      }
    }
    addRange(lakeToo, both, bothTo);
    long tail = Math.max(cursor, splitNanos);
    if (!routes.isEmpty()
        && routes.get(routes.size() - 1).place() == Place.INFLUXDB
        && routes.get(routes.size() - 1).range().to() == tail) {
      tail =
          routes.remove(routes.size() - 1).range().from(); // a dirty window just before: one part
    }
    routes.add(new Route(Place.INFLUXDB, new TimeRange(tail, Long.MAX_VALUE), lakeToo));
    return List.copyOf(routes);
  }

  private static void addRange(List<TimeRange> ranges, long from, long to) {
    if (from < to) {
      ranges.add(new TimeRange(from, to));
    }
  }

  /** Appends a part, joined to the previous one when that is the same place and they meet. */
  private static void add(List<Route> routes, Place place, long from, long to) {
    if (from >= to) {
      return;
    }
    if (!routes.isEmpty()) {
      Route last = routes.get(routes.size() - 1);
      if (last.place() == place && last.range().to() == from) {
        routes.set(routes.size() - 1, new Route(place, new TimeRange(last.range().from(), to)));
        return;
      }
    }
    routes.add(new Route(place, new TimeRange(from, to)));
  }

  private static long millis(Instant t) {
    return Math.floorDiv(Durations.epochNanos(t), 1_000_000L) * 1_000_000L;
  }
}
