package io.tidewater.gateway;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.configuration.MemorySize;
import io.tidewater.federation.FederationCatalog;
import io.tidewater.federation.ResultCache;
import io.tidewater.federation.SqlEngine;
import io.tidewater.federation.StopReason;
import io.tidewater.federation.influxql.InfluxQLEngine;
import io.tidewater.lifecycle.cdc.ChangeCapture;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.lake.Ledger;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

/** The federated SQL engine over the configured InfluxDB, lake and policies. */
public class FederationBeans {

  @Produces
  @Singleton
  FederationCatalog catalog(
      InfluxClient influx,
      Ledger ledger,
      PolicyRegistry policies,
      Clock clock,
      TidewaterConfig config,
      ChangeCapture changes) {
    Duration metadataLimit = config.query().metadataLimit();
    if (metadataLimit.isNegative() || metadataLimit.isZero()) {
      throw new IllegalArgumentException(
          "tidewater.query.metadata-limit must be longer than zero, not " + metadataLimit);
    }
    return new FederationCatalog(
        influx,
        ledger,
        policies.policies(),
        clock,
        config.query().metadataTtl(),
        changes,
        metadataLimit);
  }

  @Produces
  @Singleton
  SqlEngine sqlEngine(
      FederationCatalog catalog,
      TidewaterConfig config,
      MeterRegistry metrics,
      WriteThreads writes) {
    TidewaterConfig.Query.Cache cache = config.query().cache();
    SqlEngine engine =
        new SqlEngine(
            catalog,
            new ResultCache.Settings(
                cache.maxEntries(),
                cache.maxRows(),
                cache.influxTtl(),
                cache.lakeTtl(),
                cache.freshMargin(),
                cache.maxBytes().asLongValue()),
            config
                .query()
                .maxMemory()
                .map(MemorySize::asLongValue)
                .orElse(SqlEngine.DEFAULT_MAX_QUERY_MEMORY),
            // Statements give way while writes are received, so acknowledgements do not wait
            // for the cores behind them.
            writes::receiving);
    FunctionCounter.builder("tidewater_query_cache_hits", engine.cache(), c -> c.hits())
        .description("Queries answered from the result cache")
        .register(metrics);
    FunctionCounter.builder("tidewater_query_cache_misses", engine.cache(), c -> c.misses())
        .description("Cacheable queries not found in the result cache")
        .register(metrics);
    FunctionCounter.builder("tidewater_query_lake_part_hits", engine.lakeParts(), p -> p.hits())
        .description("Lake scans answered from kept parts (their windows unchanged)")
        .register(metrics);
    Gauge.builder("tidewater_query_cache_entries", engine.cache(), c -> c.size())
        .description("Results kept in the result cache")
        .register(metrics);
    FunctionCounter.builder("tidewater_query_yielded_seconds", engine, e -> e.yieldedSeconds())
        .description("Time SQL statements paused to let writes being received run")
        .register(metrics);
    FunctionCounter.builder("tidewater_query_plans_reused", engine, e -> e.planReuse().reused())
        .description("Statements run by the plan of their query shape (no planning)")
        .register(metrics);
    FunctionCounter.builder(
            "tidewater_query_plans_new_shape", engine, e -> e.planReuse().unknownShape())
        .description("Statements planned because no plan of their shape was kept")
        .register(metrics);
    FunctionCounter.builder(
            "tidewater_query_plans_replanned", engine, e -> e.planReuse().replanned())
        .description(
            "Statements planned because their shape's plans decided otherwise for their values"
                + " (a range crossing the split, a rollup no longer aligned)")
        .register(metrics);
    for (StopReason reason : StopReason.values()) {
      FunctionCounter.builder("tidewater_query_stopped", engine, e -> e.stopped(reason))
          .tag("reason", reason.name().toLowerCase(Locale.ROOT))
          .description("SQL statements stopped before their end (timeout, client gone, ...)")
          .register(metrics);
    }
    return engine;
  }

  /** InfluxQL ({@code /query}) over the same engine and catalog. */
  @Produces
  @Singleton
  InfluxQLEngine influxQl(SqlEngine engine, FederationCatalog catalog) {
    return new InfluxQLEngine(engine, catalog);
  }
}
