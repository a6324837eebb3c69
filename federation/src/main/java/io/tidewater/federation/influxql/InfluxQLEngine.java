package io.tidewater.federation.influxql;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import io.tidewater.federation.FederationCatalog;
import io.tidewater.federation.ReadAccess;
import io.tidewater.federation.SqlEngine;
import io.tidewater.federation.SqlResult;
import io.tidewater.federation.StopReason;
import io.tidewater.federation.StopSignal;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * InfluxDB 1.x's query language over the federation: each SELECT is translated into federated SQL
 * ({@link SelectTranslator}) and run by the same {@link SqlEngine} as {@code /v1/sql} (routing
 * between InfluxDB and the lake, rollups, pushdown, result cache, deadlines, memory budget), and
 * its rows are shaped into InfluxDB's series ({@link SeriesAssembler}), except a SELECT InfluxDB
 * alone answers, which is sent to it as written ({@link HotSelect}); SHOW statements answer from
 * the catalog, which merges InfluxDB's metadata with the lake's ({@link MetadataStatements}).
 */
public final class InfluxQLEngine {

  private final SqlEngine sql;
  private final FederationCatalog catalog;
  private final HotSelect hot;

  public InfluxQLEngine(SqlEngine sql, FederationCatalog catalog) {
    this(sql, catalog, true);
  }

  /**
   * With {@code sendHotToInflux} false, every SELECT is translated into federated SQL, also those
   * InfluxDB alone answers (for tests of the translation).
   */
  public InfluxQLEngine(SqlEngine sql, FederationCatalog catalog, boolean sendHotToInflux) {
    this.sql = sql;
    this.catalog = catalog;
    this.hot = new HotSelect(catalog, sendHotToInflux);
  }

  /**
   * A request's limits and caller: one deadline and one row budget for all its statements (and
   * every measurement a statement reads), so a query of many statements is bounded as one.
   */
  public record Limits(
      long deadlineNanos, AtomicLong rowsLeft, long maxRows, ReadAccess access, StopSignal signal) {

    /** Limits starting now: {@code timeout} from now, {@code maxRows} rows in all. */
    public static Limits of(Duration timeout, long maxRows, ReadAccess access, StopSignal signal) {
      return new Limits(
          System.nanoTime() + timeout.toNanos(), new AtomicLong(maxRows), maxRows, access, signal);
    }

    /** The time left to the deadline; QUERY_TIMEOUT once there is none. */
    public Duration remaining() {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        throw StopReason.TIMEOUT.error(0);
      }
      return Duration.ofNanos(left);
    }

