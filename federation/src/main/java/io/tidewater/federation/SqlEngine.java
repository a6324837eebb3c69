package io.tidewater.federation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import io.tidewater.federation.functions.DateBin;
import io.tidewater.federation.functions.InfluxMode;
import io.tidewater.federation.functions.InfluxSelectors;
import io.tidewater.federation.functions.InfluxWindow;
import io.tidewater.federation.functions.RegexMatch;
import io.tidewater.federation.functions.SqlRewrite;
import io.tidewater.federation.functions.StatisticalAggregates;
import io.tidewater.federation.influx.InfluxQlGroups;
import io.tidewater.federation.influx.InfluxQuery;
import io.tidewater.federation.influx.InfluxToEnumerableConverter;
import io.tidewater.federation.lake.LakeParts;
import io.tidewater.federation.lake.LakeQuery;
import io.tidewater.federation.lake.LakeToEnumerableConverter;
import io.tidewater.federation.plan.Binding;
import io.tidewater.federation.plan.ExecutionGuard;
import io.tidewater.federation.plan.MeasurementColumns;
import io.tidewater.federation.plan.PlanDecisions;
import io.tidewater.federation.plan.PlanKeys;
import io.tidewater.federation.plan.ScanQuery;
import io.tidewater.federation.plan.SchemaNames;
import io.tidewater.federation.route.Place;
import io.tidewater.federation.route.RoutePruning;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.policy.Resolution;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.runtime.Hook;
import org.apache.calcite.schema.impl.AggregateFunctionImpl;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;
import org.apache.calcite.util.CancelFlag;
import org.apache.calcite.util.Holder;

/**
 * Runs federated SQL: each query gets a Calcite connection over the {@link TidewaterSchemas}, is
 * planned with the InfluxDB adapter's and the routing rules, and streams its rows. Identifiers are
 * case-sensitive (InfluxDB's names are) and double-quoted; times are UTC.
 */
public final class SqlEngine {

  static {
    // Calcite compiles each plan's generated code with Janino; the same SQL generates the same code
    // (sources and plans are passed in through stashed values), so compiled classes are kept by
    // source.
    if (System.getProperty("calcite.bindable.cache.maxSize") == null) {
      System.setProperty("calcite.bindable.cache.maxSize", "1000");
    }
    try {
      Class.forName("org.apache.calcite.jdbc.Driver");
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("Calcite's JDBC driver is missing", e);
    }
  }

  private final FederationCatalog catalog;
  private final ResultCache cache;
  private final LakeParts lakeParts;
  private final Executions executions;
  private final long maxQueryMemory;

