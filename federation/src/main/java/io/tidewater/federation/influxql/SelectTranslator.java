package io.tidewater.federation.influxql;

import io.tidewater.federation.functions.DateBin;
import io.tidewater.federation.functions.InfluxMode;
import io.tidewater.federation.functions.InfluxSelectors;
import io.tidewater.federation.functions.InfluxWindow;
import io.tidewater.federation.functions.StatisticalAggregates;
import io.tidewater.federation.influx.InfluxQlGroups;
import io.tidewater.lifecycle.parquet.FieldColumn;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.policy.rollup.FieldType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Translates a SELECT over one measurement into federated SQL over its routed table (so routing,
 * dirty windows, rollups, pushdown and the result cache apply as to any SQL), and says how the rows
 * become series ({@link SelectQuery}). Aggregates become SQL aggregates grouped by tags and {@code
 * TIDEWATER_DATE_BIN} buckets; arithmetic over fields or aggregates, fill and per-series limits are
 * applied to the rows afterwards.
 */
final class SelectTranslator {

  private static final long MILLI = 1_000_000L;
  private static final List<String> SUPPORTED =
      List.of(
          "count",
          "sum",
          "mean",
          "median",
          "mode",
          "min",
          "max",
          "first",
          "last",
          "stddev",
          "percentile");

  private final Statement.Select select;
  private final String database;
  private final MeasurementSchema schema;
  private TimeCondition range;
  private final long now;

  private final SqlConditions conditions;

  /** The rows a subquery's outer statement reads, instead of the measurement's table; or null. */
  private String derivedTable;

  private final List<String> fetchedSql = new ArrayList<>();
  private final List<Boolean> fetchedCounts = new ArrayList<>();
  private final Map<String, Integer> fetchedIndex = new HashMap<>();
  private final List<Integer> rawFields = new ArrayList<>();

  /** Whether the statement is one selector without GROUP BY time: answered at its point's time. */
  private boolean lone;

  /** The fetched value holding a lone selector's point's time, or -1. */
  private int selectedTime = -1;

  /** GROUP BY time's interval in nanoseconds, 0 without. */
  private long interval;

  /** The transformations of aggregates the fields use ({@code derivative(mean(f))}). */
  private final List<Transform> transforms = new ArrayList<>();

  /** While translating a field: whether it uses a transformation, a plain aggregate. */
  private boolean fieldTransformed;

  private boolean fieldPlain;

  /** While translating a transformation's argument. */
  private boolean insideTransform;

  private SelectTranslator(
      Statement.Select select,
      String database,
      MeasurementSchema schema,
      TimeCondition range,
      long now) {
    this.select = select;
    this.database = database;
    this.schema = schema;
    this.conditions = new SqlConditions(schema);
    this.range = range;
    this.now = now;
  }

  /**
   * The query for {@code select} over {@code schema}'s measurement in {@code database} (null if no
   * point can answer it: it selects no field the measurement has), its WHERE clause split into
   * {@code range}; GROUP BY time without an upper bound ends at {@code now} (nanoseconds), as in
   * InfluxDB.
   */
  static SelectQuery translate(
      Statement.Select select,
      String database,
      MeasurementSchema schema,
      TimeCondition range,
      long now) {
    return new SelectTranslator(select, database, schema, range, now).translate();
  }

  /**
   * As {@link #translate(Statement.Select, String, MeasurementSchema, TimeCondition, long)}, over
   * the rows of {@code derivedTable} (a parenthesized SQL query with its alias, whose columns are
   * {@code schema}'s) instead of a measurement's table: a subquery's outer statement.
   */
  static SelectQuery translateOver(
      Statement.Select select,
      String derivedTable,
      MeasurementSchema schema,
      TimeCondition range,
      long now) {
    SelectTranslator t = new SelectTranslator(select, null, schema, range, now);
    t.derivedTable = derivedTable;
    return t.translate();
  }

  /** The statement's FROM: the measurement's routed table, or a subquery's derived table. */
  private String from() {
    return derivedTable != null
        ? derivedTable
        : sqlName(database) + '.' + sqlName(schema.measurement());
  }

