package io.tidewater.federation.influxql;

import java.time.ZoneId;
import java.util.List;

/** One InfluxQL statement of those the gateway answers, or one it refuses. */
public sealed interface Statement {

  /**
   * A SELECT. Limits are 0 when absent; {@code fillValue} is set for {@link Fill#NUMBER}; {@code
   * location} is null without {@code tz()}; {@code into} is the target of SELECT INTO, else null.
   */
  record Select(
      List<Field> fields,
      String into,
      List<Source> sources,
      Expr condition,
      List<Expr> dimensions,
      Fill fill,
      Number fillValue,
      boolean descending,
      int limit,
      int offset,
      int slimit,
      int soffset,
      ZoneId location,
      String text)
      implements Statement {
    public Select {
      fields = List.copyOf(fields);
      sources = List.copyOf(sources);
      dimensions = List.copyOf(dimensions);
    }

    /** The same statement with its own text of the query it came in (empty for a subquery). */
    Select withText(String statementText) {
      return new Select(
          fields,
          into,
          sources,
          condition,
          dimensions,
          fill,
          fillValue,
          descending,
          limit,
          offset,
          slimit,
          soffset,
          location,
          statementText);
    }

    /** Whether any field calls a function (an aggregate, selector or transformation). */
    public boolean isRaw() {
      return fields.stream().noneMatch(f -> hasCall(f.expr()));
    }

    private static boolean hasCall(Expr e) {
      if (e instanceof Expr.Call) {
        return true;
      } else if (e instanceof Expr.Binary b) {
        return hasCall(b.lhs()) || hasCall(b.rhs());
      } else if (e instanceof Expr.Paren p) {
        return hasCall(p.expr());
      }
      return false;
    }
  }

  /** {@code SHOW DATABASES}. */
  record ShowDatabases() implements Statement {}

  /** {@code SHOW RETENTION POLICIES [ON db]} (database null without ON). */
  record ShowRetentionPolicies(String database) implements Statement {}

  /**
   * {@code SHOW MEASUREMENTS [ON db] [WITH MEASUREMENT =|=~ source] [WHERE ...] [LIMIT] [OFFSET]}.
   */
  record ShowMeasurements(
      String database, Source.Measurement with, Expr condition, int limit, int offset)
      implements Statement {}

  /** {@code SHOW TAG KEYS [ON db] [FROM ...] [WHERE ...] [LIMIT] [OFFSET]}. */
  record ShowTagKeys(String database, List<Source> sources, Expr condition, int limit, int offset)
      implements Statement {
    public ShowTagKeys {
      sources = List.copyOf(sources);
    }
  }

  /**
   * {@code SHOW TAG VALUES [ON db] [FROM ...] WITH KEY = k | != k | IN (k, ...) | =~ /re/ | !~ /re/
   * [WHERE ...] [LIMIT] [OFFSET]}: {@code keys} holds the key names for =, != and IN, {@code
   * keyRegex} the regex.
   */
  record ShowTagValues(
      String database,
      List<Source> sources,
      Token op,
      List<String> keys,
      Expr.RegexLit keyRegex,
      Expr condition,
      int limit,
      int offset)
      implements Statement {
    public ShowTagValues {
      sources = List.copyOf(sources);
      keys = List.copyOf(keys);
    }
  }

  /** {@code SHOW FIELD KEYS [ON db] [FROM ...] [LIMIT] [OFFSET]}. */
  record ShowFieldKeys(String database, List<Source> sources, int limit, int offset)
      implements Statement {
    public ShowFieldKeys {
      sources = List.copyOf(sources);
    }
  }

  /** {@code SHOW SERIES [ON db] [FROM ...] [WHERE ...] [LIMIT] [OFFSET]}. */
  record ShowSeries(String database, List<Source> sources, Expr condition, int limit, int offset)
      implements Statement {
    public ShowSeries {
      sources = List.copyOf(sources);
    }
  }

  /**
   * A statement the gateway does not run (it changes data or administers InfluxDB): its leading
   * keywords, e.g. {@code DROP MEASUREMENT}.
   */
  record Refused(String kind) implements Statement {}
}
