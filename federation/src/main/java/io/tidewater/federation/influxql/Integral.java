package io.tidewater.federation.influxql;

import io.tidewater.federation.functions.InfluxWindow;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * InfluxQL's {@code integral(f[, unit])} of one series, as InfluxDB 1.x's integral reducer sums it
 * (query/functions.go): the trapezoids between successive points per GROUP BY time window, the
 * share of a trapezoid across a window's end interpolated into that window; a row per window with
 * points, at the window's start (time 0 without GROUP BY time).
 *
 * @param intervalNanos GROUP BY time's interval, 0 without
 * @param offsetNanos GROUP BY time's offset
 * @param zone the statement's tz(), null without
 * @param unitNanos the unit the area is in (a second by default)
 */
record Integral(long intervalNanos, long offsetNanos, ZoneId zone, double unitNanos) {

  /**
   * The rows of {@code points} (each: time in nanoseconds, value, ...; in time order). The last
   * window's row goes to {@code last}: InfluxDB emits it only when its input ends, after every
   * series' other rows.
   */
  List<List<Object>> rows(List<List<Object>> points, List<List<Object>> last) {
    List<List<Object>> out = new ArrayList<>();
    boolean started = false;
    long prevT = 0;
    double prevV = 0;
    long windowStart = 0;
    long windowEnd = 0;
    double sum = 0;
    for (List<Object> p : points) {
      long t = (Long) p.get(0);
      double v = ((Number) p.get(1)).doubleValue();
      if (!started) {
        started = true;
        prevT = t;
        prevV = v;
        if (intervalNanos != 0) {
          long[] w = window(t);
          windowStart = w[0];
          windowEnd = w[1];
        }
        continue;
      }
      if (prevT == t) {
        prevV = v;
        continue;
      }
      if (intervalNanos != 0 && t >= windowEnd) {
        if (prevT != windowEnd) {
          double slope = (v - prevV) / (double) (t - prevT);
          double value = slope * (double) (windowEnd - prevT) + prevV;
          sum += 0.5 * (value + prevV) * ((double) (windowEnd - prevT) / unitNanos);
          prevV = value;
          prevT = windowEnd;
        }
        out.add(List.of(Instant.ofEpochSecond(0, windowStart), sum));
        long[] w = window(t);
        windowStart = w[0];
        windowEnd = w[1];
        sum = 0;
      }
      sum += 0.5 * (v + prevV) * ((double) (t - prevT) / unitNanos);
      prevT = t;
      prevV = v;
    }
    if (started && prevT != windowStart) {
      last.add(List.of(Instant.ofEpochSecond(0, windowStart), sum));
    }
    return out;
  }

  private long[] window(long t) {
    return InfluxWindow.window(t, intervalNanos, offsetNanos, zone);
  }
}
