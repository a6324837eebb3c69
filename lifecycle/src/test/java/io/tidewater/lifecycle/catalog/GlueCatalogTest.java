package io.tidewater.lifecycle.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.lifecycle.lake.Ledger;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.lake.WindowWriter;
import io.tidewater.lifecycle.parquet.FieldColumn;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.lifecycle.parquet.SeriesRows;
import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.TestStores;
import io.tidewater.policy.Compression;
import io.tidewater.policy.Durations;
import io.tidewater.policy.LakeOptions;
import io.tidewater.policy.PartitionGranularity;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.StorageClass;
import io.tidewater.policy.TimestampPrecision;
import io.tidewater.policy.Window;
import io.tidewater.policy.rollup.FieldType;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.glue.GlueClient;

/**
 * Glue registration, checked at the HTTP level against the Glue API's shapes (no Glue server can
 * run here): database, table with Athena types and partition keys, partitions in batches, columns
 * updated when a field appears, nothing registered twice.
 */
class GlueCatalogTest {

  @TempDir Path temp;

  static final LakeOptions BY_HOST =
      new LakeOptions(
          PartitionGranularity.HOUR, List.of("host"), Compression.ZSTD, TimestampPrecision.MICROS);

  @Test
  void windowsAreRegisteredAsTablesAndPartitions() throws Exception {
    try (FakeGlue fake = new FakeGlue();
        GlueClient glue =
            GlueClient.builder()
                .endpointOverride(fake.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
                .httpClient(ApacheHttpClient.create())
                .build()) {
      Ledger ledger = new Ledger(TestStores.s3());
      WindowWriter writer = new WindowWriter(ledger, temp, Clock.systemUTC());
      GlueCatalog catalog =
          new GlueCatalog(glue, (LakeLocation.S3) TestStores.s3().location(), "tw_");
      String db = "Telegraf-" + UUID.randomUUID().toString().substring(0, 8);
      Window w =
          new Window(Instant.parse("2025-01-15T07:00:00Z"), Instant.parse("2025-01-15T09:00:00Z"));

      MeasurementSchema v1 =
          new MeasurementSchema(
              "CPU Load",
              List.of("host", "region"),
              List.of(
                  new FieldColumn("usage user", FieldType.FLOAT),
                  new FieldColumn("n", FieldType.INTEGER)));
      WindowVersion first =
          writer
              .prepare(db, rows(v1, w, 3), Resolution.RAW, w, BY_HOST, StorageClass.STANDARD)
              .commit();
      catalog.register(first, BY_HOST);
      catalog.register(first, BY_HOST); // again: nothing new

      String table = "tw_" + db.toLowerCase().replace('-', '_') + ".cpu_load";
      assertEquals(List.of(), fake.violations);
      assertTrue(fake.tables.containsKey(table), fake.tables.keySet().toString());
      var stored = fake.tables.get(table);
      assertEquals(
          "[{\"Name\":\"time\",\"Type\":\"timestamp\"},{\"Name\":\"region\",\"Type\":\"string\"},"
              + "{\"Name\":\"n\",\"Type\":\"bigint\"},{\"Name\":\"usage_user\",\"Type\":\"double\"}]",
          stored.path("StorageDescriptor").path("Columns").toString());
      assertEquals(
          "[{\"Name\":\"day\",\"Type\":\"string\"},{\"Name\":\"hour\",\"Type\":\"string\"},"
              + "{\"Name\":\"host\",\"Type\":\"string\"}]",
          stored.path("PartitionKeys").toString());
      // 2 hours x 3 hosts.
      assertEquals(6, fake.partitions.get(table).size());
      assertTrue(fake.partitions.get(table).contains(List.of("2025-01-15", "08", "host-2")));
      assertEquals(1, fake.operations.stream().filter("CreateTable"::equals).count());

      // A new field: the table's columns grow (UpdateTable); earlier files read NULL there.
      MeasurementSchema v2 =
          v1.union(
              new MeasurementSchema(
                  "CPU Load", List.of("host"), List.of(new FieldColumn("temp", FieldType.FLOAT))));
      WindowVersion second =
          writer
              .prepare(db, rows(v2, w, 2), Resolution.RAW, w, BY_HOST, StorageClass.STANDARD)
              .commit();
      catalog.register(second, BY_HOST);
      assertEquals(List.of(), fake.violations);
      assertEquals(1, fake.operations.stream().filter("UpdateTable"::equals).count());
      assertTrue(
          fake.tables
              .get(table)
              .path("StorageDescriptor")
              .path("Columns")
              .toString()
              .contains("{\"Name\":\"temp\",\"Type\":\"double\"}"));
      assertEquals(
          Set.of(
              "GetDatabase",
              "CreateDatabase",
              "GetTable",
              "CreateTable",
              "UpdateTable",
              "BatchCreatePartition"),
          Set.copyOf(fake.operations));
    }
  }

  private static SeriesRows rows(MeasurementSchema schema, Window w, int hosts) {
    SeriesRows rows = new SeriesRows(schema);
    for (long t = Durations.epochNanos(w.start());
        t < Durations.epochNanos(w.end());
        t += 600_000_000_000L) {
      for (int h = 0; h < hosts; h++) {
        rows.startRow(t);
        rows.tag(schema.tagIndex("host"), "host-" + h);
        rows.setDouble(schema.fieldIndex("usage user"), h);
      }
    }
    return rows;
  }
}