  /** An eighth of the heap, at most 1 GiB: room for several such statements at once. */
  public static final long DEFAULT_MAX_QUERY_MEMORY =
      Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 8);

  /** Statements run by a plan of their shape; planned as a shape not seen (or evicted). */
  private final LongAdder reused = new LongAdder();

  private final LongAdder unknownShape = new LongAdder();

  /** Planned again: plans of the shape existed, but decided otherwise for these values. */
  private final LongAdder replanned = new LongAdder();

  /**
   * The idle plans kept of one shape: one per concurrent caller, and one per set of decisions its
   * values take (a point query over a lake split by dirty windows meets a part of its own at most
   * instants).
   */
  static final int MAX_PLANS_PER_SHAPE = 32;

  /** Whether statements are planned once per shape (else once per text). */
  private volatile boolean shapes = true;

  /** The plan key each SQL text had when last planned, to find its results without planning. */
  private final Cache<String, String> planKeys =
      Caffeine.newBuilder()
          .executor(Runnable::run) // see plans
          // Weighed by their texts (up to max-sql-length each), not counted: 10,000 long texts
          // would be gigabytes.
          .maximumWeight(32L << 20)
          .<String, String>weigher((sql, key) -> 2 * (sql.length() + key.length()) + 64)
          .build();

  private final Cache<String, Deque<Prepared>> plans =
      Caffeine.newBuilder()
          // Upkeep on the calling thread: written at every query, the cache would otherwise wake a
          // pool thread for its upkeep about as often (a thread hand-off per short query).
          .executor(Runnable::run)
          // A plan's classes and Calcite's connection weigh about 256 KB; its text on top.
          .maximumWeight(128L << 20)
          .<String, Deque<Prepared>>weigher(
              (sql, idle) -> (256 << 10) * Math.max(1, idle.size()) + 2 * sql.length())
          .<String, Deque<Prepared>>removalListener(
              (sql, idle, cause) -> {
                if (idle != null) {
                  // Close those not borrowed meanwhile; a borrowed one is closed by its borrower
                  // later.
                  idle.forEach(
                      p -> {
                        if (p.owned().compareAndSet(false, true)) {
                          p.close();
                        }
                      });
                }
              })
          .build();

  /** An engine without a result cache. */
  public SqlEngine(FederationCatalog catalog) {
    this(catalog, ResultCache.Settings.OFF);
  }

  public SqlEngine(FederationCatalog catalog, ResultCache.Settings cacheSettings) {
    this(catalog, cacheSettings, DEFAULT_MAX_QUERY_MEMORY);
  }

  /**
   * An engine whose statements each keep at most {@code maxQueryMemory} bytes of rows in their
   * joins, sorts and windows (estimated from the rows' types; RESOURCE_EXHAUSTED beyond).
   */
  public SqlEngine(
      FederationCatalog catalog, ResultCache.Settings cacheSettings, long maxQueryMemory) {
    this(catalog, cacheSettings, maxQueryMemory, () -> false);
  }

  /**
   * As above, and statements give way (pause briefly at a row, then run as long) while {@code
   * yieldTo} is true: the gateway's writes being received.
   */
  public SqlEngine(
      FederationCatalog catalog,
      ResultCache.Settings cacheSettings,
      long maxQueryMemory,
      BooleanSupplier yieldTo) {
    this.executions = new Executions(yieldTo);
    if (maxQueryMemory <= 0) {
      throw new IllegalArgumentException("maxQueryMemory must be positive: " + maxQueryMemory);
    }
    this.maxQueryMemory = maxQueryMemory;
    this.catalog = catalog;
    this.cache = new ResultCache(cacheSettings);
    this.lakeParts =
        cacheSettings.maxEntries() == 0
            ? LakeParts.OFF
            : new LakeParts(cacheSettings.maxRowsPerEntry(), cacheSettings.lakeTtl());
  }

  /**
   * How SQL is read, set here once for the rewrites before planning and for the connection that
   * plans: identifiers in double quotes and case-sensitive as written (as PostgreSQL's quoted names
   * and InfluxDB's); LENIENT as PostgreSQL and Trino: string literals of different lengths are
   * VARCHAR, not padded CHAR, and GROUP BY may name select aliases and ordinals.
   */
  static final SqlParser.Config PARSER =
      SqlParser.config()
          .withQuoting(Quoting.DOUBLE_QUOTE)
          .withUnquotedCasing(Casing.UNCHANGED)
          .withQuotedCasing(Casing.UNCHANGED)
          .withCaseSensitive(true)
          .withConformance(SqlConformanceEnum.LENIENT);

  /** Runs {@code sql}; the caller reads and closes the result. */
  public SqlResult query(String text, long maxRows, Duration timeout) {
    return query(text, maxRows, timeout, ReadAccess.ALL);
  }

  /**
   * Runs {@code sql} for a caller who may read what {@code access} allows; FORBIDDEN naming the
   * first table it may not read, before any row (cached or not) is served.
   */
  public SqlResult query(String text, long maxRows, Duration timeout, ReadAccess access) {
    return query(text, maxRows, timeout, access, null);
  }

  /**
   * As {@link #query(String, long, Duration, ReadAccess)}; {@code signal} (may be null) stops the
   * statement from another thread, while it is planned or run.
   */
  public SqlResult query(
      String text, long maxRows, Duration timeout, ReadAccess access, StopSignal signal) {
    return query(text, List.of(), maxRows, timeout, access, signal);
  }

  /**
   * As above for a statement with {@code ?} parameters valued by {@code params} in order (JSON's
   * values: numbers, strings, booleans, null; a TIMESTAMP as an ISO-8601 instant, {@code
   * 'yyyy-MM-dd HH:mm:ss[.fff]'} in UTC, or epoch milliseconds). It is its own query shape: planned
   * once, run with each call's values (time bounds pushed to InfluxDB and the lake as for literal
   * ones; other parameters are compared by the engine, not pushed).
   */
  public SqlResult query(
      String text,
      List<Object> params,
      long maxRows,
      Duration timeout,
      ReadAccess access,
      StopSignal signal) {
    String sql = SqlRewrite.rewrite(text, PARSER);
    if (!params.isEmpty()) {
      return run(
          sql,
          new SqlShape(sql, params),
          false,
          false,
          null,
          false,
          maxRows,
          timeout,
          access,
          signal);
    }
    boolean asksForNow = ResultCache.asksForNow(sql);
    boolean cacheable = cache.settings().maxEntries() > 0 && !asksForNow;
    // Results are kept by the plan they come from; the plan a SQL text had last time finds them
    // without planning (a hit then costs microseconds), checked against what they were made from.
    String knownKey = cacheable ? planKeys.getIfPresent(sql) : null;
    if (knownKey != null) {
      ResultCache.Entry hit = cache.get(knownKey, catalog);
      if (hit != null) {
        hit.reads().forEach(r -> access.checkRead(r.database(), r.measurement()));
        return SqlResult.cached(hit.columns(), hit.rows(), maxRows)
            .readFrom(hit.reads().stream().map(r -> r.database() + "." + r.measurement()).toList());
      }
    }
    // A plan with CURRENT_TIMESTAMP folded in holds only for the statement it was made for; other
    // statements are planned once per shape (their time bounds as parameters).
    SqlShape shape =
        shapes && !asksForNow ? SqlShape.cached(sql, PARSER) : new SqlShape(sql, List.of());
    if (shape.parameterized() && unfitShapes.getIfPresent(shape.text()) != null) {
      shape = new SqlShape(sql, List.of());
    }
    return run(sql, shape, true, asksForNow, knownKey, cacheable, maxRows, timeout, access, signal);
  }

  /**
   * Shapes whose parameters do not fit where their literals were (a string compared with a number,
   * a parameter Calcite cannot type): their statements run as written.
   */
  private final Cache<String, Boolean> unfitShapes =
      Caffeine.newBuilder()
          .maximumWeight(4L << 20)
          .<String, Boolean>weigher((shape, unfit) -> 2 * shape.length() + 16)
          .build();

  /** A shape's values do not fit its parameters: the statement is run as written instead. */
  private static final class UnfitShape extends RuntimeException {
    UnfitShape() {
      super(null, null, false, false);
    }
  }

  /** Whether a failure to plan a shape may be the shape's own (else the statement's too). */
  private static boolean mayBeTheShapes(ErrorCode code) {
    return code == ErrorCode.SQL_SYNTAX
        || code == ErrorCode.SQL_INVALID
        || code == ErrorCode.UNSUPPORTED
        || code == ErrorCode.INTERNAL;
  }

  /**
   * Runs {@code sql} as {@code shape} (its text and values), by a kept plan or a new one; a shape
   * made from the statement's {@code literals} that does not fit is run as the statement itself.
   */
  private SqlResult run(
      String sql,
      SqlShape shape,
      boolean literals,
      boolean asksForNow,
      String knownKey,
      boolean cacheable,
      long maxRows,
      Duration timeout,
      ReadAccess access,
      StopSignal signal) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String key = shape.text();
    Binding binding = shape.parameterized() ? Binding.of(shape.values()) : Binding.NONE;
    boolean shaped = literals && shape.parameterized();
    Prepared prepared = asksForNow ? null : borrow(key, binding);
    if (prepared == null) {
      try {
        prepared = prepare(key, binding, deadline, signal);
      } catch (TidewaterException e) {
        if (!shaped || !mayBeTheShapes(e.code())) {
          throw e;
        }
        unfitShapes.put(key, true);
        return unshaped(sql, asksForNow, knownKey, cacheable, maxRows, deadline, access, signal);
      }
    }
    Prepared p = prepared;
    try {
      bind(p, shape, shaped);
      p.sources().forEach(r -> access.checkRead(r.database(), r.measurement()));
    } catch (UnfitShape e) {
      p.close();
      unfitShapes.put(key, true);
      return unshaped(sql, asksForNow, knownKey, cacheable, maxRows, deadline, access, signal);
    } catch (TidewaterException e) {
      giveBack(key, p); // the plan is fine; this caller may not run it
      throw e;
    }
    String planKey = p.planKey().key(binding, shape.values());
    if (cacheable && !planKey.equals(knownKey)) {
      // Another text with the same plan (other spacing, spelling or predicate order), or this one
      // planned anew since its routes changed.
      planKeys.put(sql, planKey);
      ResultCache.Entry hit = cache.get(planKey, catalog);
      if (hit != null) {
        giveBack(key, p);
        return SqlResult.cached(hit.columns(), hit.rows(), maxRows).readFrom(names(p.sources()));
      }
    }
    if (cacheable) {
      cache.missed();
    }
    Executions.Execution run = null;
    try {
      p.statement()
          .setQueryTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toSeconds())));
      // Taken before anything is read: a change from here on keeps the result out of the cache.
      List<Long> generations =
          cacheable
              ? tables(p.sources()).stream().map(t -> cache.generation(t.get(0), t.get(1))).toList()
              : List.of();
      AtomicBoolean flag =
          p.connection()
              .unwrap(AvaticaConnection.class)
              .getCancelFlag(p.statement().unwrap(AvaticaStatement.class).handle);
      run = executions.start(flag, deadline, maxQueryMemory, signal);
      ResultSet rows = p.statement().executeQuery();
      ResultSetMetaData meta = rows.getMetaData();
      List<SqlColumn> columns = new ArrayList<>();
      int[] types = new int[meta.getColumnCount()];
      for (int i = 0; i < types.length; i++) {
        columns.add(new SqlColumn(meta.getColumnLabel(i + 1), meta.getColumnTypeName(i + 1)));
        types[i] = meta.getColumnType(i + 1);
      }
      // The ranges read, resolved for this run's values, only where a result may be kept.
      ResultCache.Entry template =
          cacheable ? cacheEntry(p.reads(binding), columns, generations) : null;
      return SqlResult.live(
              rows,
              List.copyOf(columns),
              types,
              maxRows,
              run,
              template == null ? 0 : cache.settings().maxRowsPerEntry(),
              template == null
                  ? null
                  : kept ->
                      cache.put(
                          planKey,
                          new ResultCache.Entry(
                              template.columns(),
                              List.copyOf(kept),
                              template.reads(),
                              template.expiresAtNanos(),
                              template.generations())),
              completed -> {
                if (completed && !asksForNow) {
                  giveBack(key, p);
                } else {
                  p.close(); // a statement stopped halfway is not reused
                }
              })
          .readFrom(names(p.sources()));
    } catch (SQLException | NoSuchStatementException | RuntimeException e) {
      p.close();
      TidewaterException stopped = run == null ? null : run.failure();
      if (run != null) {
        run.close();
      }
      throw SqlErrors.stopped(stopped, e);
    }
  }

  /** Runs {@code sql} as written, within what is left of the statement's {@code deadline}. */
  private SqlResult unshaped(
      String sql,
      boolean asksForNow,
      String knownKey,
      boolean cacheable,
      long maxRows,
      long deadline,
      ReadAccess access,
      StopSignal signal) {
    Duration timeout = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
    return run(
        sql,
        new SqlShape(sql, List.of()),
        false,
        asksForNow,
        knownKey,
        cacheable,
        maxRows,
        timeout,
        access,
        signal);
  }

  /**
   * A prepared statement and what its plan was made from: the tables it reads, with their routes
   * and columns then. Reused for the same SQL while those hold (planning costs more than most
   * queries); Calcite statements are not shared between threads, so each is borrowed.
   */
  private record Prepared(
      Connection connection,
      PreparedStatement statement,
      List<ReadSource> sources,
      Map<List<String>, List<Object>> madeFrom,
      PlanKeys.Template planKey,
      PlanDecisions decisions,
      AtomicBoolean owned) {

    /** What the plan reads when run with {@code binding}. */
    List<Read> reads(Binding binding) {
      return sources.stream().map(s -> s.resolve(binding)).toList();
    }

    void close() {
      try (connection;
          statement) {
        // closes the statement, then the connection
      } catch (SQLException e) {
        // nothing left to free
      }
    }
  }

  /**
   * Plans {@code sql} (a shape's text: its time bounds are parameters, which the rules read from
   * {@code binding}), recording what the plan decided from them.
   */
  private Prepared prepare(String sql, Binding binding, long deadline, StopSignal signal) {
    Connection connection = connect();
    AtomicReference<RelRoot> plan = new AtomicReference<>();
    Executions.Execution planning =
        executions.start(new AtomicBoolean(), deadline, maxQueryMemory, signal);
    PlanDecisions decisions = PlanDecisions.recording();
    try (planning;
        Binding.Planning.Scope values = Binding.planWith(binding);
        Hook.Closeable program = usePlanningProgram(planning, true);
        Hook.Closeable hook =
            Hook.PLAN_BEFORE_IMPLEMENTATION.addThread((Consumer<RelRoot>) plan::set)) {
      PreparedStatement statement = connection.prepareStatement(sql);
      if (planning.reason() != null) {
        // Stopped after the planner's last check (while the plan was compiled).
        throw planning.failure();
      }
      List<ReadSource> sources = new ArrayList<>();
      PlanKeys.Template planKey = new PlanKeys.Template(sql, List.of());
      if (plan.get() != null) {
        collectReads(plan.get().rel, sources);
        // Printing the plan costs a few tenths of a millisecond: only for an engine keeping
        // results.
        if (cache.settings().maxEntries() > 0) {
          RelRoot root = plan.get();
          planKey = PlanKeys.template(() -> planKey(root));
        }
      }
      Prepared p =
          new Prepared(
              connection,
              statement,
              sources,
              madeFrom(sources),
              planKey,
              decisions,
              new AtomicBoolean(true));
      return p;
    } catch (SQLException | RuntimeException e) {
      close(connection);
      throw SqlErrors.stopped(planning.failure(), e);
    } finally {
      decisions.stop();
    }
  }

  /**
   * Sets the statement's parameters to the shape's values, each as its parameter's type takes it
   * (TIMESTAMP as epoch milliseconds, Calcite's own representation).
   */
  private static void bind(Prepared p, SqlShape shape, boolean fromLiterals) {
    try {
      ParameterMetaData meta = p.statement().getParameterMetaData();
      if (meta.getParameterCount() != shape.values().size()) {
        throw new TidewaterException(
            ErrorCode.BAD_REQUEST,
            "the statement has "
                + meta.getParameterCount()
                + " parameters (?) and "
                + shape.values().size()
                + " values were given");
      }
      for (int i = 0; i < shape.values().size(); i++) {
        Object value = shape.values().get(i);
        int type = meta.getParameterType(i + 1);
        if (fromLiterals && !fits(value, type)) {
          throw new UnfitShape();
        }
        if (value == null) {
          p.statement().setNull(i + 1, type);
        } else if (type == Types.TIMESTAMP) {
          p.statement().setObject(i + 1, Binding.millis(value));
        } else {
          p.statement().setObject(i + 1, value);
        }
      }
    } catch (SQLException e) {
      throw SqlErrors.translate(e);
    }
  }

  /** Whether a literal's value takes the type Calcite gave the parameter in its place. */
  private static boolean fits(Object value, int type) {
    return value instanceof Long
        ? type == Types.TIMESTAMP
        : type == Types.VARCHAR || type == Types.CHAR;
  }

  /**
   * The normalized plan results are kept by: the physical plan as Calcite prints it (every operator
   * with its expressions and literals, each part's place, resolved time range and the InfluxQL or
   * lake scan sent there) and the names of the result's columns.
   */
  private static String planKey(RelRoot root) {
    return root.validatedRowType.getFieldNames() + "\n" + RelOptUtil.toString(root.rel);
  }

  private Map<List<String>, List<Object>> madeFrom(List<ReadSource> reads) {
    return madeFrom(reads, new HashMap<>());
  }

  /** As above, with the tables' state taken from {@code now} where it was looked up already. */
  private Map<List<String>, List<Object>> madeFrom(
      List<ReadSource> reads, Map<List<String>, List<Object>> now) {
    Map<List<String>, List<Object>> state = new HashMap<>();
    for (ReadSource r : reads) {
      List<String> table = List.of(r.database(), r.measurement());
      state.put(
          table,
          now.computeIfAbsent(
              table,
              t ->
                  List.of(catalog.routes(t.get(0), t.get(1)), catalog.schema(t.get(0), t.get(1)))));
    }
    return state;
  }

  /**
   * An idle plan of {@code sql} (a shape) made from the routes and columns of now whose decisions
   * hold for {@code binding}; null if there is none (counted as a miss, or a re-plan where plans of
   * the shape exist but decided otherwise).
   */
  private Prepared borrow(String sql, Binding binding) {
    Deque<Prepared> idle = plans.getIfPresent(sql);
    boolean decidedOtherwise = false;
    if (idle != null) {
      Map<List<String>, List<Object>> now = new HashMap<>();
      for (Prepared p : idle) {
        if (!p.owned().compareAndSet(false, true)) {
          continue; // borrowed, or being closed by an eviction
        }
        if (!p.madeFrom().equals(madeFrom(p.sources(), now))) {
          idle.remove(p);
          p.close(); // routes or columns changed since it was planned
          continue;
        }
        if (!p.decisions().holdFor(binding)) {
          decidedOtherwise = true; // right for other values: left for them
          p.owned().set(false);
          if (plans.getIfPresent(sql) != idle && p.owned().compareAndSet(false, true)) {
            idle.remove(p); // evicted meanwhile, skipped as borrowed: nobody else will close it
            p.close();
          }
          continue;
        }
        idle.remove(p);
        reused.increment();
        return p;
      }
    }
    (decidedOtherwise ? replanned : unknownShape).increment();
    return null;
  }

  /** Whether a kept plan of {@code sql} (a shape) fits {@code binding}; none is borrowed. */
  private boolean planKept(String sql, Binding binding) {
    Deque<Prepared> idle = plans.getIfPresent(sql);
    if (idle == null) {
      return false;
    }
    for (Prepared p : idle) {
      if (p.madeFrom().equals(madeFrom(p.sources())) && p.decisions().holdFor(binding)) {
        return true;
      }
    }
    return false;
  }

  private void giveBack(String sql, Prepared p) {
    Deque<Prepared> idle = plans.get(sql, k -> new ConcurrentLinkedDeque<>());
    if (idle.size() >= MAX_PLANS_PER_SHAPE) {
      p.close();
      return;
    }
    p.owned().set(false);
    idle.addFirst(p);
    // Weighed again by its number of plans.
    plans.asMap().replace(sql, idle, idle);
    if (plans.getIfPresent(sql) != idle && p.owned().compareAndSet(false, true)) {
      idle.remove(p); // evicted meanwhile: nobody else will close it
      p.close();
    }
  }

  /**
   * Tells the engine a measurement's data changed (an export commit, a tier move, retention, CDC):
   * what is remembered of it and results read from it are dropped.
   */
  public void dataChanged(String database, String measurement) {
    catalog.invalidate(database, measurement);
    cache.invalidate(database, measurement);
  }

  /**
   * Tells the engine that a lake window of a measurement was committed: what is remembered of the
   * measurement is dropped, and the results that read {@code window} from the lake (only those: a
   * micro-batch commit every few seconds leaves other ranges' results in place).
   */
  public void dataChanged(String database, String measurement, TimeRange window) {
    catalog.invalidate(database, measurement);
    cache.invalidate(database, measurement, window);
  }

  /** The lake scans' kept answers (with the result cache; off without it). */
  public LakeParts lakeParts() {
    return lakeParts;
  }

  /** The result cache: its statistics, and invalidation when data changes. */
  public ResultCache cache() {
    return cache;
  }

  private static List<String> names(List<ReadSource> reads) {
    return tables(reads).stream().map(t -> t.get(0) + "." + t.get(1)).toList();
  }

  /** The tables (database, measurement) a plan reads, each once, in the order it reads them. */
  private static List<List<String>> tables(List<ReadSource> reads) {
    Set<List<String>> tables = new LinkedHashSet<>();
    reads.forEach(r -> tables.add(List.of(r.database(), r.measurement())));
    return List.copyOf(tables);
  }

  /**
   * What a cache entry for this plan must remember (the tables it read and their routes, its
   * expiry), or null if its result must not be cached: it reads InfluxDB's last minutes.
   */
  private ResultCache.Entry cacheEntry(
      List<Read> reads, List<SqlColumn> columns, List<Long> generations) {
    long freshFrom =
        Math.multiplyExact(
            catalog.clock().millis() - cache.settings().freshMargin().toMillis(), 1_000_000L);
    boolean influx = false;
    Map<List<String>, List<TimeRange>> tables = new LinkedHashMap<>();
    for (Read r : reads) {
      List<TimeRange> lakeRanges =
          tables.computeIfAbsent(List.of(r.database(), r.measurement()), t -> new ArrayList<>());
      if (r.place() == Place.LAKE && !r.range().isEmpty()) {
        lakeRanges.add(r.range());
      }
      if (r.place() == Place.INFLUXDB && !r.range().isEmpty()) {
        if (r.range().to() > freshFrom) {
          return null;
        }
        influx = true;
      }
    }
    List<ResultCache.Read> cacheReads = new ArrayList<>();
    tables.forEach(
        (t, lakeRanges) ->
            cacheReads.add(
                new ResultCache.Read(
                    t.get(0),
                    t.get(1),
                    catalog.routes(t.get(0), t.get(1)),
                    catalog.schema(t.get(0), t.get(1)),
                    List.copyOf(lakeRanges))));
    Duration ttl = influx ? cache.settings().influxTtl() : cache.settings().lakeTtl();
    return new ResultCache.Entry(
        columns, List.of(), cacheReads, System.nanoTime() + ttl.toNanos(), generations);
  }

  /** The plan of {@code sql} and, for each part, its place, time range and what is sent there. */
  public SqlExplanation explain(String text) {
    return explain(text, ReadAccess.ALL);
  }

  /**
   * The plan of {@code sql} for a caller who may read what {@code access} allows (FORBIDDEN
   * otherwise).
   */
  public SqlExplanation explain(String text, ReadAccess access) {
    String sql = SqlRewrite.rewrite(text, PARSER);
    Connection connection = connect();
    AtomicReference<RelNode> plan = new AtomicReference<>();
    try (Hook.Closeable program = usePlanningProgram(null, false);
        Hook.Closeable hook =
            Hook.PLAN_BEFORE_IMPLEMENTATION.addThread(
                (Consumer<RelRoot>) root -> plan.set(root.rel))) {
      connection.prepareStatement(sql).close();
    } catch (SQLException | RuntimeException e) {
      throw SqlErrors.translate(e);
    } finally {
      close(connection);
    }
    List<ReadSource> sources = new ArrayList<>();
    collectReads(plan.get(), sources);
    List<Read> reads = sources.stream().map(r -> r.resolve(Binding.NONE)).toList();
    reads.forEach(r -> access.checkRead(r.database(), r.measurement()));
    List<SqlExplanation.Part> parts =
        reads.stream()
            .map(
                r ->
                    new SqlExplanation.Part(
                        r.place(),
                        r.database() + "." + r.measurement(),
                        r.range().toString(),
                        r.resolution(),
                        r.pushed()))
            .toList();
    SqlShape shape = shapes ? SqlShape.of(sql, PARSER) : new SqlShape(sql, List.of());
    Binding binding = shape.parameterized() ? Binding.of(shape.values()) : Binding.NONE;
    return new SqlExplanation(
        RelOptUtil.toString(plan.get()),
        parts,
        shape.text(),
        shape.values().stream()
            .map(v -> v instanceof Long ms ? Instant.ofEpochMilli(ms).toString() : (String) v)
            .toList(),
        !ResultCache.asksForNow(sql) && planKept(shape.text(), binding));
  }

  /** Every table SQL can name, with its columns. */
  public List<TableInfo> tables() {
    return tables(ReadAccess.ALL);
  }

  /** The tables of the databases {@code access} allows reading, with their columns. */
  public List<TableInfo> tables(ReadAccess access) {
    List<TableInfo> tables = new ArrayList<>();
    for (String db : catalog.databases()) {
      if (!access.mayRead(db)) {
        continue;
      }
      for (String m : catalog.measurements(db)) {
        List<SqlColumn> columns = columns(catalog.schema(db, m));
        tables.add(new TableInfo(List.of(db, m), "routed", columns));
        tables.add(new TableInfo(List.of(SchemaNames.INFLUXDB, db, m), "influxdb", columns));
        tables.add(new TableInfo(List.of(SchemaNames.LAKE, db, m), "lake", columns));
        for (Resolution r : catalog.rollupResolutions()) {
          tables.add(
              new TableInfo(
                  List.of(SchemaNames.rollupSchema(r), db, m),
                  "rollup " + r.name(),
                  columns(catalog.rollupSchema(db, m, r))));
        }
      }
    }
    return tables;
  }

  private static List<SqlColumn> columns(MeasurementSchema schema) {
    List<SqlColumn> columns = new ArrayList<>();
    columns.add(new SqlColumn("time", "TIMESTAMP"));
    schema.tags().forEach(t -> columns.add(new SqlColumn(t, "VARCHAR")));
    schema
        .fields()
        .forEach(
            f ->
                columns.add(
                    new SqlColumn(f.name(), MeasurementColumns.sqlType(f.type()).getName())));
    return columns;
  }

  /** A table SQL can name: its path, what it reads, and its columns. */
  public record TableInfo(List<String> path, String kind, List<SqlColumn> columns) {}

  /** One read of a source in a physical plan, built for a run's parameter values. */
  private record ReadSource(
      Place place,
      String database,
      String measurement,
      String resolution,
      Function<Binding, ? extends ScanQuery> query) {

    Read resolve(Binding binding) {
      ScanQuery q = query.apply(binding);
      if (q instanceof InfluxQuery influx) {
        return new Read(
            place,
            database,
            measurement,
            influx.range(),
            resolution,
            influx.empty() ? "(empty time range: nothing sent)" : influx.explained());
      }
      LakeQuery lake = (LakeQuery) q;
      return new Read(place, database, measurement, lake.range(), resolution, lake.describe());
    }
  }

  /** One read of a source in a physical plan. */
  private record Read(
      Place place,
      String database,
      String measurement,
      TimeRange range,
      String resolution,
      String pushed) {}

  private void collectReads(RelNode node, List<ReadSource> reads) {
    if (node instanceof InfluxToEnumerableConverter influx) {
      List<String> table = influx.tableName();
      reads.add(
          new ReadSource(Place.INFLUXDB, table.get(1), table.get(2), "raw", influx.scanBuilder()));
      return;
    }
    if (node instanceof LakeToEnumerableConverter lake) {
      List<String> table = lake.tableName();
      String resolution =
          SchemaNames.rollupResolution(table.get(0)).map(Resolution::name).orElse("raw");
      reads.add(
          new ReadSource(Place.LAKE, table.get(1), table.get(2), resolution, lake.scanBuilder()));
      return;
    }
    for (RelNode input : node.getInputs()) {
      collectReads(input, reads);
    }
  }

  /**
   * Plans made on this thread prune routed tables' parts first ({@link RoutePruning}); the
   * cost-based planner stops when {@code planning} is stopped, and plans to run get guards that
   * stop their execution ({@link ExecutionGuard}).
   */
  private Hook.Closeable usePlanningProgram(Executions.Execution planning, boolean guards) {
    Program program =
        Programs.sequence(
            (planner, rel, traits, materializations, lattices) -> {
              if (planning != null) {
                planner.setCancelFlag(new CancelFlag(planning.flag()));
              }
              return rel;
            },
            RoutePruning.PROGRAM,
            (planner, rel, traits, materializations, lattices) ->
                guards ? ExecutionGuard.insert(rel, executions) : rel);
    Hook.Closeable programHook =
        Hook.PROGRAM.addThread((Consumer<Holder<Program>>) holder -> holder.set(program));
    // The InfluxQL translation's table hint (InfluxQlGroups) reaches the tables it names.
    Hook.Closeable hints =
        Hook.SQL2REL_CONVERTER_CONFIG_BUILDER.addThread(
            (Consumer<Holder<SqlToRelConverter.Config>>)
                holder ->
                    holder.set(holder.get().withHintStrategyTable(InfluxQlGroups.STRATEGIES)));
    return () -> {
      hints.close();
      programHook.close();
    };
  }

  /** How plans were found for statements so far (the result cache's hits not counted). */
  public record PlanReuse(long reused, long unknownShape, long replanned) {}

  /** How plans were found for statements so far. */
  public PlanReuse planReuse() {
    return new PlanReuse(reused.sum(), unknownShape.sum(), replanned.sum());
  }

  /**
   * With false, each statement text is planned on its own (as before query shapes): for tests
   * comparing a reused plan's answers with a fresh plan's.
   */
  void planShapes(boolean on) {
    this.shapes = on;
  }

  /** How many statements were stopped for {@code reason} so far. */
  public long stopped(StopReason reason) {
    return executions.stopped(reason);
  }

  /** How long statements gave way to more urgent work so far, in seconds. */
  public double yieldedSeconds() {
    return executions.yieldedNanos() / 1e9;
  }

  /** How many statements are being planned or run now. */
  public int running() {
    return executions.running();
  }

  /** How many statements are being run now (planned and compiled, reading rows). */
  public int executing() {
    return executions.executing();
  }

  /**
   * Stops every statement planning or running, and any started later, with QUERY_CANCELLED (the
   * gateway is shutting down).
   */
  public void shutdown() {
    executions.shutdown();
  }

  private Connection connect() {
    Properties info = new Properties();
    info.setProperty(CalciteConnectionProperty.QUOTING.camelName(), PARSER.quoting().name());
    info.setProperty(
        CalciteConnectionProperty.UNQUOTED_CASING.camelName(), PARSER.unquotedCasing().name());
    info.setProperty(
        CalciteConnectionProperty.QUOTED_CASING.camelName(), PARSER.quotedCasing().name());
    info.setProperty(
        CalciteConnectionProperty.CASE_SENSITIVE.camelName(),
        String.valueOf(PARSER.caseSensitive()));
    info.setProperty(
        CalciteConnectionProperty.CONFORMANCE.camelName(),
        ((SqlConformanceEnum) PARSER.conformance()).name());
    info.setProperty(CalciteConnectionProperty.TIME_ZONE.camelName(), "UTC");
    info.setProperty("typeSystem", TidewaterTypeSystem.class.getName() + "#INSTANCE");
    try {
      Connection connection = DriverManager.getConnection("jdbc:calcite:", info);
      var root = connection.unwrap(CalciteConnection.class).getRootSchema();
      // Calcite's own "metadata" schema would list every table of every database to any caller:
      // removed, so the listing is tables(access), limited to what the caller may read.
      CalciteSchema.from(root).removeSubSchema("metadata");
      TidewaterSchemas.addTo(root, catalog, lakeParts);
      for (Method m : DateBin.class.getMethods()) {
        if (m.getName().equals("bin")) {
          root.add(DateBin.FUNCTION, ScalarFunctionImpl.create(m));
        }
      }
      root.add(
          InfluxWindow.FUNCTION,
          ScalarFunctionImpl.create(
              InfluxWindow.class.getMethod(
                  "start", long.class, long.class, String.class, Timestamp.class)));
      root.add(
          RegexMatch.MATCHES,
          ScalarFunctionImpl.create(
              RegexMatch.class.getMethod("matches", String.class, String.class)));
      root.add(
          RegexMatch.NOT_MATCHES,
          ScalarFunctionImpl.create(
              RegexMatch.class.getMethod("notMatches", String.class, String.class)));
      StatisticalAggregates.FUNCTIONS.forEach(
          (name, implementation) -> root.add(name, AggregateFunctionImpl.create(implementation)));
      InfluxSelectors.FUNCTIONS.forEach(
          (name, implementation) -> root.add(name, AggregateFunctionImpl.create(implementation)));
      InfluxMode.FUNCTIONS.forEach(
          (name, implementation) -> root.add(name, AggregateFunctionImpl.create(implementation)));
      return connection;
    } catch (SQLException e) {
      throw SqlErrors.translate(e);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void close(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      // nothing left to free
    }
  }
}
