package io.tidewater.federation.influxql;

import io.tidewater.federation.functions.InfluxWindow;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Turns the rows of a {@link SelectQuery}'s SQL into InfluxDB series: one per tag set, in tag
 * order; GROUP BY time buckets from the range's start (or the series' first value) to its end,
 * filled per column as InfluxDB fills them (fill(null) gives counts 0); fields computed from the
 * fetched values; ORDER BY time DESC, LIMIT/OFFSET per series and SLIMIT/SOFFSET applied.
 */
final class SeriesAssembler {

  private final SelectQuery query;
  private final String measurement;
  private final InfluxQLEngine.Limits limits;
  private final SortedMap<List<String>, Group> groups = new TreeMap<>(SeriesAssembler::compare);

  /** A series being built: raw rows, or the fetched values by bucket start (nanoseconds). */
  private static final class Group {
    final List<List<Object>> raw = new ArrayList<>();
    final TreeMap<Long, Object[]> buckets = new TreeMap<>();
  }

  /**
   * For {@code query} over {@code measurement}; its rows (empty buckets filled included) are taken
   * from the request's row budget.
   */
  SeriesAssembler(SelectQuery query, String measurement, InfluxQLEngine.Limits limits) {
    this.query = query;
    this.measurement = measurement;
    this.limits = limits;
  }

  /** Takes one row of the SQL answer. */
  void add(Object[] row) {
    int t = query.tags().size();
    List<String> key = new ArrayList<>(t);
    for (int i = 0; i < t; i++) {
      key.add(row[i] == null ? "" : row[i].toString());
    }
    Group g = groups.computeIfAbsent(key, k -> new Group());
    int first = t + (query.hasTime() ? 1 : 0);
    Object[] fetched = new Object[query.fetched().size()];
    System.arraycopy(row, first, fetched, 0, fetched.length);
    if (query.form() == SelectQuery.Form.INTEGRAL
        || query.form() == SelectQuery.Form.POINT_TRANSFORM) {
      count(1);
      g.raw.add(List.of(nanos((Instant) row[t]), fetched[0], fetched[1]));
      return;
    }
    if (query.distinct()) {
      long bucket = query.hasTime() ? nanos((Instant) row[t]) : 0;
      count(1);
      g.raw.add(List.of(bucket, fetched[0], nanos(fetched[1])));
      return;
    }
    if (!query.aggregate()) {
      List<Object> out = new ArrayList<>(query.outputs().size() + 1);
      out.add(row[t]);
      for (Eval e : query.outputs()) {
        out.add(e.apply(fetched));
      }
      count(1);
      g.raw.add(out);
      return;
    }
    long time = query.hasTime() ? nanos((Instant) row[t]) : 0;
    g.buckets.put(time, fetched);
  }

  /** The series, in tag order, limited as the statement asks. */
  List<InfluxResults.Series> series() {
    List<InfluxResults.Series> out = new ArrayList<>();
    List<String> columns = new ArrayList<>();
    columns.add("time");
    columns.addAll(query.columns());
    // integral()'s last window of each series, which InfluxDB emits after every other row.
    List<InfluxResults.Series> flushed = new ArrayList<>();
    for (Map.Entry<List<String>, Group> e : groups.entrySet()) {
      SortedMap<String, String> tags = new TreeMap<>();
      for (int i = 0; i < query.tags().size(); i++) {
        tags.put(query.tags().get(i), e.getKey().get(i));
      }
      List<List<Object>> values;
      if (query.form() == SelectQuery.Form.INTEGRAL) {
        List<List<Object>> last = new ArrayList<>();
        values = integral(e.getValue(), last);
        if (!last.isEmpty()) {
          flushed.add(new InfluxResults.Series(measurement, tags, columns, zoned(last), false));
        }
      } else {
        values =
            switch (query.form()) {
              case DISTINCT -> distinct(e.getValue());
              case BUCKETS -> aggregated(e.getValue());
              case POINT_TRANSFORM -> pointTransform(e.getValue());
              case POINTS, INTEGRAL -> e.getValue().raw;
            };
      }
      if (values.isEmpty()) {
        continue;
      }
      if (query.aggregate() && query.select().descending()) {
        Collections.reverse(values);
      }
      if (query.form() != SelectQuery.Form.INTEGRAL
          && (query.aggregate() || !query.tags().isEmpty())) {
        values = page(values, query.select().limit(), query.select().offset());
        if (values.isEmpty()) {
          continue;
        }
      }
      out.add(new InfluxResults.Series(measurement, tags, columns, zoned(values), false));
    }
    if (query.form() == SelectQuery.Form.INTEGRAL) {
      out = runs(out, flushed);
    }
    return page(out, query.select().slimit(), query.select().soffset());
  }

