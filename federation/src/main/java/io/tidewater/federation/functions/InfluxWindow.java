package io.tidewater.federation.functions;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.calcite.runtime.SqlFunctions;

/**
 * InfluxQL's GROUP BY time windows in a statement's {@code tz()}: a port of InfluxDB 1.x's {@code
 * IteratorOptions.Window} (query/iterator.go), so that days and hours start at local midnight and
 * windows around a daylight-saving change are as long as InfluxDB makes them (23 or 25 hours for a
 * day). The SQL function {@value #FUNCTION}{@code (interval_ms, offset_ms, 'zone', time)} gives a
 * row's window start; the InfluxQL assembler walks the windows with {@link #window}.
 */
public final class InfluxWindow {

  /** The SQL function's name. */
  public static final String FUNCTION = "TIDEWATER_INFLUX_WINDOW";

  /** InfluxDB's least and greatest times (influxql.MinTime, MaxTime). */
  private static final long MIN_TIME = Long.MIN_VALUE + 2;

  private static final long MAX_TIME = Long.MAX_VALUE - 1;

  private static final Map<String, ZoneId> ZONES = new ConcurrentHashMap<>();

  private InfluxWindow() {}

  /**
   * The window {@code [start, end)} holding {@code t}, all in nanoseconds, for GROUP BY time({@code
   * interval}, {@code offset}) in {@code zone} (null: UTC).
   */
  public static long[] window(long t, long interval, long offset, ZoneId zone) {
    t -= offset;
    long zoneOffset = zone == null ? 0 : offsetNanos(zone, t);
    long dt = (t + zoneOffset) % interval;
    if (dt < 0) {
      dt += interval;
    }
    long start = MIN_TIME + dt >= t ? MIN_TIME : t - dt;
    if (zone != null) {
      // The offset at the window's start may differ from the point's (a change inside the window).
      long o = zoneOffset - offsetNanos(zone, start);
      if (o != 0 && Math.abs(o) < interval) {
        start += o;
      }
    }
    start += offset;
    long rest = interval - dt;
    long end = MAX_TIME - rest <= t ? MAX_TIME : t + rest;
    if (zone != null) {
      long endOffset = offsetNanos(zone, end);
      long o = zoneOffset - endOffset;
      if (o != 0 && Math.abs(o) < interval) {
        // Clocks going back: the repeated hour belongs to this window. Going forward: the window
        // ends earlier only if the change happens within it.
        if (o > 0 || offsetNanos(zone, end + o) == endOffset) {
          end += o;
        }
      }
    }
    end += offset;
    return new long[] {start, end};
  }

  /**
   * The window starts InfluxDB's fill walks through, from {@code start} (a window start): each the
   * previous plus the interval, corrected where the zone's offset changed in between (as its fill
   * iterator does, which is not always where {@link #window} would start one).
   */
  public static final class Walk {
    private final long interval;
    private final ZoneId zone;
    private long time;
    private long zoneOffset;
    private boolean started;

    public Walk(long start, long interval, ZoneId zone) {
      this.time = start;
      this.interval = interval;
      this.zone = zone;
      this.zoneOffset = zone == null ? 0 : offsetNanos(zone, start);
    }

    /** The next window start (the first call: {@code start}); Long.MAX_VALUE past the last. */
    public long next() {
      if (!started) {
        started = true;
        return time;
      }
      if (time > Long.MAX_VALUE - interval) {
        return Long.MAX_VALUE;
      }
      time += interval;
      if (zone != null) {
        long o = offsetNanos(zone, time - 1);
        if (o != zoneOffset) {
          long diff = zoneOffset - o;
          if (Math.abs(diff) < interval) {
            time += diff;
          }
          zoneOffset = o;
        }
      }
      return time;
    }
  }

  /**
   * The start of the window holding {@code time} (SQL: {@value #FUNCTION}); {@code zone} is an IANA
   * name such as {@code Europe/Paris}.
   */
  public static Timestamp start(
      long intervalMillis, long offsetMillis, String zone, Timestamp time) {
    if (time == null || zone == null) {
      return null;
    }
    long t = SqlFunctions.toLong(time) * 1_000_000L;
    long[] w = window(t, intervalMillis * 1_000_000L, offsetMillis * 1_000_000L, zone(zone));
    return SqlFunctions.internalToTimestamp(Math.floorDiv(w[0], 1_000_000L));
  }

  private static ZoneId zone(String name) {
    return ZONES.computeIfAbsent(name, ZoneId::of);
  }

  private static long offsetNanos(ZoneId zone, long nanos) {
    Instant i =
        Instant.ofEpochSecond(
            Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    return zone.getRules().getOffset(i).getTotalSeconds() * 1_000_000_000L;
  }
}