  private SelectQuery translate() {
    boolean aggregate = !select.isRaw();
    long offset = 0;
    TreeSet<String> tags = new TreeSet<>();
    for (Expr d : select.dimensions()) {
      if (d instanceof Expr.Call c && c.name().equals("time")) {
        if (interval != 0) {
          throw new InfluxQLException("multiple time dimensions not allowed");
        }
        long[] t = timeDimension(c);
        interval = t[0];
        offset = t[1];
      } else if (d instanceof Expr.VarRef v) {
        if (v.name().equalsIgnoreCase("time")) {
          throw new InfluxQLException("time() is a function and expects at least one argument");
        }
        tags.add(v.name());
      } else if (d instanceof Expr.Wildcard) {
        tags.addAll(schema.tags());
      } else if (d instanceof Expr.RegexLit r) {
        schema.tags().stream().filter(t -> r.pattern().matcher(t).find()).forEach(tags::add);
      } else {
        throw new InfluxQLException("only time and tag dimensions allowed: " + Printer.print(d));
      }
    }
    if (!aggregate && interval != 0) {
      throw new InfluxQLException("GROUP BY requires at least one aggregate function");
    }
    if (interval != 0 && !range.hasMax()) {
      range = new TimeCondition(range.rest(), range.min(), now);
    }
    List<Field> fields = expandWildcards(select.fields(), tags);
    String distinct = distinctField(fields);
    if (distinct != null) {
      return distinct(distinct, fields.get(0), tags, offset);
    }
    if (fields.stream().anyMatch(f -> calls(f.expr(), "integral"))) {
      return integral(fields, tags, offset);
    }
    if (interval == 0
        && fields.size() == 1
        && fields.get(0).expr() instanceof Expr.Call c
        && Transform.Kind.of(c.name()) != null
        && !c.args().isEmpty()
        && c.args().get(0) instanceof Expr.VarRef) {
      return rawTransform(Transform.Kind.of(c.name()), fields, tags, offset);
    }
    lone = aggregate && interval == 0 && loneSelector(fields);
    List<String> columns = new ArrayList<>();
    List<Eval> outputs = new ArrayList<>();
    boolean anyPlain = false;
    for (Field f : fields) {
      columns.add(f.name());
      fieldTransformed = false;
      fieldPlain = false;
      outputs.add(aggregate ? aggregateOutput(f.expr()) : rawOutput(f.expr(), f.alias() != null));
      if (fieldTransformed && fieldPlain) {
        throw notOverLake("a transformation and a plain aggregate in one field");
      }
      anyPlain |= fieldPlain;
    }
    if (!transforms.isEmpty()) {
      range = transformRange(anyPlain);
    }
    if (!aggregate && rawFields.isEmpty()) {
      return null; // tags alone, or names the measurement lacks: no point to answer, as InfluxDB
    }
    dedupe(columns);

    StringBuilder sql = new StringBuilder("SELECT ");
    List<String> selected = new ArrayList<>();
    for (String t : tags) {
      selected.add(tagColumn(t));
    }
    String bucket = null;
    if (!aggregate) {
      selected.add("\"time\"");
    } else if (interval != 0) {
      bucket = bucket(interval, offset);
      selected.add(bucket);
    }
    selected.addAll(fetchedSql);
    sql.append(String.join(", ", selected));
    sql.append(" FROM ").append(from());
    if (aggregate && derivedTable == null) {
      // The assembler fills empty buckets itself: SQL's groups of points without the aggregated
      // fields need not be found (InfluxQlGroups).
      sql.append(" /*+ ").append(InfluxQlGroups.HINT).append(" */");
    }
    List<String> where = new ArrayList<>();
    String bounds = where(range);
    if (!bounds.isEmpty()) {
      where.add(bounds);
    }
    if (!aggregate) {
      List<String> any = new ArrayList<>();
      for (int i : rawFields) {
        any.add(fetchedSql.get(i) + " IS NOT NULL");
      }
      where.add("(" + String.join(" OR ", any) + ")");
    }
    if (!where.isEmpty()) {
      sql.append(" WHERE ").append(String.join(" AND ", where));
    }
    if (aggregate && (!tags.isEmpty() || bucket != null)) {
      List<String> groups = new ArrayList<>();
      for (String t : tags) {
        groups.add(tagColumn(t));
      }
      if (bucket != null) {
        groups.add(bucket);
      }
      sql.append(" GROUP BY ").append(String.join(", ", groups));
    }
    if (!aggregate) {
      List<String> order = new ArrayList<>();
      for (String t : tags) {
        order.add(tagColumn(t));
      }
      order.add("\"time\"" + (select.descending() ? " DESC" : ""));
      // Points at the same time come in series order, as InfluxDB merges its series.
      for (String t : schema.tags()) {
        if (!tags.contains(t)) {
          order.add(sqlName(t));
        }
      }
      sql.append(" ORDER BY ").append(String.join(", ", order));
      if (tags.isEmpty() && select.limit() > 0) {
        sql.append(" LIMIT ").append(select.limit());
      }
      if (tags.isEmpty() && select.offset() > 0) {
        sql.append(" OFFSET ").append(select.offset());
      }
    }
    return new SelectQuery(
        sql.toString(),
        List.copyOf(tags),
        !aggregate || interval != 0,
        List.copyOf(fetchedCounts),
        List.copyOf(columns),
        List.copyOf(outputs),
        List.copyOf(rawFields),
        interval,
        offset,
        selectedTime,
        List.copyOf(transforms),
        aggregate ? SelectQuery.Form.BUCKETS : SelectQuery.Form.POINTS,
        0,
        range,
        select);
  }

