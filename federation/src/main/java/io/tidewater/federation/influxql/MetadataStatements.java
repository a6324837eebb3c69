package io.tidewater.federation.influxql;

import io.tidewater.federation.FederationCatalog;
import io.tidewater.federation.SqlEngine;
import io.tidewater.federation.SqlResult;
import io.tidewater.lifecycle.influx.InfluxQl;
import io.tidewater.lifecycle.parquet.FieldColumn;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The SHOW statements dashboards send (for pickers and template variables), answered over the whole
 * history: measurements, tag keys and field keys from the catalog, which joins InfluxDB's metadata
 * with every lake window's schema; tag values and series from the routed tables with SQL, so a tag
 * value that survives only in the lake is listed too. Retention policies are InfluxDB's.
 */
final class MetadataStatements {

  private final SqlEngine sql;
  private final FederationCatalog catalog;
  private final InfluxQLEngine.Limits limits;

  MetadataStatements(SqlEngine sql, FederationCatalog catalog, InfluxQLEngine.Limits limits) {
    this.sql = sql;
    this.catalog = catalog;
    this.limits = limits;
  }

  List<InfluxResults.Series> answer(Statement s, String database) {
    if (s instanceof Statement.ShowDatabases) {
      List<List<Object>> names = new ArrayList<>();
      for (String db : catalog.databases()) {
        if (limits.access().mayRead(db)) {
          names.add(List.of(db));
        }
      }
      return List.of(series("databases", List.of("name"), names));
    } else if (s instanceof Statement.ShowRetentionPolicies r) {
      String db = database(r.database(), database);
      List<List<Object>> rows =
          catalog.influx().rows(db, "SHOW RETENTION POLICIES ON " + InfluxQl.identifier(db));
      return List.of(
          series(
              null,
              List.of("name", "duration", "shardGroupDuration", "replicaN", "default"),
              rows));
    } else if (s instanceof Statement.ShowMeasurements r) {
      return measurements(r, database(r.database(), database));
    } else if (s instanceof Statement.ShowTagKeys r) {
      String db = database(r.database(), database);
      List<InfluxResults.Series> out = new ArrayList<>();
      for (String m : measurements(db, r.sources())) {
        List<List<Object>> keys = new ArrayList<>();
        MeasurementSchema schema = catalog.schema(db, m);
        Collection<String> tags =
            r.condition() == null
                ? new TreeSet<>(schema.tags())
                : keysOfMatchingSeries(db, schema, r.condition());
        tags.forEach(k -> keys.add(List.of(k)));
        List<List<Object>> paged = page(keys, r.limit(), r.offset());
        if (!paged.isEmpty()) {
          out.add(series(m, List.of("tagKey"), paged));
        }
      }
      return out;
    } else if (s instanceof Statement.ShowFieldKeys r) {
      String db = database(r.database(), database);
      List<InfluxResults.Series> out = new ArrayList<>();
      for (String m : measurements(db, r.sources())) {
        TreeMap<String, String> fields = new TreeMap<>();
        for (FieldColumn f : catalog.schema(db, m).fields()) {
          fields.put(f.name(), f.type().name().toLowerCase(Locale.ROOT));
        }
        List<List<Object>> rows = new ArrayList<>();
        fields.forEach((k, v) -> rows.add(List.of(k, v)));
        List<List<Object>> paged = page(rows, r.limit(), r.offset());
        if (!paged.isEmpty()) {
          out.add(series(m, List.of("fieldKey", "fieldType"), paged));
        }
      }
      return out;
    } else if (s instanceof Statement.ShowTagValues r) {
      return tagValues(r, database(r.database(), database));
    } else if (s instanceof Statement.ShowSeries r) {
      return seriesKeys(r, database(r.database(), database));
    }
    throw new InfluxQLException("statement not supported");
  }

  private List<InfluxResults.Series> measurements(Statement.ShowMeasurements r, String db) {
    List<List<Object>> names = new ArrayList<>();
    for (String m : catalog.measurements(db)) {
      Source.Measurement with = r.with();
      if ((with == null
              || with.regex() != null && with.regex().pattern().matcher(m).find()
              || with.regex() == null && m.equals(with.name()))
          && (r.condition() == null
              || !distinct(db, catalog.schema(db, m), List.of(), r.condition(), true).isEmpty())) {
        names.add(List.of(m));
      }
    }
    names = page(names, r.limit(), r.offset());
    return names.isEmpty() ? List.of() : List.of(series("measurements", List.of("name"), names));
  }

  private List<InfluxResults.Series> tagValues(Statement.ShowTagValues r, String db) {
    List<InfluxResults.Series> out = new ArrayList<>();
    for (String m : measurements(db, r.sources())) {
      MeasurementSchema schema = catalog.schema(db, m);
      List<String> keys = new ArrayList<>();
      for (String tag : new TreeSet<>(schema.tags())) {
        boolean match =
            switch (r.op()) {
              case EQ, IN -> r.keys().contains(tag);
              case NEQ -> !r.keys().contains(tag);
              case EQREGEX -> r.keyRegex().pattern().matcher(tag).find();
              case NEQREGEX -> !r.keyRegex().pattern().matcher(tag).find();
              default -> false;
            };
        if (match) {
          keys.add(tag);
        }
      }
      List<List<Object>> rows = new ArrayList<>();
      for (String key : keys) {
        for (String value : distinct(db, schema, List.of(key), r.condition(), false)) {
          rows.add(List.of(key, value));
        }
      }
      rows = page(rows, r.limit(), r.offset());
      if (!rows.isEmpty()) {
        out.add(series(m, List.of("key", "value"), rows));
      }
    }
    return out;
  }