    /** Whether the deadline has passed. */
    public boolean expired() {
      return deadlineNanos - System.nanoTime() <= 0;
    }
  }

  /**
   * The statements of {@code text}. Throws {@link ParseError} if the text does not parse (InfluxDB
   * then answers 400 for the whole request) and FORBIDDEN if a statement reads a database the
   * caller may not read (InfluxDB checks every statement before it runs any).
   */
  public List<Statement> prepare(String text, String database, ReadAccess access) {
    List<Statement> statements = Parser.parseQuery(text);
    for (Statement s : statements) {
      for (String db : databases(s, database)) {
        if (!access.mayRead(db)) {
          throw new TidewaterException(
              ErrorCode.FORBIDDEN,
              "not authorized to execute statement, requires read on "
                  + db
                  + ": the token's scopes do not include read:"
                  + db);
        }
      }
    }
    return statements;
  }

  /**
   * The request's SELECT if it is its only statement and InfluxDB alone holds what it reads: its
   * answer can then be InfluxDB's own, passed on as written ({@link #forward}). Empty otherwise,
   * also when the statement would fail (its error comes from {@link #execute}).
   */
  public Optional<Statement.Select> soleInfluxSelect(
      List<Statement> statements, String database, String rp) {
    if (statements.size() != 1
        || !(statements.get(0) instanceof Statement.Select select)
        || select.into() != null) {
      return Optional.empty();
    }
    try {
      long now = now(catalog);
      return hot.answersAlone(
              select,
              database,
              rp,
              TimeCondition.of(select.condition(), now, select.location()),
              now)
          ? Optional.of(select)
          : Optional.empty();
    } catch (InfluxQLException | TidewaterException e) {
      return Optional.empty();
    }
  }

  /**
   * InfluxDB's answer to {@code select} (one {@link #soleInfluxSelect} chose) as it writes it, with
   * the client's answer {@code options} and format; within the request's deadline.
   */
  public InfluxClient.Forwarded forward(
      Statement.Select select,
      String database,
      String rp,
      Map<String, String> options,
      String accept,
      Limits limits) {
    return catalog
        .influx()
        .forward(
            database == null ? "" : database,
            rp == null || rp.isEmpty() ? Optional.empty() : Optional.of(rp),
            select.text(),
            options,
            accept,
            limits.remaining());
  }

  /** The answer to statement number {@code id}, its error included; not thrown. */
  public InfluxResults.Result execute(int id, Statement s, String database, Limits limits) {
    return execute(id, s, database, null, limits);
  }

  /**
   * As above with {@code rp} the request's retention policy (InfluxDB's {@code rp} parameter, or
   * null): a statement reading one the lake does not hold is InfluxDB's to answer.
   */
  public InfluxResults.Result execute(
      int id, Statement s, String database, String rp, Limits limits) {
    try {
      // A statement not begun by its deadline is not begun (planning may wait on InfluxDB).
      limits.remaining();
      return InfluxResults.Result.of(id, series(s, database, rp, limits));
    } catch (InfluxQLException | ParseError e) {
      return InfluxResults.Result.failed(id, e.getMessage());
    } catch (TidewaterException e) {
      if (e.code() == ErrorCode.FORBIDDEN) {
        throw e;
      }
      return InfluxResults.Result.failed(id, e.getMessage());
    }
  }

  private List<InfluxResults.Series> series(
      Statement s, String database, String rp, Limits limits) {
    if (s instanceof Statement.Select select) {
      return select(select, database, rp, limits);
    } else if (s instanceof Statement.Refused r) {
      throw new InfluxQLException(
          r.kind()
              + " is not run by the Tidewater gateway: it answers queries; change data and"
              + " administer InfluxDB on InfluxDB itself");
    }
    return new MetadataStatements(sql, catalog, limits).answer(s, database);
  }

  private List<InfluxResults.Series> select(
      Statement.Select select, String database, String rp, Limits limits) {
    if (select.into() != null) {
      throw new InfluxQLException(
          "SELECT INTO is not run by the Tidewater gateway: it writes data; run it on InfluxDB");
    }
    long now = now(catalog);
    if (hot.answersAlone(
        select, database, rp, TimeCondition.of(select.condition(), now, select.location()), now)) {
      return hot.answer(select, database, rp, limits);
    }
    TimeCondition range = TimeCondition.of(select.condition(), now, select.location());
    List<InfluxResults.Series> out = new ArrayList<>();
    for (Source source : select.sources()) {
      if (source instanceof Source.SubQuery sub) {
        out.addAll(subquery(select, sub.select(), database, range, now, limits));
        continue;
      }
      Source.Measurement m = (Source.Measurement) source;
      String db = database(catalog, m.database(), database);
      if (m.regex() == null && hot.otherRetentionPolicy(m, db, m.name(), rp)) {
        throw new InfluxQLException(
            "this statement reads a retention policy the lake does not hold together with the"
                + " tiered one; ask for them in separate statements");
      }
      Predicate<String> wanted =
          m.regex() != null ? n -> m.regex().pattern().matcher(n).find() : n -> n.equals(m.name());
      for (String name : catalog.measurements(db)) {
        if (!wanted.test(name)) {
          continue;
        }
        MeasurementSchema schema = catalog.schema(db, name);
        if (schema.fields().isEmpty()) {
          continue;
        }
        SelectQuery q = SelectTranslator.translate(select, db, schema, range, now);
        if (q == null) {
          continue;
        }
        out.addAll(run(q, name, limits));
      }
    }
    return out;
  }

  /** A SELECT over a subquery ({@link SubquerySelect}). */
  private List<InfluxResults.Series> subquery(
      Statement.Select outer,
      Statement.Select inner,
      String database,
      TimeCondition range,
      long now,
      Limits limits) {
    SubquerySelect.check(inner);
    Source.Measurement m = (Source.Measurement) inner.sources().get(0);
    String db = database(catalog, m.database(), database);
    if (!catalog.measurements(db).contains(m.name())) {
      return List.of();
    }
    SelectQuery q =
        SubquerySelect.translate(
            outer, inner, db, catalog.schema(db, m.name()), range, now, sql, limits);
    return q == null ? List.of() : run(q, m.name(), limits);
  }

  private List<InfluxResults.Series> run(SelectQuery q, String name, Limits limits) {
    SeriesAssembler assembler = new SeriesAssembler(q, name, limits);
    try (SqlResult rows =
        sql.query(
            q.sql(), limits.maxRows(), limits.remaining(), limits.access(), limits.signal())) {
      for (Object[] row = rows.next(); row != null; row = rows.next()) {
        assembler.add(row);
      }
    }
    return assembler.series();
  }

  /** The catalog's time in nanoseconds: InfluxQL's now(). */
  static long now(FederationCatalog catalog) {
    Instant i = catalog.clock().instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  /**
   * The database a statement names, else the request's; InfluxDB's errors when there is none or it
   * does not exist.
   */
  static String database(FederationCatalog catalog, String named, String fallback) {
    String db = named != null ? named : fallback;
    if (db == null || db.isEmpty()) {
      throw new InfluxQLException("database name required");
    }
    if (!catalog.databases().contains(db)) {
      throw new InfluxQLException("database not found: " + db);
    }
    return db;
  }

  /** The databases a statement reads (none for SHOW DATABASES, which lists what may be read). */
  static List<String> databases(Statement s, String database) {
    List<String> out = new ArrayList<>();
    if (s instanceof Statement.Select select) {
      for (Source src : select.sources()) {
        if (src instanceof Source.Measurement m) {
          addIfNamed(out, m.database() != null ? m.database() : database);
        } else if (src instanceof Source.SubQuery q) {
          out.addAll(databases(q.select(), database));
        }
      }
    } else if (s instanceof Statement.ShowRetentionPolicies r) {
      addIfNamed(out, r.database() != null ? r.database() : database);
    } else if (s instanceof Statement.ShowMeasurements r) {
      addIfNamed(out, r.database() != null ? r.database() : database);
    } else if (s instanceof Statement.ShowTagKeys r) {
      addIfNamed(out, r.database() != null ? r.database() : database);
    } else if (s instanceof Statement.ShowTagValues r) {
      addIfNamed(out, r.database() != null ? r.database() : database);
    } else if (s instanceof Statement.ShowFieldKeys r) {
      addIfNamed(out, r.database() != null ? r.database() : database);
    } else if (s instanceof Statement.ShowSeries r) {
      addIfNamed(out, r.database() != null ? r.database() : database);
    }
    return out;
  }

  private static void addIfNamed(List<String> out, String db) {
    if (db != null && !db.isEmpty()) {
      out.add(db);
    }
  }
}