  /**
   * The SQL condition of a split WHERE clause over {@code schema}'s routed table (empty if none),
   * for statements other than SELECT (SHOW TAG VALUES, SHOW SERIES).
   */
  static String where(MeasurementSchema schema, TimeCondition range) {
    return new SqlConditions(schema).where(range);
  }

  /** A row's GROUP BY time bucket: DATE_BIN's, or InfluxDB's windows in the statement's tz(). */
  private String bucket(long interval, long offset) {
    if (select.location() != null) {
      return InfluxWindow.FUNCTION
          + "("
          + (interval / MILLI)
          + ", "
          + (offset / MILLI)
          + ", "
          + sqlString(select.location().getId())
          + ", \"time\")";
    }
    return DateBin.FUNCTION
        + "("
        + (interval / MILLI)
        + ", \"time\""
        + (offset == 0
            ? ""
            : ", " + SqlConditions.timestamp(Math.floorMod(offset, interval) / MILLI))
        + ")";
  }

  /**
   * {@code time(interval[, offset])}: both in nanoseconds, whole milliseconds (the lake's unit).
   */
  private static long[] timeDimension(Expr.Call c) {
    if (c.args().isEmpty() || c.args().size() > 2) {
      throw new InfluxQLException("time dimension expected 1 or 2 arguments");
    }
    if (!(c.args().get(0) instanceof Expr.DurationLit interval)) {
      throw new InfluxQLException("time dimension must have duration argument");
    }
    if (interval.nanos() <= 0) {
      throw new InfluxQLException("time dimension must have positive duration");
    }
    long offset = 0;
    if (c.args().size() == 2) {
      Expr o = c.args().get(1);
      if (o instanceof Expr.DurationLit d) {
        offset = d.nanos();
      } else {
        throw new InfluxQLException("time dimension offset must be duration or now()");
      }
    }
    if (interval.nanos() % MILLI != 0 || offset % MILLI != 0) {
      throw new InfluxQLException(
          "time intervals and offsets finer than a millisecond are not supported: the lake keeps"
              + " milliseconds");
    }
    return new long[] {interval.nanos(), offset};
  }

  private static boolean loneSelector(List<Field> fields) {
    return fields.size() == 1
        && fields.get(0).expr() instanceof Expr.Call c
        && List.of("max", "min", "first", "last", "percentile").contains(c.name());
  }

  /**
   * A lone {@code first}, {@code last}, {@code min} or {@code max}: the chosen point's value, and
   * its time as a second fetched value ({@link InfluxSelectors}).
   */
  private Eval selected(String name, Expr arg) {
    String field = fieldArgument(name, arg);
    FieldType type = kind(arg) == SqlConditions.Kind.FIELD ? fieldType(arg) : FieldType.FLOAT;
    if (type == FieldType.UNSIGNED && (name.equals("min") || name.equals("max"))) {
      throw new InfluxQLException(
          "a lone "
              + name
              + "() of an unsigned field is not supported by the gateway over the lake");
    }
    String sqlType = sqlType(type);
    // Over a subquery InfluxDB merges points with its reducers (the greater value on a tie), not
    // its storage engine's heap.
    String series =
        derivedTable != null
            ? "CAST(NULL AS VARCHAR)"
            : name.equals("first") || name.equals("last") ? seriesKey() : "''";
    String args = "'" + name + "', " + field + ", \"time\", " + series + ")";
    Eval.Fetched time = fetch(InfluxSelectors.timeFunction(sqlType) + "(" + args, false, false);
    selectedTime = time.index();
    return fetch(InfluxSelectors.valueFunction(sqlType) + "(" + args, false, false);
  }