  private List<List<Object>> aggregated(Group g) {
    List<Boolean> counts = query.fetched();
    int n = counts.size();
    if (g.buckets.values().stream().noneMatch(this::anyPresent)) {
      return List.of(); // no value of any selected field in this series
    }
    Fill fill = query.select().fill();
    List<Long> times = new ArrayList<>();
    List<Object[]> filled = new ArrayList<>();
    if (query.intervalNanos() == 0) {
      TimeCondition r = query.range();
      Object[] only = g.buckets.firstEntry().getValue();
      int selected = query.selectedTime();
      times.add(
          selected >= 0
              ? ((Number) only[selected]).longValue() * 1_000_000L
              : r.hasMin() ? r.min() : 0L);
      filled.add(withMissing(only, Fill.NULL, null));
    } else {
      long interval = query.intervalNanos();
      long offset = query.offsetNanos();
      TimeCondition r = query.range();
      long firstPresent =
          g.buckets.entrySet().stream()
              .filter(en -> anyPresent(en.getValue()))
              .findFirst()
              .orElseThrow()
              .getKey();
      long start = windowStart(r.hasMin() ? r.min() : firstPresent, interval, offset);
      long end = windowStart(r.max(), interval, offset);
      InfluxWindow.Walk walk = new InfluxWindow.Walk(start, interval, query.select().location());
      Object[] previous = new Object[n];
      for (long b = walk.next(); b <= end && b != Long.MAX_VALUE; b = walk.next()) {
        Object[] v = g.buckets.get(b);
        boolean present = v != null && anyPresent(v);
        if (!present && fill == Fill.NONE) {
          continue;
        }
        Object[] row = withMissing(v, fill, previous);
        if (fill == Fill.LINEAR) {
          linear(g, b, row);
        }
        for (int i = 0; i < n; i++) {
          if (v != null && isPresent(v[i], counts.get(i))) {
            previous[i] = v[i];
          }
        }
        times.add(b);
        filled.add(row);
        count(1);
      }
    }
    if (!query.transforms().isEmpty()) {
      return transformed(times, filled);
    }
    List<List<Object>> values = new ArrayList<>(filled.size());
    for (int k = 0; k < filled.size(); k++) {
      List<Object> out = new ArrayList<>(query.outputs().size() + 1);
      out.add(Instant.ofEpochSecond(0, times.get(k)));
      for (Eval e : query.outputs()) {
        out.add(e.apply(filled.get(k)));
      }
      values.add(out);
    }
    return values;
  }

  /**
   * The rows of a statement of transformations: each transformation of its aggregate's filled
   * buckets (those with a value), a row at every time any of them has a point.
   */
  private List<List<Object>> transformed(List<Long> times, List<Object[]> filled) {
    List<Transform> transforms = query.transforms();
    TreeMap<Long, Object[]> rows = new TreeMap<>();
    for (int i = 0; i < transforms.size(); i++) {
      Transform t = transforms.get(i);
      List<Transform.Point> points = new ArrayList<>();
      for (int k = 0; k < filled.size(); k++) {
        Object v = t.inner().apply(filled.get(k));
        if (v instanceof Number) {
          points.add(new Transform.Point(times.get(k), v));
        }
      }
      for (Transform.Point p : t.apply(points)) {
        rows.computeIfAbsent(p.time(), k -> new Object[transforms.size()])[i] = p.value();
      }
    }
    List<List<Object>> values = new ArrayList<>(rows.size());
    for (Map.Entry<Long, Object[]> row : rows.entrySet()) {
      List<Object> out = new ArrayList<>(query.outputs().size() + 1);
      out.add(Instant.ofEpochSecond(0, row.getKey()));
      for (Eval e : query.outputs()) {
        out.add(e.apply(row.getValue()));
      }
      values.add(out);
    }
    return values;
  }

  /**
   * distinct()'s rows: by bucket, then by the time each value first occurs, then by value (false
   * before true), as InfluxDB's distinct reducer sorts them; each at its bucket's time (the range's
   * start without GROUP BY time).
   */
  private List<List<Object>> distinct(Group g) {
    List<List<Object>> rows = new ArrayList<>(g.raw);
    rows.sort(
        (a, b) -> {
          int c = Long.compare((Long) a.get(0), (Long) b.get(0));
          if (c == 0) {
            c = Long.compare((Long) a.get(2), (Long) b.get(2));
          }
          return c != 0 ? c : compareValues(a.get(1), b.get(1));
        });
    TimeCondition r = query.range();
    List<List<Object>> values = new ArrayList<>(rows.size());
    for (List<Object> row : rows) {
      long time = query.hasTime() ? (Long) row.get(0) : r.hasMin() ? r.min() : 0L;
      values.add(List.of(Instant.ofEpochSecond(0, time), row.get(1)));
    }
    return values;
  }

