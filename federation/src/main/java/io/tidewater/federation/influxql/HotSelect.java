package io.tidewater.federation.influxql;

import io.tidewater.federation.FederationCatalog;
import io.tidewater.federation.StopReason;
import io.tidewater.federation.route.Place;
import io.tidewater.federation.route.Route;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A SELECT whose every measurement is answered by InfluxDB alone over the statement's time range
 * (the hot days, a measurement no policy claims, a dirty window) or read in a retention policy the
 * lake does not hold, sent to InfluxDB as its caller wrote it: InfluxDB's answer is the
 * federation's by the routing's own rule, at the cost of one request instead of planning SQL, and
 * with every function InfluxDB has. Its rows count against the request's row budget and its
 * deadline, as the federated path's do.
 */
final class HotSelect {

  private static final Pattern NOW = Pattern.compile("(?i)now\\s*\\(");

  /**
   * How far the gateway's clock may be from InfluxDB's for a statement with {@code now()}, which
   * InfluxDB evaluates by its own: the range is moved by this much before it is judged.
   */
  static final long CLOCK_MARGIN_NANOS = 60_000_000_000L;

  private final FederationCatalog catalog;
  private final boolean hotRanges;

  /**
   * {@code hotRanges} false: only statements reading a retention policy the lake does not hold are
   * InfluxDB's (the hot days are translated too, for tests of the translation).
   */
  HotSelect(FederationCatalog catalog, boolean hotRanges) {
    this.catalog = catalog;
    this.hotRanges = hotRanges;
  }

  /**
   * Whether InfluxDB alone answers {@code select} over {@code range} (its time condition with the
   * gateway's now()) for each measurement it reads in {@code db}, with {@code rp} the request's
   * retention policy (or null).
   */
  boolean answersAlone(
      Statement.Select select, String db, String rp, TimeCondition range, long now) {
    if (select.text().isEmpty() || select.into() != null) {
      return false;
    }
    boolean usesNow = NOW.matcher(select.text()).find();
    if (usesNow && Math.abs(catalog.clock().millis() - System.currentTimeMillis()) > 1000) {
      return false; // InfluxDB's now() would not be the gateway's (a test's fixed clock)
    }
    long margin = usesNow ? CLOCK_MARGIN_NANOS : 0;
    long from = range.hasMin() ? range.min() - margin : Long.MIN_VALUE;
    // Without an upper bound, a GROUP BY time() statement ends at now(), a raw one runs on.
    long to = range.hasMax() ? range.max() : select.isRaw() ? Long.MAX_VALUE - 1 : now;
    to = to >= Long.MAX_VALUE - margin ? Long.MAX_VALUE - 1 : to + margin;
    return sourcesAlone(select.sources(), db, rp, from, to, now, margin);
  }

