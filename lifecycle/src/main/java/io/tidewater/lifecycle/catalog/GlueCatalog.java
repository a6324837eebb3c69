package io.tidewater.lifecycle.catalog;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import io.tidewater.lifecycle.lake.DataFile;
import io.tidewater.lifecycle.lake.LakeLayout;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.parquet.FieldColumn;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.policy.LakeOptions;
import io.tidewater.policy.PartitionGranularity;
import io.tidewater.policy.Resolution;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.GlueClientBuilder;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.PartitionInput;
import software.amazon.awssdk.services.glue.model.StorageDescriptor;
import software.amazon.awssdk.services.glue.model.Table;
import software.amazon.awssdk.services.glue.model.TableInput;

/**
 * Registers committed windows in AWS Glue so Athena, Trino and Spark query the lake without a
 * crawler: a database per InfluxDB database, a table per measurement and resolution (Athena types,
 * Hive partition keys), its columns updated when fields or tags appear, and the window's partitions
 * added in batches. Glue names are lower case: other characters become '_'.
 */
public final class GlueCatalog {

  static final int PARTITION_BATCH = 100; // BatchCreatePartition's limit

  private final GlueClient glue;
  private final LakeLocation.S3 lake;
  private final String databasePrefix;

  public GlueCatalog(GlueClient glue, LakeLocation.S3 lake, String databasePrefix) {
    this.glue = glue;
    this.lake = lake;
    this.databasePrefix = databasePrefix;
  }

  /** Where Glue is and how its databases are named. */
  public record Settings(Optional<URI> endpoint, Optional<String> region, String databasePrefix) {}

  /**
   * A catalog for the lake at {@code location} through a Glue client made from {@code settings}
   * (the AWS default credential chain); INVALID_LAKE_CONFIG unless the lake is on S3.
   */
  public static GlueCatalog connect(Settings settings, LakeLocation location) {
    if (!(location instanceof LakeLocation.S3 s3)) {
      throw new TidewaterException(
          ErrorCode.INVALID_LAKE_CONFIG,
          "tidewater.catalog.glue.enabled needs an s3:// lake;" + " the lake is " + location.uri());
    }
    GlueClientBuilder builder = GlueClient.builder().httpClientBuilder(ApacheHttpClient.builder());
    settings.endpoint().ifPresent(builder::endpointOverride);
    settings.region().map(Region::of).ifPresent(builder::region);
    return new GlueCatalog(builder.build(), s3, settings.databasePrefix());
  }

  /**
   * Makes sure the version's table exists with its columns and its partitions are registered. One
   * registration at a time: windows are committed in parallel, and two first commits of a table
   * would both create it (one failing), two new columns both update it (one lost).
   */
  public synchronized void register(WindowVersion v, LakeOptions options) {
    if (v.deleted() || v.files().isEmpty()) {
      return;
    }
    String database = name(databasePrefix + v.database());
    String table =
        name(v.measurement() + (v.resolution().equals("raw") ? "" : "_" + v.resolution()));
    ensureDatabase(database);
    List<Column> partitionKeys = partitionKeys(options);
    List<Column> columns = columns(v.schema(), options);
    String location =
        lake.uri()
            + "/"
            + LakeLayout.resolutionPrefix(
                v.database(), v.measurement(), Resolution.parse(v.resolution()));
    TableInput input =
        TableInput.builder()
            .name(table)
            .tableType("EXTERNAL_TABLE")
            .parameters(
                Map.of(
                    "classification",
                    "parquet",
                    "EXTERNAL",
                    "TRUE",
                    "tidewater.measurement",
                    v.measurement()))
            .partitionKeys(partitionKeys)
            .storageDescriptor(storage(location, columns))
            .build();
    Table existing = getTable(database, table);
    if (existing == null) {
      glue.createTable(b -> b.databaseName(database).tableInput(input));
    } else if (!existing.storageDescriptor().columns().containsAll(columns)) {
      // New fields or tags: the union, so files written before still read (NULL in new columns).
      List<Column> union = new ArrayList<>(existing.storageDescriptor().columns());
      columns.stream().filter(c -> !union.contains(c)).forEach(union::add);
      glue.updateTable(
          b ->
              b.databaseName(database)
                  .tableInput(
                      input.toBuilder().storageDescriptor(storage(location, union)).build()));
    }
    addPartitions(database, table, partitionKeys, v, location);
  }

