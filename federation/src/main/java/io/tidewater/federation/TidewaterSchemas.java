package io.tidewater.federation;

import io.tidewater.federation.influx.InfluxTable;
import io.tidewater.federation.lake.LakeParts;
import io.tidewater.federation.lake.LakeTable;
import io.tidewater.federation.plan.SchemaNames;
import io.tidewater.federation.route.RoutedTable;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.policy.Resolution;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;

/**
 * The schemas SQL sees: {@code <database>.<measurement>} routed tables, and for control and
 * debugging {@code influxdb.<database>.<measurement>} (InfluxDB only) and {@code
 * lake.<database>.<measurement>} (the lake's full-resolution rows only), and {@code
 * lake_<resolution>.<database>.<measurement>} (a rollup's buckets). Tables are listed from the
 * catalog at each query, so new databases, measurements and columns appear without a restart.
 */
public final class TidewaterSchemas {

  private TidewaterSchemas() {}

  /** Adds every schema to a connection's root; lake tables keep their answers in {@code parts}. */
  public static void addTo(SchemaPlus root, FederationCatalog catalog, LakeParts parts) {
    root.add(
        SchemaNames.INFLUXDB,
        new PlaceSchema(
            catalog,
            (db, m) ->
                new InfluxTable(
                    catalog.influx(),
                    db,
                    catalog.retentionPolicy(db, m),
                    () -> catalog.schema(db, m))));
    root.add(
        SchemaNames.LAKE,
        new PlaceSchema(
            catalog,
            (db, m) ->
                new LakeTable(
                        catalog.ledger(),
                        () -> catalog.schema(db, m),
                        () -> catalog.rawWindows(db, m))
                    .withRollups(
                        () -> {
                          Map<Resolution, List<WindowVersion>> rollups = new LinkedHashMap<>();
                          catalog
                              .rollupResolutions()
                              .forEach(r -> rollups.put(r, catalog.windows(db, m, r)));
                          return rollups;
                        },
                        () -> catalog.droppedRawWindows(db, m))
                    .withParts(parts)));
    for (Resolution r : catalog.rollupResolutions()) {
      root.add(
          SchemaNames.rollupSchema(r),
          new PlaceSchema(
              catalog,
              (db, m) ->
                  new LakeTable(
                          catalog.ledger(),
                          () -> catalog.rollupSchema(db, m, r),
                          () -> catalog.windows(db, m, r),
                          r)
                      .withParts(parts)));
    }
    for (String db : catalog.databases()) {
      if (!SchemaNames.reserved(db)) {
        root.add(db, new DatabaseSchema(catalog, db, (d, m) -> new RoutedTable(catalog, d, m)));
      }
    }
  }

  /** The measurements of one database as tables of one kind. */
  static final class DatabaseSchema extends AbstractSchema {
    private final FederationCatalog catalog;
    private final String database;
    private final BiFunction<String, String, Table> table;

    DatabaseSchema(
        FederationCatalog catalog, String database, BiFunction<String, String, Table> table) {
      this.catalog = catalog;
      this.database = database;
      this.table = table;
    }

    @Override
    protected Map<String, Table> getTableMap() {
      Map<String, Table> tables = new LinkedHashMap<>();
      for (String m : catalog.measurements(database)) {
        tables.put(m, table.apply(database, m));
      }
      return tables;
    }
  }

  /** One place ({@code influxdb} or {@code lake}) with a sub-schema per database. */
  static final class PlaceSchema extends AbstractSchema {
    private final FederationCatalog catalog;
    private final BiFunction<String, String, Table> table;

    PlaceSchema(FederationCatalog catalog, BiFunction<String, String, Table> table) {
      this.catalog = catalog;
      this.table = table;
    }

    @Override
    protected Map<String, Schema> getSubSchemaMap() {
      Map<String, Schema> schemas = new LinkedHashMap<>();
      for (String db : catalog.databases()) {
        schemas.put(db, new DatabaseSchema(catalog, db, table));
      }
      return schemas;
    }
  }
}