  /**
   * integral()'s answer as InfluxDB writes its stream of rows: every series' rows, then the last
   * windows; a series is a run of rows with the same tags (so a last window right after its own
   * series' rows joins them), and LIMIT/OFFSET count per run, as InfluxDB's limit iterator does.
   */
  private List<InfluxResults.Series> runs(
      List<InfluxResults.Series> inline, List<InfluxResults.Series> flushed) {
    List<InfluxResults.Series> all = new ArrayList<>(inline);
    all.addAll(flushed);
    List<InfluxResults.Series> out = new ArrayList<>();
    for (InfluxResults.Series s : all) {
      InfluxResults.Series previous = out.isEmpty() ? null : out.get(out.size() - 1);
      if (previous != null && previous.tags().equals(s.tags())) {
        List<List<Object>> joined = new ArrayList<>(previous.values());
        joined.addAll(s.values());
        out.set(
            out.size() - 1,
            new InfluxResults.Series(measurement, s.tags(), s.columns(), joined, false));
      } else {
        out.add(s);
      }
    }
    List<InfluxResults.Series> paged = new ArrayList<>();
    for (InfluxResults.Series s : out) {
      List<List<Object>> values = page(s.values(), query.select().limit(), query.select().offset());
      if (!values.isEmpty()) {
        paged.add(new InfluxResults.Series(measurement, s.tags(), s.columns(), values, false));
      }
    }
    return paged;
  }

  /**
   * integral()'s rows of one group ({@link Integral}); several series in one group are refused:
   * InfluxDB integrates their merged points, in an order among equal times that only its heap
   * decides.
   */
  private List<List<Object>> integral(Group g, List<List<Object>> last) {
    List<List<Object>> points = oneSeriesPoints(g, "integral()");
    Integral integral =
        new Integral(
            query.intervalNanos(),
            query.offsetNanos(),
            query.select().location(),
            query.integralUnitNanos());
    return integral.rows(points, last);
  }

  /** A raw transformation's rows: {@link Transform} over the group's one series' points. */
  private List<List<Object>> pointTransform(Group g) {
    List<Transform.Point> points = new ArrayList<>();
    for (List<Object> p : oneSeriesPoints(g, query.columns().get(0) + "()")) {
      points.add(new Transform.Point((Long) p.get(0), p.get(1)));
    }
    List<List<Object>> out = new ArrayList<>();
    for (Transform.Point p : query.transforms().get(0).apply(points)) {
      out.add(List.of(Instant.ofEpochSecond(0, p.time()), p.value()));
    }
    return out;
  }

  /**
   * A group's points (time, value, series key) in time order; several series in one group are
   * refused: InfluxDB merges their points in an order among equal times only its heap decides.
   */
  private static List<List<Object>> oneSeriesPoints(Group g, String function) {
    List<List<Object>> points = new ArrayList<>(g.raw);
    points.sort((a, b) -> Long.compare((Long) a.get(0), (Long) b.get(0)));
    Object series = points.isEmpty() ? null : points.get(0).get(2);
    for (List<Object> p : points) {
      if (!p.get(2).equals(series)) {
        throw new InfluxQLException(
            function
                + " of several series in one group is not supported by the gateway over the lake"
                + " (InfluxDB merges their points in an order it does not define): GROUP BY the"
                + " tags that tell the series apart, or *");
      }
    }
    return points;
  }

