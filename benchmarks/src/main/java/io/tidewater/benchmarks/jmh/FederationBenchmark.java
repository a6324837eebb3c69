package io.tidewater.benchmarks.jmh;

import io.tidewater.benchmarks.FederationFixture;
import io.tidewater.federation.ResultCache;
import io.tidewater.federation.SqlEngine;
import io.tidewater.federation.SqlExplanation;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The federation engine over a real influxd and a local lake ({@link FederationFixture}: 100 hosts,
 * 4 hours at 10 s exported, the same in a database that stays hot): planning with InfluxQL
 * generation (EXPLAIN plans from scratch each time), a lake aggregate executed, and result-cache
 * hits (engine call and rows read, server side).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FederationBenchmark {

  private FederationFixture fixture;
  private SqlEngine engine;
  private SqlEngine cached;
  private String hotAggregate;
  private String lakeAggregate;
  private String lakeRange;

  @Setup
  public void setUp() throws Exception {
    fixture = FederationFixture.start(1_440, 1_440);
    engine = new SqlEngine(fixture.catalog);
    cached =
        new SqlEngine(
            fixture.catalog,
            new ResultCache.Settings(
                100, 10_000, Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofMinutes(5)));
    hotAggregate =
        "SELECT FLOOR(\"time\" TO HOUR), host, AVG(\"user\"), MAX(\"user\") FROM \""
            + fixture.hotDatabase
            + "\".cpu WHERE host IN ('host-7', 'host-8') AND \"time\" >= TIMESTAMP '2025-01-01 00:00:00'"
            + " AND \"time\" < TIMESTAMP '2025-01-01 04:00:00' GROUP BY FLOOR(\"time\" TO HOUR), host";
    lakeAggregate =
        "SELECT host, AVG(\"user\"), MIN(\"user\"), MAX(\"user\") FROM lake.\""
            + fixture.database
            + "\".cpu GROUP BY host";
    lakeRange =
        "SELECT \"time\", \"user\" FROM lake.\""
            + fixture.database
            + "\".cpu WHERE host = 'host-3'"
            + " AND \"time\" >= TIMESTAMP '2025-01-01 01:00:00' AND \"time\" < TIMESTAMP '2025-01-01 02:00:00'";
    FederationFixture.drain(cached, lakeAggregate);
  }

  @TearDown
  public void tearDown() {
    fixture.close();
  }

  /**
   * Parse, validate, route, push down into InfluxQL, optimize: the planning cost of a hot query.
   */
  @Benchmark
  public SqlExplanation planHotAggregate() {
    return engine.explain(hotAggregate);
  }

  /** The same for a lake query with its scan pruned to one series' hour. */
  @Benchmark
  public SqlExplanation planLakeRange() {
    return engine.explain(lakeRange);
  }

  private long shift;

  /**
   * A statement of a shape planned before, with new time bounds at every call (a dashboard's
   * refresh): the shape found, its plan's decisions checked and the values bound, then run over an
   * empty range (nothing is asked of InfluxDB), so this is what a repeated shape costs before its
   * scans read. Compare {@link #planHotAggregate}, the planning it saves.
   */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime) // percentiles: the goal is a p50
  public long repeatedShapeNewRange() {
    long hour = 1 + shift++ % 20;
    String bound = "TIMESTAMP '2025-01-01 " + (hour < 10 ? "0" : "") + hour + ":00:00'";
    return FederationFixture.drain(
        engine,
        hotAggregate
            .replace("TIMESTAMP '2025-01-01 00:00:00'", bound)
            .replace("TIMESTAMP '2025-01-01 04:00:00'", bound));
  }

  /** A lake aggregate over 144,000 rows, executed (plan reused after the first call). */
  @Benchmark
  public long lakeAggregate() {
    return FederationFixture.drain(engine, lakeAggregate);
  }

  /** The same query answered from the result cache. */
  @Benchmark
  public long cacheHit() {
    return FederationFixture.drain(cached, lakeAggregate);
  }
}