  /**
   * Each row's series key as InfluxDB writes it after the measurement ({@code ,k=v} per tag with a
   * value, keys sorted, commas, spaces and equals signs escaped): first() and last() choose among
   * series in that key's order.
   */
  private String seriesKey() {
    if (schema.tags().isEmpty()) {
      return "''";
    }
    List<String> parts = new ArrayList<>();
    for (String tag : new TreeSet<>(schema.tags())) {
      String value = "NULLIF(" + sqlName(tag) + ", '')";
      for (String special : List.of(",", " ", "=")) {
        value = "REPLACE(" + value + ", '" + special + "', '\\" + special + "')";
      }
      parts.add("COALESCE(" + sqlString("," + escapeKey(tag) + "=") + " || " + value + ", '')");
    }
    return String.join(" || ", parts);
  }

  private static String escapeKey(String s) {
    return s.replace(",", "\\,").replace(" ", "\\ ").replace("=", "\\=");
  }

  private static String sqlType(FieldType type) {
    return switch (type) {
      case FLOAT -> "DOUBLE";
      case INTEGER, UNSIGNED -> "BIGINT";
      case STRING -> "VARCHAR";
      case BOOLEAN -> "BOOLEAN";
    };
  }

  private SqlConditions.Kind kind(Expr arg) {
    return arg instanceof Expr.VarRef v && v.type() != DataType.TAG
        ? kind(v)
        : SqlConditions.Kind.UNKNOWN;
  }

  /** Wildcards in the fields expanded as InfluxDB expands them: names sorted, grouped tags out. */
  private List<Field> expandWildcards(List<Field> fields, TreeSet<String> groupTags) {
    List<Field> out = new ArrayList<>();
    for (Field f : fields) {
      if (f.expr() instanceof Expr.Wildcard w) {
        TreeSet<String> names = new TreeSet<>();
        Map<String, DataType> types = new HashMap<>();
        if (w.type() != Token.TAG) {
          schema.fields().forEach(c -> names.add(c.name()));
        }
        if (w.type() != Token.FIELD) {
          for (String t : schema.tags()) {
            if (!groupTags.contains(t)) {
              names.add(t);
              types.put(t, DataType.TAG);
            }
          }
        }
        names.forEach(n -> out.add(new Field(new Expr.VarRef(n, types.get(n)), null)));
      } else if (f.expr() instanceof Expr.Call c
          && c.args().size() == 1
          && c.args().get(0) instanceof Expr.Wildcard) {
        schema.fields().stream()
            .map(FieldColumn::name)
            .sorted()
            .forEach(
                n ->
                    out.add(
                        new Field(
                            new Expr.Call(c.name(), List.of(new Expr.VarRef(n, null))),
                            (f.alias() == null ? c.name() : f.alias()) + "_" + n)));
      } else {
        out.add(f);
      }
    }
    return out;
  }

  private static void dedupe(List<String> columns) {
    Map<String, Integer> seen = new LinkedHashMap<>();
    seen.put("time", 1);
    for (int i = 0; i < columns.size(); i++) {
      String name = columns.get(i);
      Integer count = seen.get(name);
      if (count == null) {
        seen.put(name, 1);
        continue;
      }
      while (true) {
        String resolved = name + "_" + count;
        if (!seen.containsKey(resolved)) {
          seen.put(name, count + 1);
          seen.put(resolved, 1);
          columns.set(i, resolved);
          break;
        }
        count++;
      }
    }
  }

  // ---- raw fields

  private Eval rawOutput(Expr e, boolean aliased) {
    if (e instanceof Expr.VarRef v) {
      if (v.name().equalsIgnoreCase("time")) {
        throw new InfluxQLException("time is not a field: it is in every answer already");
      }
      SqlConditions.Kind k = kind(v);
      if (k == SqlConditions.Kind.TAG) {
        return fetch(tagColumn(v.name()), false, false);
      }
      String column = k == SqlConditions.Kind.FIELD ? sqlName(v.name()) : "CAST(NULL AS DOUBLE)";
      return fetch(column, false, true);
    } else if (e instanceof Expr.Binary b) {
      return new Eval.Arithmetic(
          arithmetic(b.op()), rawOutput(b.lhs(), aliased), rawOutput(b.rhs(), aliased));
    } else if (e instanceof Expr.Paren p) {
      return rawOutput(p.expr(), aliased);
    }
    return constant(e);
  }

