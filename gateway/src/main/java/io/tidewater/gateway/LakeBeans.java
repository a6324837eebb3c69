package io.tidewater.gateway;

import io.tidewater.lifecycle.influx.InfluxClient;
import io.tidewater.lifecycle.influx.InfluxConnection;
import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.LakeStores;
import io.tidewater.lifecycle.store.azure.AzureStoreConfig;
import io.tidewater.lifecycle.store.s3.S3StoreConfig;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The lake store, its ledger and the InfluxDB client, built once from the configuration. */
public class LakeBeans {

  @Produces
  @Singleton
  LakeStore store(TidewaterConfig config) {
    TidewaterConfig.Lake lake = config.lake();
    return LakeStores.open(
        LakeLocation.parse(lake.uri()),
        () ->
            new S3StoreConfig(
                lake.s3().endpoint(),
                lake.s3().pathStyle(),
                lake.s3().region(),
                lake.s3().accessKey(),
                lake.s3().secretKey(),
                64 * S3StoreConfig.MIB,
                16 * S3StoreConfig.MIB),
        () ->
            new AzureStoreConfig(
                lake.azure().blobEndpoint(),
                lake.azure().connectionString(),
                lake.azure().accountKey(),
                lake.azure().sasToken(),
                64 * AzureStoreConfig.MIB,
                16 * AzureStoreConfig.MIB));
  }

  void close(@Disposes LakeStore store) {
    store.close();
  }

  @Produces
  @Singleton
  Ledger ledger(LakeStore store) {
    return new Ledger(store);
  }

  @Produces
  @Singleton
  InfluxClient influx(TidewaterConfig config) {
    TidewaterConfig.Influx influx = config.influx();
    return new InfluxClient(
        new InfluxConnection(
            influx.url(),
            influx.token(),
            influx.username(),
            influx.password(),
            influx.timeout(),
            influx.silence(),
            influx.chunkSize(),
            influx.format()));
  }

  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }
}
