package io.tidewater.gateway;

import io.tidewater.federation.FederationCatalog;
import io.tidewater.federation.SqlEngine;
import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.lake.Ledger;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The federated SQL engine over the configured InfluxDB, lake and policies. */
public class FederationBeans {

  @Produces
  @Singleton
  SqlEngine sqlEngine(InfluxClient influx, Ledger ledger, PolicyRegistry policies, Clock clock, TidewaterConfig config) {
    return new SqlEngine(new FederationCatalog(influx, ledger, policies.policies(), clock, config.query().metadataTtl()));
  }
}