  // ---- aggregates

  private Eval aggregateOutput(Expr e) {
    if (e instanceof Expr.Call c) {
      return call(c);
    } else if (e instanceof Expr.Binary b) {
      return new Eval.Arithmetic(
          arithmetic(b.op()), aggregateOutput(b.lhs()), aggregateOutput(b.rhs()));
    } else if (e instanceof Expr.Paren p) {
      return aggregateOutput(p.expr());
    } else if (e instanceof Expr.VarRef) {
      throw new InfluxQLException("mixing aggregate and non-aggregate queries is not supported");
    }
    return constant(e);
  }

  private Eval call(Expr.Call c) {
    String name = c.name();
    Transform.Kind transform = Transform.Kind.of(name);
    if (transform != null) {
      return transform(transform, c);
    }
    if (!insideTransform) {
      fieldPlain = true;
    }
    if (name.equals("spread")) {
      return new Eval.Arithmetic(
          Token.SUB, call(new Expr.Call("max", c.args())), call(new Expr.Call("min", c.args())));
    }
    if (!SUPPORTED.contains(name)) {
      throw unsupported(name);
    }
    if (name.equals("percentile")) {
      if (lone) {
        // InfluxDB answers the point's time, chosen among equal values in no defined order.
        throw new InfluxQLException(
            "a lone percentile() without GROUP BY time is not supported by the gateway over the"
                + " lake: add GROUP BY time(...) or a second aggregate");
      }
      return percentile(c);
    }
    if (c.args().size() != 1) {
      throw new InfluxQLException(
          "invalid number of arguments for " + name + ", expected 1, got " + c.args().size());
    }
    Expr arg = c.args().get(0);
    if (name.equals("count")
        && arg instanceof Expr.Call inner
        && inner.name().equals("distinct")
        && inner.args().size() == 1) {
      return fetch("COUNT(DISTINCT " + fieldArgument(name, inner.args().get(0)) + ")", true, false);
    }
    if (arg instanceof Expr.Distinct d) {
      arg = new Expr.VarRef(d.name(), null);
      if (!name.equals("count")) {
        throw new InfluxQLException("expected field argument in " + name + "()");
      }
      return fetch("COUNT(DISTINCT " + fieldArgument(name, arg) + ")", true, false);
    }
    if (lone) {
      return selected(name, arg);
    }
    String field = fieldArgument(name, arg);
    FieldType type = fieldType(arg);
    String asDouble = type == FieldType.FLOAT ? field : "CAST(" + field + " AS DOUBLE)";
    return switch (name) {
      case "count" -> fetch("COUNT(" + field + ")", true, false);
      case "sum" -> fetch("SUM(" + field + ")", false, false);
      case "mean" -> fetch("AVG(" + asDouble + ")", false, false);
      case "min" -> fetch("MIN(" + field + ")", false, false);
      case "max" -> fetch("MAX(" + field + ")", false, false);
      case "first", "last" ->
          fetch(
              InfluxSelectors.bucketFunction(InfluxSelectors.Kind.of(name), sqlType(type))
                  + "("
                  + field
                  + ", \"time\")",
              false,
              false);
      case "stddev" -> fetch("STDDEV_SAMP(" + asDouble + ")", false, false);
      case "median" -> fetch("MEDIAN(" + asDouble + ")", false, false);
      case "mode" -> fetch(InfluxMode.function(sqlType(type)) + "(" + field + ")", false, false);
      default -> throw unsupported(name);
    };
  }

  /**
   * The field of a statement whose one field is {@code distinct(f)} (or {@code DISTINCT f}), null
   * for any other statement; distinct() with anything else is InfluxDB's error.
   */
  private String distinctField(List<Field> fields) {
    String found = null;
    for (Field f : fields) {
      Expr e = f.expr();
      if (e instanceof Expr.Distinct d) {
        found = d.name();
      } else if (e instanceof Expr.Call c && c.name().equals("distinct")) {
        if (c.args().size() != 1 || !(c.args().get(0) instanceof Expr.VarRef v)) {
          throw new InfluxQLException("distinct function requires at least one argument");
        }
        found = v.name();
      }
    }
    if (found != null && fields.size() > 1) {
      throw new InfluxQLException(
          "aggregate function distinct() cannot be combined with other functions or fields");
    }
    return found;
  }

