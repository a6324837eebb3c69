package io.tidewater.gateway;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidewater.federation.FederationCatalog;
import io.tidewater.federation.ResultCache;
import io.tidewater.federation.SqlEngine;
import io.tidewater.lifecycle.cdc.ChangeCapture;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.lake.Ledger;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;

/** The federated SQL engine over the configured InfluxDB, lake and policies. */
public class FederationBeans {

  @Produces
  @Singleton
  SqlEngine sqlEngine(
      InfluxClient influx,
      Ledger ledger,
      PolicyRegistry policies,
      Clock clock,
      TidewaterConfig config,
      MeterRegistry metrics,
      ChangeCapture changes) {
    TidewaterConfig.Query.Cache cache = config.query().cache();
    Duration metadataLimit = config.query().metadataLimit();
    if (metadataLimit.isNegative() || metadataLimit.isZero()) {
      throw new IllegalArgumentException(
          "tidewater.query.metadata-limit must be longer than zero, not " + metadataLimit);
    }
    SqlEngine engine =
        new SqlEngine(
            new FederationCatalog(
                influx,
                ledger,
                policies.policies(),
                clock,
                config.query().metadataTtl(),
                changes,
                metadataLimit),
            new ResultCache.Settings(
                cache.maxEntries(),
                cache.maxRows(),
                cache.influxTtl(),
                cache.lakeTtl(),
                cache.freshMargin()));
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
    return engine;
  }
}