  private List<InfluxResults.Series> seriesKeys(Statement.ShowSeries r, String db) {
    List<List<Object>> rows = new ArrayList<>();
    for (String m : measurements(db, r.sources())) {
      MeasurementSchema schema = catalog.schema(db, m);
      List<String> tags = new ArrayList<>(new TreeSet<>(schema.tags()));
      for (String key : distinct(db, schema, tags, r.condition(), true)) {
        rows.add(List.of(key));
      }
    }
    rows = page(rows, r.limit(), r.offset());
    return rows.isEmpty() ? List.of() : List.of(series(null, List.of("key"), rows));
  }

  /**
   * The tag keys of the series with points matching {@code condition} (a series' keys are the tags
   * it has a value of), sorted.
   */
  private List<String> keysOfMatchingSeries(String db, MeasurementSchema schema, Expr condition) {
    List<String> tags = new ArrayList<>(new TreeSet<>(schema.tags()));
    if (tags.isEmpty() || schema.fields().isEmpty()) {
      return List.of();
    }
    List<String> counts = new ArrayList<>();
    for (String t : tags) {
      counts.add("COUNT(" + SelectTranslator.sqlName(t) + ")");
    }
    String q =
        "SELECT "
            + String.join(", ", counts)
            + " FROM "
            + SelectTranslator.sqlName(db)
            + '.'
            + SelectTranslator.sqlName(schema.measurement());
    String where =
        SelectTranslator.where(
            schema, TimeCondition.of(condition, InfluxQLEngine.now(catalog), null));
    if (!where.isEmpty()) {
      q += " WHERE " + where;
    }
    List<String> out = new ArrayList<>();
    try (SqlResult rows =
        sql.query(q, limits.maxRows(), limits.remaining(), limits.access(), limits.signal())) {
      Object[] row = rows.next();
      for (int i = 0; row != null && i < tags.size(); i++) {
        if (((Number) row[i]).longValue() > 0) {
          out.add(tags.get(i));
        }
      }
    }
    return out;
  }

  /**
   * The distinct values of one tag ({@code tags} of size 1), or the series keys of the tag sets
   * ({@code measurement,k=v,...}) if {@code seriesKeys}, of the points matching {@code condition},
   * sorted.
   */
  private List<String> distinct(
      String db, MeasurementSchema schema, List<String> tags, Expr condition, boolean seriesKeys) {
    if (schema.fields().isEmpty()) {
      return List.of();
    }
    TreeSet<String> out = new TreeSet<>();
    StringBuilder q = new StringBuilder("SELECT ");
    List<String> columns = new ArrayList<>();
    for (String t : tags) {
      columns.add(SelectTranslator.sqlName(t));
    }
    q.append(columns.isEmpty() ? "COUNT(*)" : String.join(", ", columns));
    q.append(" FROM ")
        .append(SelectTranslator.sqlName(db))
        .append('.')
        .append(SelectTranslator.sqlName(schema.measurement()));
    if (condition != null) {
      String where =
          SelectTranslator.where(
              schema, TimeCondition.of(condition, InfluxQLEngine.now(catalog), null));
      if (!where.isEmpty()) {
        q.append(" WHERE ").append(where);
      }
    }
    if (!columns.isEmpty()) {
      q.append(" GROUP BY ").append(String.join(", ", columns));
    }
    try (SqlResult rows =
        sql.query(
            q.toString(), limits.maxRows(), limits.remaining(), limits.access(), limits.signal())) {
      for (Object[] row = rows.next(); row != null; row = rows.next()) {
        if (columns.isEmpty()) {
          if (((Number) row[0]).longValue() > 0) {
            out.add(escapeKey(schema.measurement(), ",", " "));
          }
          continue;
        }
        if (!seriesKeys) {
          if (row[0] != null) {
            out.add(row[0].toString());
          }
          continue;
        }
        StringBuilder key = new StringBuilder(escapeKey(schema.measurement(), ",", " "));
        for (int i = 0; i < tags.size(); i++) {
          if (row[i] != null) {
            key.append(',')
                .append(escapeKey(tags.get(i), ",", "=", " "))
                .append('=')
                .append(escapeKey(row[i].toString(), ",", "=", " "));
          }
        }
        out.add(key.toString());
      }
    }
    return new ArrayList<>(out);
  }

  /** Line protocol's escaping of a measurement, tag key or tag value in a series key. */
  private static String escapeKey(String s, String... special) {
    String out = s;
    for (String c : special) {
      out = out.replace(c, "\\" + c);
    }
    return out;
  }

  private List<String> measurements(String db, List<Source> sources) {
    List<String> all = catalog.measurements(db);
    if (sources.isEmpty()) {
      return all;
    }
    TreeSet<String> out = new TreeSet<>();
    for (Source s : sources) {
      if (!(s instanceof Source.Measurement m)) {
        throw new InfluxQLException("subqueries are not allowed here");
      }
      for (String name : all) {
        if (m.regex() != null ? m.regex().pattern().matcher(name).find() : name.equals(m.name())) {
          out.add(name);
        }
      }
    }
    return new ArrayList<>(out);
  }

  private String database(String named, String fallback) {
    return InfluxQLEngine.database(catalog, named, fallback);
  }

  private static InfluxResults.Series series(
      String name, List<String> columns, List<List<Object>> values) {
    return new InfluxResults.Series(
        name, Collections.emptySortedMap(), List.copyOf(columns), values, false);
  }

  private static <T> List<T> page(List<T> items, int limit, int offset) {
    return SeriesAssembler.page(items, limit, offset);
  }
}