  /**
   * {@code distinct(f)}: each value once per bucket and series, with the time it first occurs, so
   * that the assembler orders them as InfluxDB does (by that time, then by value). InfluxDB fills
   * no empty bucket for it.
   */
  private SelectQuery distinct(String name, Field field, TreeSet<String> tags, long offset) {
    if (select.descending()) {
      throw notOverLake("distinct() with ORDER BY time DESC");
    }
    Expr.VarRef ref = new Expr.VarRef(name, null);
    String column = fieldArgument("distinct", ref);
    fetch(column, false, false);
    fetch("MIN(\"time\")", false, false);
    List<String> groups = new ArrayList<>();
    for (String t : tags) {
      groups.add(tagColumn(t));
    }
    if (interval != 0) {
      groups.add(bucket(interval, offset));
    }
    List<String> selected = new ArrayList<>(groups);
    selected.addAll(fetchedSql);
    groups.add(column);
    String sql =
        "SELECT "
            + String.join(", ", selected)
            + " FROM "
            + from()
            + " WHERE "
            + pointsOf(column)
            + " GROUP BY "
            + String.join(", ", groups);
    return new SelectQuery(
        sql,
        List.copyOf(tags),
        interval != 0,
        List.copyOf(fetchedCounts),
        List.of(field.alias() != null ? field.alias() : "distinct"),
        List.of(new Eval.Fetched(0)),
        List.of(),
        interval,
        offset,
        -1,
        List.of(),
        SelectQuery.Form.DISTINCT,
        0,
        range,
        select);
  }

  private static boolean calls(Expr e, String name) {
    if (e instanceof Expr.Call c) {
      return c.name().equals(name) || c.args().stream().anyMatch(a -> calls(a, name));
    } else if (e instanceof Expr.Binary b) {
      return calls(b.lhs(), name) || calls(b.rhs(), name);
    } else if (e instanceof Expr.Paren p) {
      return calls(p.expr(), name);
    }
    return false;
  }

  /**
   * {@code integral(f[, unit])}, the statement's one field: each series' points in time order,
   * integrated by the assembler as InfluxDB's reducer integrates them.
   */
  private SelectQuery integral(List<Field> fields, TreeSet<String> tags, long offset) {
    if (fields.size() != 1 || !(fields.get(0).expr() instanceof Expr.Call c)) {
      throw notOverLake("integral() with other fields or in arithmetic");
    }
    if (select.descending()) {
      throw notOverLake("integral() with ORDER BY time DESC");
    }
    if (c.args().isEmpty() || c.args().size() > 2) {
      throw new InfluxQLException(
          "invalid number of arguments for integral, expected at least 1 but no more than 2, got "
              + c.args().size());
    }
    long unit = 1_000_000_000L;
    if (c.args().size() == 2) {
      if (!(c.args().get(1) instanceof Expr.DurationLit d) || d.nanos() <= 0) {
        throw new InfluxQLException("second argument must be a duration");
      }
      unit = d.nanos();
    }
    return seriesPoints(
        "integral",
        fields.get(0),
        c.args().get(0),
        tags,
        offset,
        SelectQuery.Form.INTEGRAL,
        unit,
        List.of());
  }

  /**
   * {@code derivative(f[, unit])} and the other transformations of raw points, the statement's one
   * field: each series' points in time order, transformed by the assembler as InfluxDB's reducers
   * transform them (a derivative per second unless a unit is given).
   */
  private SelectQuery rawTransform(
      Transform.Kind kind, List<Field> fields, TreeSet<String> tags, long offset) {
    Expr.Call c = (Expr.Call) fields.get(0).expr();
    String name = c.name();
    if (select.descending()) {
      throw notOverLake(name + "() with ORDER BY time DESC");
    }
    checkArguments(kind, c);
    Transform t =
        new Transform(kind, new Eval.Fetched(0), unit(kind, c, 1_000_000_000L), window(kind, c));
    return seriesPoints(
        name,
        fields.get(0),
        c.args().get(0),
        tags,
        offset,
        SelectQuery.Form.POINT_TRANSFORM,
        0,
        List.of(t));
  }