  /**
   * Whether InfluxDB alone holds every measurement {@code sources} read over {@code [from, to]}; a
   * subquery's over its own range within that one (InfluxDB reads it over both).
   */
  private boolean sourcesAlone(
      List<Source> sources, String db, String rp, long from, long to, long now, long margin) {
    for (Source source : sources) {
      if (source instanceof Source.SubQuery sub) {
        Statement.Select inner = sub.select();
        TimeCondition own = TimeCondition.of(inner.condition(), now, inner.location());
        long innerFrom = Math.max(from, own.hasMin() ? own.min() - margin : Long.MIN_VALUE);
        long innerTo = Math.min(to, own.hasMax() ? own.max() + margin : Long.MAX_VALUE - 1);
        if (!sourcesAlone(inner.sources(), db, rp, innerFrom, innerTo, now, margin)) {
          return false;
        }
        continue;
      }
      Source.Measurement m = (Source.Measurement) source;
      String database = InfluxQLEngine.database(catalog, m.database(), db);
      List<String> names =
          m.regex() == null
              ? List.of(m.name())
              : catalog.measurements(database).stream()
                  .filter(n -> m.regex().pattern().matcher(n).find())
                  .toList();
      for (String name : names) {
        if (!otherRetentionPolicy(m, database, name, rp)
            && !(hotRanges && inOneInfluxPart(catalog.routes(database, name), from, to))) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Whether source {@code m} reads measurement {@code name} in a retention policy other than the
   * one the federation tiers ({@code rp}: the request's, for a source naming none): only InfluxDB
   * holds that.
   */
  boolean otherRetentionPolicy(Source.Measurement m, String db, String name, String rp) {
    String read =
        m.retentionPolicy() != null && !m.retentionPolicy().isEmpty() ? m.retentionPolicy() : rp;
    if (read == null || read.isEmpty()) {
      return false;
    }
    return !catalog.tieredRetentionPolicy(db, name).map(read::equals).orElse(false);
  }

  private static boolean inOneInfluxPart(List<Route> routes, long from, long to) {
    for (Route r : routes) {
      if (r.place() == Place.INFLUXDB && r.range().from() <= from && to < r.range().to()) {
        return true;
      }
    }
    return false;
  }

  /**
   * InfluxDB's answer to {@code select} in {@code db}, as series; its error thrown as InfluxQL's.
   */
  List<InfluxResults.Series> answer(
      Statement.Select select, String db, String rp, InfluxQLEngine.Limits limits) {
    Rows rows = new Rows(limits, select.location());
    try {
      catalog
          .influx()
          .query(
              db,
              rp == null || rp.isEmpty() ? Optional.empty() : Optional.of(rp),
              select.text(),
              limits.remaining(),
              rows);
    } catch (InfluxException e) {
      if (e.influxError().isPresent()) {
        String error = e.influxError().get();
        throw new InfluxQLException(error.startsWith("400 ") ? error.substring(4) : error);
      }
      throw e;
    }
    return rows.series;
  }

  /**
   * The streamed answer as series: a series InfluxDB continues in its next chunk is joined to its
   * first part; the time column becomes instants, to be written per the request's epoch.
   */
  private static final class Rows implements InfluxClient.RowSink {
    private final InfluxQLEngine.Limits limits;
    final List<InfluxResults.Series> series = new ArrayList<>();
    private List<List<Object>> values;
    private List<Object> row;
    private String name;
    private Map<String, String> tags;
    private boolean timeFirst;
    private final ZoneId zone;

    /** {@code zone}: the statement's {@code tz()}, in which InfluxDB writes its times; or null. */
    Rows(InfluxQLEngine.Limits limits, ZoneId zone) {
      this.limits = limits;
      this.zone = zone;
    }

    @Override
    public void series(Map<String, String> t, List<String> columns) {
      series("", t, columns);
    }

    @Override
    public void series(String measurement, Map<String, String> t, List<String> columns) {
      if (values != null && measurement.equals(name) && t.equals(tags)) {
        return; // the same series, continued in the next chunk
      }
      name = measurement;
      tags = Map.copyOf(t);
      values = new ArrayList<>();
      timeFirst = !columns.isEmpty() && columns.get(0).equals("time");
      series.add(
          new InfluxResults.Series(
              measurement, new TreeMap<>(t), List.copyOf(columns), values, false));
    }

    @Override
    public void value(int column, InfluxClient.Cell cell) {
      if (column == 0) {
        if (limits.rowsLeft().decrementAndGet() < 0) {
          throw SeriesAssembler.tooManyRows(limits);
        }
        if ((limits.rowsLeft().get() & 1023) == 0) {
          limits.remaining(); // the deadline, checked every 1,024 rows
          StopReason stopped = limits.signal() == null ? null : limits.signal().reason();
          if (stopped != null) {
            throw stopped.error(0);
          }
        }
        row = new ArrayList<>();
        values.add(row);
      }
      if (column == 0 && timeFirst && !cell.isNull()) {
        long nanos = cell.asLong();
        Instant t =
            Instant.ofEpochSecond(
                Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
        row.add(zone == null ? t : t.atZone(zone));
      } else {
        row.add(cell.asObject());
      }
    }
  }
}
