package io.tidewater.federation.functions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The point a lone {@code first()} or {@code last()} selects, chosen among series as InfluxDB 1.x
 * chooses it, so that the lake's answer equals the one InfluxDB would give had it kept the data.
 *
 * <p>InfluxDB (1.6's tsm1 engine) answers {@code last(f)} without GROUP BY time by reading each
 * series' latest point in the newest shard holding any, merging those series in a binary heap (Go's
 * {@code container/heap}, the series in key order, reversed for {@code last}), letting two points
 * through a limit of one (its limit iterator counts after the check) and keeping the later of the
 * two, the greater value if both have the same time. Among several series with a point at the
 * latest time the answer therefore depends on the heap's layout, not only on the values: the
 * emulation below replays that heap. {@code first} is the mirror image. Shard groups are assumed to
 * be InfluxDB's default for a retention policy without expiry: seven days starting on Mondays.
 */
final class SeriesEdges {

  /** InfluxDB's shard group duration for a retention policy kept forever. */
  static final long SHARD_GROUP_MILLIS = 7L * 24 * 3600 * 1000;

  /** Shard groups start on Mondays (Go truncates from year 1); 1970-01-01 was a Thursday. */
  private static final long SHARD_GROUP_SHIFT_MILLIS = 3L * 24 * 3600 * 1000;

  private static final Comparator<String> KEY_ORDER =
      (a, b) ->
          Arrays.compareUnsigned(
              a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  /** A series' edge point. */
  record Point(Comparable<Object> value, long time) {}

  private final boolean last;
  private final Map<String, Point> bySeries = new HashMap<>();
  private long shard;

  SeriesEdges(boolean last) {
    this.last = last;
  }

  /** Offers a point of series {@code series} (its key without the measurement). */
  void offer(String series, Comparable<Object> value, long time) {
    long s = Math.floorDiv(time + SHARD_GROUP_SHIFT_MILLIS, SHARD_GROUP_MILLIS);
    if (bySeries.isEmpty() || (last ? s > shard : s < shard)) {
      bySeries.clear();
      shard = s;
    } else if (s != shard) {
      return;
    }
    Point p = new Point(value, time);
    bySeries.merge(series, p, (a, b) -> beyond(b, a) ? b : a);
  }

  void merge(SeriesEdges other) {
    other.bySeries.forEach(
        (series, p) -> {
          // offer() keeps only the edge shard; points of the other side's shard come in one by one.
          offer(series, p.value(), p.time());
        });
  }

  /** The chosen point, null if none was offered. */
  Point choose() {
    if (bySeries.isEmpty()) {
      return null;
    }
    List<String> keys = new ArrayList<>(bySeries.keySet());
    keys.sort(last ? KEY_ORDER.reversed() : KEY_ORDER);
    List<Point> heap = new ArrayList<>(keys.size());
    keys.forEach(k -> heap.add(bySeries.get(k)));
    int n = heap.size();
    for (int i = n / 2 - 1; i >= 0; i--) {
      down(heap, i, n);
    }
    // heap.Pop: the root swapped to the end, the rest sifted; the next root is the second point
    // through the limit (the popped series' next point is older and cannot displace it).
    Point first = heap.get(0);
    if (n == 1) {
      return first;
    }
    swap(heap, 0, n - 1);
    down(heap, 0, n - 1);
    Point second = heap.get(0);
    return second.time() == first.time() && tieWinner(second, first) ? second : first;
  }

  /** Whether {@code a} lies beyond {@code b} in this direction (the heap's Less). */
  private boolean beyond(Point a, Point b) {
    return last ? a.time() > b.time() : a.time() < b.time();
  }

  /**
   * InfluxDB's reducers on a tie in time: the greater value, except that {@code first} of booleans
   * prefers false.
   */
  private boolean tieWinner(Point curr, Point prev) {
    int cmp = compare(curr.value(), prev.value());
    Object v = curr.value();
    return v instanceof Boolean && !last ? cmp < 0 : cmp > 0;
  }

  /** Values compared as Go compares them (strings byte by byte in UTF-8). */
  static int compare(Comparable<Object> a, Comparable<Object> b) {
    Object x = a;
    Object y = b;
    if (x instanceof String xs && y instanceof String ys) {
      return KEY_ORDER.compare(xs, ys);
    }
    return a.compareTo(b);
  }

  // Go's container/heap down(), with the same comparisons, so that equal points end where Go's do.
  private void down(List<Point> h, int i0, int n) {
    int i = i0;
    while (true) {
      int j1 = 2 * i + 1;
      if (j1 >= n) {
        break;
      }
      int j = j1;
      int j2 = j1 + 1;
      if (j2 < n && beyond(h.get(j2), h.get(j1))) {
        j = j2;
      }
      if (!beyond(h.get(j), h.get(i))) {
        break;
      }
      swap(h, i, j);
      i = j;
    }
  }

  private static void swap(List<Point> h, int i, int j) {
    Point t = h.get(i);
    h.set(i, h.get(j));
    h.set(j, t);
  }
}