  /**
   * A statement answered from each series' points in time order (fetched: the field's value and the
   * row's series key), which the assembler reduces ({@code form}).
   */
  private SelectQuery seriesPoints(
      String function,
      Field field,
      Expr arg,
      TreeSet<String> tags,
      long offset,
      SelectQuery.Form form,
      long unit,
      List<Transform> transforms) {
    String column = fieldArgument(function, arg);
    FieldType type = fieldType(arg);
    if (type == FieldType.STRING || type == FieldType.BOOLEAN) {
      throw new InfluxQLException(
          function + "() needs a numeric field; " + Printer.print(arg) + " is not one");
    }
    fetch(column, false, false);
    fetch(seriesKey(), false, false);
    List<String> selected = new ArrayList<>();
    for (String t : tags) {
      selected.add(tagColumn(t));
    }
    selected.add("\"time\"");
    selected.addAll(fetchedSql);
    String sql =
        "SELECT "
            + String.join(", ", selected)
            + " FROM "
            + from()
            + " WHERE "
            + pointsOf(column)
            + " ORDER BY \"time\"";
    return new SelectQuery(
        sql,
        List.copyOf(tags),
        true,
        List.copyOf(fetchedCounts),
        List.of(field.name()),
        List.of(new Eval.Fetched(0)),
        List.of(),
        interval,
        offset,
        -1,
        transforms,
        form,
        unit,
        range,
        select);
  }

  /**
   * {@code derivative(mean(f)[, unit])} and the other transformations of an aggregate: the
   * aggregate is fetched per bucket and transformed by the assembler; the field's value reads the
   * transformed series ({@link Transform}).
   */
  private Eval transform(Transform.Kind kind, Expr.Call c) {
    String name = c.name();
    if (interval == 0) {
      throw new InfluxQLException(name + " aggregate requires a GROUP BY interval");
    }
    if (insideTransform) {
      throw notOverLake("a transformation of a transformation");
    }
    if (select.descending()) {
      throw notOverLake(name + "() with ORDER BY time DESC");
    }
    checkArguments(kind, c);
    if (!(c.args().get(0) instanceof Expr.Call)) {
      throw notOverLake(name + "() of raw points (" + name + "() of an aggregate is)");
    }
    long unit = unit(kind, c, interval);
    int window = window(kind, c);
    for (Transform t : transforms) {
      if (t.kind().readsBucketBefore() != kind.readsBucketBefore()) {
        throw notOverLake("cumulative_sum() with another transformation");
      }
    }
    insideTransform = true;
    Eval inner;
    try {
      inner = aggregateOutput(c.args().get(0));
    } finally {
      insideTransform = false;
    }
    fieldTransformed = true;
    transforms.add(new Transform(kind, inner, unit, window));
    return new Eval.Fetched(transforms.size() - 1);
  }

  /** The WHERE clause's condition on the points of {@code column} (those with a value). */
  private String pointsOf(String column) {
    String bounds = where(range);
    return (bounds.isEmpty() ? "" : bounds + " AND ") + column + " IS NOT NULL";
  }

  /** A transformation's number of arguments: a derivative's unit is optional, a window is not. */
  private static void checkArguments(Transform.Kind kind, Expr.Call c) {
    int arity = kind == Transform.Kind.MOVING_AVERAGE ? 2 : 1;
    int most = isDerivative(kind) ? 2 : arity;
    if (c.args().size() < arity || c.args().size() > most) {
      throw new InfluxQLException(
          "invalid number of arguments for "
              + c.name()
              + ", expected "
              + arity
              + ", got "
              + c.args().size());
    }
  }

  private static boolean isDerivative(Transform.Kind kind) {
    return kind == Transform.Kind.DERIVATIVE || kind == Transform.Kind.NON_NEGATIVE_DERIVATIVE;
  }

  /** A derivative's unit: its second argument, else (and for the others) {@code otherwise}. */
  private static long unit(Transform.Kind kind, Expr.Call c, long otherwise) {
    if (!isDerivative(kind) || c.args().size() < 2) {
      return otherwise;
    }
    if (!(c.args().get(1) instanceof Expr.DurationLit d) || d.nanos() <= 0) {
      throw new InfluxQLException(
          "second argument to "
              + c.name()
              + " must be a duration, got "
              + Printer.print(c.args().get(1)));
    }
    return d.nanos();
  }

  /** moving_average's window (its second argument); 0 for the others. */
  private static int window(Transform.Kind kind, Expr.Call c) {
    if (kind != Transform.Kind.MOVING_AVERAGE) {
      return 0;
    }
    if (!(c.args().get(1) instanceof Expr.IntegerLit n) || n.value() < 2) {
      throw new InfluxQLException(
          "moving_average window must be greater than 1, got " + Printer.print(c.args().get(1)));
    }
    return (int) Math.min(n.value(), 100_000);
  }

