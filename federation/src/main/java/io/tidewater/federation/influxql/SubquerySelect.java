package io.tidewater.federation.influxql;

import io.tidewater.federation.SqlColumn;
import io.tidewater.federation.SqlEngine;
import io.tidewater.federation.SqlResult;
import io.tidewater.lifecycle.parquet.FieldColumn;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.policy.rollup.FieldType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code SELECT ... FROM (SELECT ... GROUP BY time(...)) ...}: the inner statement's SQL becomes a
 * derived table the outer statement is translated over, so both run as one federated SQL statement.
 * As in InfluxDB, the inner statement's points are its buckets (at their start), tagged with its
 * GROUP BY tags, its fields named by its columns, and read over the outer statement's time range
 * too. Supported where SQL's rows are exactly InfluxDB's points: an inner statement of plain
 * aggregates with GROUP BY time over one measurement, fill(none) or fill(null) (whose empty buckets
 * give nil points, which outer aggregates skip, except counts, filled with 0 there), no tz(),
 * ordering or limits; anything else is refused by name.
 */
final class SubquerySelect {

  private static final String INNER = "\"tidewater_inner\"";
  private static final String SUB = "\"tidewater_sub\"";

  private SubquerySelect() {}

  /**
   * The outer statement's query over the subquery's rows ({@code innerSchema}: the inner
   * measurement's), or null if the inner statement selects nothing the measurement has.
   */
  static SelectQuery translate(
      Statement.Select outer,
      Statement.Select inner,
      String database,
      MeasurementSchema innerSchema,
      TimeCondition outerRange,
      long now,
      SqlEngine sql,
      InfluxQLEngine.Limits limits) {
    check(inner);
    TimeCondition own = TimeCondition.of(inner.condition(), now, null);
    TimeCondition innerRange =
        new TimeCondition(
            own.rest(),
            Math.max(own.min(), outerRange.min()),
            Math.min(own.max(), outerRange.max()));
    SelectQuery q = SelectTranslator.translate(inner, database, innerSchema, innerRange, now);
    if (q == null) {
      return null;
    }
    if (q.form() != SelectQuery.Form.BUCKETS
        || q.intervalNanos() == 0
        || !q.transforms().isEmpty()
        || q.selectedTime() >= 0) {
      throw unsupported("a subquery other than aggregates with GROUP BY time");
    }
    List<String> names = new ArrayList<>(q.tags());
    names.add("time");
    List<String> projected = new ArrayList<>(q.tags());
    projected.add("time");
    List<String> fetched = new ArrayList<>();
    for (int i = 0; i < q.fetched().size(); i++) {
      fetched.add("f" + i);
    }
    names.addAll(fetched);
    List<String> select = new ArrayList<>();
    for (String n : projected) {
      select.add(SelectTranslator.sqlName(n));
    }
    for (int i = 0; i < q.outputs().size(); i++) {
      if (!(q.outputs().get(i) instanceof Eval.Fetched f)) {
        throw unsupported("a subquery field computed from several aggregates (such as spread)");
      }
      if (inner.fill() == Fill.NULL && q.fetched().get(f.index())) {
        throw unsupported(
            "a subquery's count() with fill(null) (InfluxDB fills its empty buckets with 0)");
      }
      String column = q.columns().get(i);
      if (projected.contains(column)) {
        throw unsupported("a subquery column named like one of its tags or time");
      }
      select.add(
          SelectTranslator.sqlName("f" + f.index()) + " AS " + SelectTranslator.sqlName(column));
    }
    String derived =
        "(SELECT "
            + String.join(", ", select)
            + " FROM ("
            + q.sql()
            + ") AS "
            + INNER
            + "("
            + String.join(", ", names.stream().map(SelectTranslator::sqlName).toList())
            + ")) AS "
            + SUB;
    MeasurementSchema schema =
        new MeasurementSchema(innerSchema.measurement(), q.tags(), fields(derived, q, sql, limits));
    return SelectTranslator.translateOver(outer, derived, schema, outerRange, now);
  }

  /** Refuses, by name, an inner statement this translation cannot answer exactly. */
  static void check(Statement.Select inner) {
    if (inner.sources().size() != 1
        || !(inner.sources().get(0) instanceof Source.Measurement m)
        || m.regex() != null) {
      throw unsupported("a subquery other than over one measurement");
    }
    if (inner.isRaw()) {
      throw unsupported("a subquery of raw points");
    }
    if (inner.fill() != Fill.NULL && inner.fill() != Fill.NONE) {
      throw unsupported(
          "a subquery with fill(" + inner.fill().name().toLowerCase(Locale.ROOT) + ")");
    }
    if (inner.descending()
        || inner.limit() > 0
        || inner.offset() > 0
        || inner.slimit() > 0
        || inner.soffset() > 0) {
      throw unsupported("a subquery with ORDER BY time DESC, LIMIT, OFFSET, SLIMIT or SOFFSET");
    }
    if (inner.location() != null) {
      throw unsupported("a subquery with tz()");
    }
  }

  /** The subquery's fields with their SQL types, asked of the engine without reading a row. */
  private static List<FieldColumn> fields(
      String derived, SelectQuery q, SqlEngine sql, InfluxQLEngine.Limits limits) {
    List<FieldColumn> fields = new ArrayList<>();
    try (SqlResult r =
        sql.query(
            "SELECT * FROM " + derived + " WHERE FALSE",
            1,
            limits.remaining(),
            limits.access(),
            limits.signal())) {
      List<SqlColumn> columns = r.columns();
      for (int i = q.tags().size() + 1; i < columns.size(); i++) {
        fields.add(new FieldColumn(columns.get(i).name(), type(columns.get(i).type())));
      }
    }
    return fields;
  }

  private static FieldType type(String sqlType) {
    String t = sqlType.toUpperCase(Locale.ROOT);
    if (t.startsWith("BIGINT") || t.startsWith("INTEGER")) {
      return FieldType.INTEGER;
    } else if (t.startsWith("VARCHAR") || t.startsWith("CHAR")) {
      return FieldType.STRING;
    } else if (t.startsWith("BOOLEAN")) {
      return FieldType.BOOLEAN;
    }
    return FieldType.FLOAT;
  }

  private static InfluxQLException unsupported(String what) {
    return new InfluxQLException(what + " is not supported by the gateway over the lake");
  }
}
