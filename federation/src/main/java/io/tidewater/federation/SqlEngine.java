package io.tidewater.federation;

import io.tidewater.federation.influx.InfluxQuery;
import io.tidewater.federation.influx.InfluxToEnumerableConverter;
import io.tidewater.federation.route.Place;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.runtime.Hook;

/**
 * Runs federated SQL: each query gets a Calcite connection over the {@link TidewaterSchemas}, is
 * planned with the InfluxDB adapter's and the routing rules, and streams its rows.
 * Identifiers are case-sensitive (InfluxDB's names are) and double-quoted; times are UTC.
 */
public final class SqlEngine {

  static {
    try {
      Class.forName("org.apache.calcite.jdbc.Driver");
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("Calcite's JDBC driver is missing", e);
    }
  }

  private final FederationCatalog catalog;

  public SqlEngine(FederationCatalog catalog) {
    this.catalog = catalog;
  }

  /** Runs {@code sql}; the caller reads and closes the result. */
  public SqlResult query(String sql, long maxRows, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Connection connection = connect();
    try {
      Statement statement = connection.createStatement();
      statement.setQueryTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toSeconds())));
      ResultSet rows = statement.executeQuery(sql);
      ResultSetMetaData meta = rows.getMetaData();
      List<SqlColumn> columns = new ArrayList<>();
      int[] types = new int[meta.getColumnCount()];
      for (int i = 0; i < types.length; i++) {
        columns.add(new SqlColumn(meta.getColumnLabel(i + 1), meta.getColumnTypeName(i + 1)));
        types[i] = meta.getColumnType(i + 1);
      }
      return new SqlResult(connection, statement, rows, List.copyOf(columns), types, maxRows, deadline);
    } catch (SQLException | RuntimeException e) {
      close(connection);
      throw SqlErrors.translate(e);
    }
  }

  /** The plan of {@code sql} and, for each part, its place, time range and what is sent there. */
  public SqlExplanation explain(String sql) {
    Connection connection = connect();
    AtomicReference<RelNode> plan = new AtomicReference<>();
    try (Hook.Closeable hook = Hook.PLAN_BEFORE_IMPLEMENTATION.addThread(
        (java.util.function.Consumer<RelRoot>) root -> plan.set(root.rel))) {
      connection.prepareStatement(sql).close();
    } catch (SQLException | RuntimeException e) {
      throw SqlErrors.translate(e);
    } finally {
      close(connection);
    }
    List<SqlExplanation.Part> parts = new ArrayList<>();
    collectParts(plan.get(), parts);
    return new SqlExplanation(RelOptUtil.toString(plan.get()), parts);
  }

  /** Every table SQL can name, with its columns. */
  public List<TableInfo> tables() {
    List<TableInfo> tables = new ArrayList<>();
    for (String db : catalog.databases()) {
      for (String m : catalog.measurements(db)) {
        var schema = catalog.schema(db, m);
        List<SqlColumn> columns = new ArrayList<>();
        columns.add(new SqlColumn("time", "TIMESTAMP"));
        schema.tags().forEach(t -> columns.add(new SqlColumn(t, "VARCHAR")));
        schema.fields().forEach(f -> columns.add(new SqlColumn(f.name(), MeasurementColumns.sqlType(f.type()).getName())));
        tables.add(new TableInfo(List.of(db, m), "routed", columns));
        tables.add(new TableInfo(List.of(TidewaterSchemas.INFLUXDB, db, m), "influxdb", columns));
        tables.add(new TableInfo(List.of(TidewaterSchemas.LAKE, db, m), "lake", columns));
      }
    }
    return tables;
  }

  /** A table SQL can name: its path, what it reads, and its columns. */
  public record TableInfo(List<String> path, String kind, List<SqlColumn> columns) {}

  private void collectParts(RelNode node, List<SqlExplanation.Part> parts) {
    if (node instanceof InfluxToEnumerableConverter influx) {
      InfluxQuery q = influx.query();
      parts.add(new SqlExplanation.Part(Place.INFLUXDB, q.range().toString(), "raw",
          q.empty() ? "(empty time range: nothing sent)" : q.influxql()));
      return;
    }
    if (node instanceof TableScan scan && scan.getTable().getQualifiedName().get(0).equals(TidewaterSchemas.LAKE)) {
      List<String> name = scan.getTable().getQualifiedName();
      List<RexNode> filters = node instanceof org.apache.calcite.interpreter.Bindables.BindableTableScan b ? b.filters : List.of();
      RexBuilder rex = node.getCluster().getRexBuilder();
      TimeRange range = TimeRange.ALL;
      for (RexNode f : filters) {
        range = range.intersect(TimeBounds.of(rex, f, 0));
      }
      TimeRange r = range;
      long windows = catalog.rawWindows(name.get(1), name.get(2)).stream()
          .filter(w -> w.windowEnd() > r.from() && w.windowStart() < r.to()).count();
      parts.add(new SqlExplanation.Part(Place.LAKE, range.toString(), "raw",
          "scan " + String.join(".", name) + " windows=" + windows + (filters.isEmpty() ? "" : " filters=" + filters)));
      return;
    }
    for (RelNode input : node.getInputs()) {
      collectParts(input, parts);
    }
  }

  private Connection connect() {
    Properties info = new Properties();
    info.setProperty("quoting", "DOUBLE_QUOTE");
    info.setProperty("unquotedCasing", "UNCHANGED");
    info.setProperty("quotedCasing", "UNCHANGED");
    info.setProperty("caseSensitive", "true");
    info.setProperty("timeZone", "UTC");
    // As PostgreSQL and Trino: string literals of different lengths are VARCHAR, not padded CHAR;
    // GROUP BY may name select aliases and ordinals.
    info.setProperty("conformance", "LENIENT");
    info.setProperty("typeSystem", TidewaterTypeSystem.class.getName() + "#INSTANCE");
    try {
      Connection connection = DriverManager.getConnection("jdbc:calcite:", info);
      TidewaterSchemas.addTo(connection.unwrap(CalciteConnection.class).getRootSchema(), catalog);
      return connection;
    } catch (SQLException e) {
      throw SqlErrors.translate(e);
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