  /**
   * The range the transformations read: InfluxDB reads one interval before the WHERE clause's start
   * for all but cumulative_sum, so that the first bucket has a predecessor.
   */
  private TimeCondition transformRange(boolean anyPlain) {
    if (anyPlain) {
      throw notOverLake("transformations and plain aggregates in one statement");
    }
    if (!range.hasMin() || !transforms.get(0).kind().readsBucketBefore()) {
      return range;
    }
    return new TimeCondition(range.rest(), range.min() - interval, range.max());
  }

  private static InfluxQLException unsupported(String name) {
    return new InfluxQLException(
        name
            + "() is not supported by the gateway over the lake (supported: count, sum, mean,"
            + " median, mode, min, max, first, last, spread, stddev, percentile, distinct,"
            + " count(distinct()), integral, and of aggregates derivative,"
            + " non_negative_derivative, difference, non_negative_difference, moving_average,"
            + " cumulative_sum)");
  }

  private static InfluxQLException notOverLake(String what) {
    return new InfluxQLException(what + " is not supported by the gateway over the lake");
  }

  /** {@code percentile(f, N)}: InfluxDB's nearest rank ({@link StatisticalAggregates}). */
  private Eval percentile(Expr.Call c) {
    if (c.args().size() != 2) {
      throw new InfluxQLException(
          "invalid number of arguments for percentile, expected 2, got " + c.args().size());
    }
    double percent;
    if (c.args().get(1) instanceof Expr.NumberLit n) {
      percent = n.value();
    } else if (c.args().get(1) instanceof Expr.IntegerLit i) {
      percent = i.value();
    } else {
      throw new InfluxQLException(
          "expected float argument in percentile(): " + Printer.print(c.args().get(1)));
    }
    Expr arg = c.args().get(0);
    String field = fieldArgument("percentile", arg);
    String asDouble = fieldType(arg) == FieldType.FLOAT ? field : "CAST(" + field + " AS DOUBLE)";
    return fetch(
        StatisticalAggregates.INFLUX_PERCENTILE + "(" + asDouble + ", " + percent + ")",
        false,
        false);
  }

  private String fieldArgument(String function, Expr arg) {
    if (arg instanceof Expr.VarRef v) {
      // A tag (or a name the measurement lacks) is a field without values here, as in InfluxDB.
      return kind(v) == SqlConditions.Kind.FIELD && v.type() != DataType.TAG
          ? sqlName(v.name())
          : "CAST(NULL AS DOUBLE)";
    }
    throw new InfluxQLException("expected field argument in " + function + "()");
  }

  private FieldType fieldType(Expr arg) {
    return arg instanceof Expr.VarRef v
        ? schema.field(v.name()).map(FieldColumn::type).orElse(FieldType.FLOAT)
        : FieldType.FLOAT;
  }

  private Eval.Fetched fetch(String sql, boolean count, boolean rawField) {
    Integer known = fetchedIndex.get(sql);
    if (known != null) {
      return new Eval.Fetched(known);
    }
    int index = fetchedSql.size();
    fetchedSql.add(sql);
    fetchedCounts.add(count);
    fetchedIndex.put(sql, index);
    if (rawField) {
      rawFields.add(index);
    }
    return new Eval.Fetched(index);
  }

  private static Eval constant(Expr e) {
    if (e instanceof Expr.IntegerLit i) {
      return new Eval.Constant(i.value());
    } else if (e instanceof Expr.NumberLit n) {
      return new Eval.Constant(n.value());
    }
    throw new InfluxQLException("invalid expression in SELECT: " + Printer.print(e));
  }

  private static Token arithmetic(Token op) {
    return switch (op) {
      case ADD, SUB, MUL, DIV, MOD, BITWISE_AND, BITWISE_OR, BITWISE_XOR -> op;
      default ->
          throw new InfluxQLException(
              "invalid operator "
                  + op
                  + " in SELECT clause; operator is intended for WHERE clause");
    };
  }

  private SqlConditions.Kind kind(Expr.VarRef v) {
    return conditions.kind(v);
  }

  private String tagColumn(String tag) {
    return conditions.tagColumn(tag);
  }

  private String where(TimeCondition range) {
    return conditions.where(range);
  }

  static String sqlName(String name) {
    return SqlConditions.sqlName(name);
  }

  static String sqlString(String s) {
    return SqlConditions.sqlString(s);
  }
}