  private void addPartitions(
      String database, String table, List<Column> keys, WindowVersion v, String location) {
    Set<String> folders = new TreeSet<>();
    String prefix =
        LakeLayout.resolutionPrefix(
            v.database(), v.measurement(), Resolution.parse(v.resolution()));
    for (DataFile f : v.files()) {
      String relative = f.key().substring(prefix.length());
      folders.add(relative.substring(0, relative.lastIndexOf('/')));
    }
    List<PartitionInput> inputs = new ArrayList<>();
    for (String folder : folders) {
      List<String> values = new ArrayList<>();
      for (String part : folder.split("/")) {
        values.add(unescape(part.substring(part.indexOf('=') + 1)));
      }
      if (values.size() != keys.size()) {
        throw new IllegalStateException(
            "partition folder " + folder + " does not match the keys " + keys);
      }
      inputs.add(
          PartitionInput.builder()
              .values(values)
              .storageDescriptor(storage(location + folder + "/", List.of()))
              .build());
    }
    for (int i = 0; i < inputs.size(); i += PARTITION_BATCH) {
      List<PartitionInput> batch = inputs.subList(i, Math.min(inputs.size(), i + PARTITION_BATCH));
      var response =
          glue.batchCreatePartition(
              b -> b.databaseName(database).tableName(table).partitionInputList(batch));
      response.errors().stream()
          .filter(e -> !"AlreadyExistsException".equals(e.errorDetail().errorCode()))
          .findFirst()
          .ifPresent(
              e -> {
                throw new IllegalStateException(
                    "Glue refused partition "
                        + e.partitionValues()
                        + " of "
                        + database
                        + "."
                        + table
                        + ": "
                        + e.errorDetail().errorMessage());
              });
    }
  }

  private void ensureDatabase(String database) {
    try {
      glue.getDatabase(b -> b.name(database));
    } catch (EntityNotFoundException e) {
      glue.createDatabase(
          b ->
              b.databaseInput(
                  d -> d.name(database).description("Tidewater lake: InfluxDB database")));
    }
  }

  private Table getTable(String database, String table) {
    try {
      return glue.getTable(b -> b.databaseName(database).name(table)).table();
    } catch (EntityNotFoundException e) {
      return null;
    }
  }

  private static StorageDescriptor storage(String location, List<Column> columns) {
    return StorageDescriptor.builder()
        .location(location)
        .columns(columns)
        .inputFormat("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat")
        .outputFormat("org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat")
        .serdeInfo(
            s ->
                s.serializationLibrary(
                    "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"))
        .build();
  }

  /** Data columns: time, the tags not used as partitions, the fields, with Athena types. */
  static List<Column> columns(MeasurementSchema schema, LakeOptions options) {
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put(MeasurementSchema.TIME, "timestamp");
    for (String tag : schema.tags()) {
      if (!options.tagPartitions().contains(tag)) {
        columns.put(name(tag), "string");
      }
    }
    for (FieldColumn f : schema.fields()) {
      columns.put(
          name(f.name()),
          switch (f.type()) {
            case FLOAT -> "double";
            case INTEGER, UNSIGNED -> "bigint"; // UINT64 above 2^63 reads negative in Athena
            case STRING -> "string";
            case BOOLEAN -> "boolean";
          });
    }
    List<Column> out = new ArrayList<>();
    columns.forEach((n, t) -> out.add(Column.builder().name(n).type(t).build()));
    return out;
  }

  static List<Column> partitionKeys(LakeOptions options) {
    List<Column> keys =
        new ArrayList<>(List.of(Column.builder().name("day").type("string").build()));
    if (options.partitionBy() == PartitionGranularity.HOUR) {
      keys.add(Column.builder().name("hour").type("string").build());
    }
    for (String tag : options.tagPartitions()) {
      keys.add(Column.builder().name(name(tag)).type("string").build());
    }
    return keys;
  }

  /** Glue and Athena names: lower case letters, digits and '_'. */
  static String name(String s) {
    String lower = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    return lower.isEmpty() || Character.isDigit(lower.charAt(0)) ? "_" + lower : lower;
  }

  private static String unescape(String s) {
    if (s.equals(LakeLayout.NULL_PARTITION)) {
      return s;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()) {
        out.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