  @SuppressWarnings("unchecked")
  private static int compareValues(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return x instanceof Long && y instanceof Long
          ? Long.compare(x.longValue(), y.longValue())
          : Double.compare(x.doubleValue(), y.doubleValue());
    }
    if (a instanceof String x && b instanceof String y) {
      return Arrays.compareUnsigned(
          x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8));
    }
    return ((Comparable<Object>) a).compareTo(b);
  }

  /** The bucket's values with each missing one filled as {@code fill} says. */
  private Object[] withMissing(Object[] v, Fill fill, Object[] previous) {
    List<Boolean> counts = query.fetched();
    Object[] row = new Object[counts.size()];
    for (int i = 0; i < row.length; i++) {
      Object value = v == null ? null : v[i];
      if (isPresent(value, counts.get(i))) {
        row[i] = value;
        continue;
      }
      row[i] =
          switch (fill) {
            case NULL -> counts.get(i) ? (Object) 0L : null;
            case NUMBER -> query.select().fillValue();
            case PREVIOUS -> previous[i];
            case NONE, LINEAR -> null;
          };
    }
    return row;
  }

  /** Missing values between two present ones, on the line between them. */
  private void linear(Group g, long b, Object[] row) {
    List<Boolean> counts = query.fetched();
    for (int i = 0; i < row.length; i++) {
      if (row[i] != null) {
        continue;
      }
      Map.Entry<Long, Object[]> before = g.buckets.lowerEntry(b);
      while (before != null && !isPresent(before.getValue()[i], counts.get(i))) {
        before = g.buckets.lowerEntry(before.getKey());
      }
      Map.Entry<Long, Object[]> after = g.buckets.higherEntry(b);
      while (after != null && !isPresent(after.getValue()[i], counts.get(i))) {
        after = g.buckets.higherEntry(after.getKey());
      }
      if (before == null
          || after == null
          || !(before.getValue()[i] instanceof Number p)
          || !(after.getValue()[i] instanceof Number q)) {
        continue;
      }
      double fraction = (double) (b - before.getKey()) / (after.getKey() - before.getKey());
      if (p instanceof Long && q instanceof Long) {
        long step =
            (q.longValue() - p.longValue())
                / ((after.getKey() - before.getKey()) / query.intervalNanos());
        row[i] = p.longValue() + step * ((b - before.getKey()) / query.intervalNanos());
      } else {
        row[i] = p.doubleValue() + (q.doubleValue() - p.doubleValue()) * fraction;
      }
    }
  }

  private boolean anyPresent(Object[] v) {
    for (int i = 0; i < v.length; i++) {
      if (isPresent(v[i], query.fetched().get(i))) {
        return true;
      }
    }
    return false;
  }

  /** A count of 0 is a bucket without values of its field, as InfluxDB has no point for it. */
  private static boolean isPresent(Object value, boolean count) {
    return value != null && !(count && value instanceof Number c && c.longValue() == 0);
  }

  /** The start of the window holding {@code t}: InfluxDB's, in the statement's tz() if any. */
  private long windowStart(long t, long interval, long offset) {
    ZoneId zone = query.select().location();
    if (zone != null) {
      return InfluxWindow.window(t, interval, offset, zone)[0];
    }
    return t - Math.floorMod(t - offset, interval);
  }

  /** The rows with their times in the statement's tz(), which the answer writes with its offset. */
  private List<List<Object>> zoned(List<List<Object>> values) {
    ZoneId zone = query.select().location();
    if (zone == null) {
      return values;
    }
    List<List<Object>> out = new ArrayList<>(values.size());
    for (List<Object> row : values) {
      List<Object> copy = new ArrayList<>(row);
      if (copy.get(0) instanceof Instant i) {
        copy.set(0, ZonedDateTime.ofInstant(i, zone));
      }
      out.add(copy);
    }
    return out;
  }

  private void count(long n) {
    if (limits.rowsLeft().addAndGet(-n) < 0) {
      throw tooManyRows(limits);
    }
  }

  /** The error of an answer past the request's row budget. */
  static InfluxQLException tooManyRows(InfluxQLEngine.Limits limits) {
    return new InfluxQLException(
        "the answer has more than "
            + limits.maxRows()
            + " rows (the gateway's limit): narrow the time range, use a wider GROUP BY time"
            + " interval or a LIMIT");
  }

  /** Items {@code offset} to {@code offset + limit} (limit 0: all). */
  static <T> List<T> page(List<T> items, int limit, int offset) {
    if (offset >= items.size()) {
      return offset == 0 ? items : List.of();
    }
    int end = limit > 0 ? (int) Math.min(items.size(), (long) offset + limit) : items.size();
    return offset == 0 && end == items.size() ? items : new ArrayList<>(items.subList(offset, end));
  }

  private static long nanos(Instant i) {
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  /**
   * A time value of a fetched column (Calcite's TIMESTAMP as an Instant, a Timestamp or millis).
   */
  private static long nanos(Object t) {
    if (t instanceof Instant i) {
      return nanos(i);
    } else if (t instanceof Timestamp ts) {
      return nanos(ts.toInstant());
    }
    return ((Number) t).longValue() * 1_000_000L;
  }

  private static int compare(List<String> a, List<String> b) {
    for (int i = 0; i < a.size(); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }
}
