package io.tidewater.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.parser.SqlParserUtil;
import org.apache.calcite.util.TimestampString;
import org.junit.jupiter.api.Test;

/** Statements as query shapes: time bounds become parameters, everything else stays as written. */
class SqlShapeTest {

  private static final SqlParser.Config PARSER = SqlEngine.PARSER;

  private static long millis(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  @Test
  void dashboardSpellingsAreReadAsTheParserReadsThem() {
    for (String literal :
        List.of(
            "2025-05-01 00:00:00",
            "2024-02-29 23:59:59.9",
            "1969-12-31 23:59:59.05",
            "0001-01-01 00:00:00.001",
            "9999-12-31 23:59:59.999")) {
      long parsed =
          SqlParserUtil.parseTimestampLiteral(literal, SqlParserPos.ZERO)
              .getValueAs(TimestampString.class)
              .getMillisSinceEpoch();
      assertEquals(parsed, SqlShape.plainMillis(literal), literal);
    }
    // Anything else is left to the parser (which reports what is wrong, or reads it its own way).
    for (String literal :
        List.of(
            "2023-02-29 00:00:00",
            "2025-05-01 24:00:00",
            "2025-05-01 00:00:00.0001",
            "2025-05-01T00:00:00",
            "2025-5-1 00:00:00",
            " 2025-05-01 00:00:00")) {
      assertNull(SqlShape.plainMillis(literal), literal);
    }
  }

  /**
   * A text whose line breaks the parser counts otherwise than a plain scan (a lone carriage return)
   * must not pair a parameter with another literal of the same value: a later text differing in
   * that literal gets its own values, never the other literal's.
   */
  @Test
  void aParameterIsNeverPairedWithAnotherLiteral() {
    String template = "SELECT * FROM cpu\rWHERE host    = 'x'\nAND region LIKE '%s'";
    SqlShape.cached(template.formatted("x"), PARSER);
    String other = template.formatted("eu%");
    SqlShape cached = SqlShape.cached(other, PARSER);
    assertEquals(SqlShape.of(other, PARSER), cached);
    assertEquals(List.of("x"), cached.values());
    assertTrue(cached.text().contains("'eu%'"), cached.text());
  }

  /**
   * A table hint survives the shape: the InfluxQL translation's {@code influxql_groups} was lost
   * there, so every InfluxQL aggregate asked InfluxDB to count every other field too.
   */
  @Test
  void tableHintsAreKept() {
    String sql =
        "SELECT host, AVG(usage_user) FROM db.cpu /*+ influxql_groups */"
            + " WHERE \"time\" >= TIMESTAMP '2025-05-28 00:00:00' GROUP BY host";
    SqlShape shape = SqlShape.of(sql, PARSER);
    assertTrue(shape.parameterized(), shape.text());
    assertTrue(shape.text().contains("/*+ \"influxql_groups\" */"), shape.text());
    assertEquals(shape, SqlShape.cached(sql, PARSER));
  }

  @Test
  void timeBoundsBecomeParametersOfOneShape() {
    SqlShape a =
        SqlShape.of(
            "SELECT * FROM \"db\".\"cpu\" WHERE \"time\" >= TIMESTAMP '2025-05-01 00:00:00'"
                + " AND \"time\" < TIMESTAMP '2025-05-01 01:00:00.250' AND host = 'a'",
            PARSER);
    SqlShape b =
        SqlShape.of(
            "SELECT * FROM \"db\".\"cpu\" WHERE \"time\" >= TIMESTAMP '2025-06-01 10:00:00'"
                + " AND \"time\" < TIMESTAMP '2025-06-01 11:00:00' AND host = 'a'",
            PARSER);
    assertEquals(a.text(), b.text());
    assertEquals(
        List.of(millis("2025-05-01T00:00:00Z"), millis("2025-05-01T01:00:00.250Z"), "a"),
        a.values());
    assertTrue(a.text().contains("?"), a.text());
  }

  @Test
  void stringsComparedWithAColumnBecomeParametersToo() {
    String template =
        "SELECT * FROM \"db\".\"cpu\" WHERE %s AND \"time\" >= TIMESTAMP '2025-05-01 00:00:00'"
            + " AND \"region\" LIKE 'eu%%' AND UPPER(\"dc\") = 'A' AND \"rack\" IN ('r1', 'r2')"
            + " AND \"site\" = N'x'";
    SqlShape a = SqlShape.of(template.formatted("host = 'a' AND 'b' <> \"zone\""), PARSER);
    SqlShape b = SqlShape.of(template.formatted("host = 'c' AND 'd' <> \"zone\""), PARSER);
    assertEquals(a.text(), b.text());
    assertEquals(List.of("a", "b", millis("2025-05-01T00:00:00Z")), a.values());
    assertEquals(List.of("c", "d", millis("2025-05-01T00:00:00Z")), b.values());
    // LIKE, IN, a compared expression and a prefixed literal stay as written.
    for (String kept : List.of("'eu%'", "'A'", "'r1'", "'r2'", "'x'")) {
      assertTrue(a.text().contains(kept), kept + " in " + a.text());
    }
    // Found again without parsing, for another host.
    SqlShape.cached(template.formatted("host = 'a' AND 'b' <> \"zone\""), PARSER);
    String other = template.formatted("host = 'it''s' AND 'e' <> \"zone\"");
    assertEquals(SqlShape.of(other, PARSER), SqlShape.cached(other, PARSER));
    assertEquals("it's", SqlShape.cached(other, PARSER).values().get(0));
  }

  @Test
  void betweenAndQualifiedTimeColumnsToo() {
    SqlShape s =
        SqlShape.of(
            "SELECT c.\"time\" FROM \"db\".\"cpu\" c WHERE c.\"time\" BETWEEN"
                + " TIMESTAMP '2025-05-01 00:00:00' AND TIMESTAMP '2025-05-02 00:00:00'",
            PARSER);
    assertEquals(2, s.values().size(), s.text());
  }

  @Test
  void whatDecidesMoreOfAPlanStaysInTheShape() {
    for (String sql :
        List.of(
            // not compared with time: DATE_BIN's origin, another column, a sub-millisecond bound
            "SELECT DATE_BIN(INTERVAL '1' HOUR, \"time\", TIMESTAMP '1970-01-01 00:00:00')"
                + " FROM \"db\".\"cpu\"",
            "SELECT * FROM \"db\".\"cpu\" WHERE \"seen\" > TIMESTAMP '2025-05-01 00:00:00'",
            "SELECT * FROM \"db\".\"cpu\" WHERE \"time\" > TIMESTAMP '2025-05-01 00:00:00.0005'",
            // the statement's own parameters, other statements, text that does not parse
            "SELECT * FROM \"db\".\"cpu\" WHERE \"time\" > ? AND host = 'x'",
            "EXPLAIN PLAN FOR SELECT 1",
            "SELECT * FROM WHERE \"time\" > TIMESTAMP '2025-05-01 00:00:00'")) {
      SqlShape s = SqlShape.of(sql, PARSER);
      assertFalse(s.parameterized(), sql);
      assertEquals(sql, s.text());
    }
  }

  @Test
  void adversarialLiteralsKeepTheirEscaping() {
    String sql =
        "SELECT \"we\"\"ird\" FROM \"db\".\"c\"\"p u\" WHERE \"host\" = 'o''brien ü \\\\ /x/'"
            + " AND \"time\" < TIMESTAMP '2025-05-01 00:00:00' AND \"note\" LIKE '%''%'";
    SqlShape s = SqlShape.of(sql, PARSER);
    assertEquals(List.of("o'brien ü \\\\ /x/", millis("2025-05-01T00:00:00Z")), s.values());
    assertEquals(s, SqlShape.cached(sql, PARSER));
    assertTrue(s.text().contains("\"we\"\"ird\""), s.text());
    assertTrue(s.text().contains("\"c\"\"p u\""), s.text());
    assertTrue(s.text().contains("'%''%'"), s.text());
  }

  /**
   * A text differing from one shaped before only inside its TIMESTAMP literals gets its shape
   * without parsing, with exactly the values the parser would read; texts whose literal-looking
   * parts lie in comments or names are parsed every time.
   */
  @Test
  void aRefreshedDashboardStatementIsShapedWithoutParsing() {
    String template =
        "SELECT COUNT(*) FROM \"db\".\"cpu\" WHERE \"time\" >= TIMESTAMP '%s'\n"
            + "  AND\"time\" < timestamp  '%s' AND host = 'a'";
    SqlShape first =
        SqlShape.cached(template.formatted("2025-05-01 00:00:00", "2025-05-02 00:00:00"), PARSER);
    for (String[] bounds :
        List.of(
            new String[] {"2025-05-01 00:00:10", "2025-05-02 00:00:10.5"},
            new String[] {"2024-12-31 23:59:59.999", "2025-01-01 00:00:00"})) {
      String sql = template.formatted(bounds[0], bounds[1]);
      SqlShape cached = SqlShape.cached(sql, PARSER);
      assertEquals(SqlShape.of(sql, PARSER), cached, sql);
      assertEquals(first.text(), cached.text());
    }
    // A sub-millisecond bound stays a literal: another shape, found by parsing.
    String fine = template.formatted("2025-05-01 00:00:00.0001", "2025-05-02 00:00:00");
    assertEquals(SqlShape.of(fine, PARSER), SqlShape.cached(fine, PARSER));
    assertEquals(
        List.of(millis("2025-05-02T00:00:00Z"), "a"), SqlShape.cached(fine, PARSER).values());
    // A literal-looking comment next to a real bound hidden from the pattern by a comment: the
    // values are always the real bound's.
    String tricky =
        "SELECT COUNT(*) FROM \"db\".\"cpu\" WHERE \"time\" > TIMESTAMP/**/'%s' -- TIMESTAMP '%s'";
    SqlShape.cached(tricky.formatted("2025-05-01 00:00:00", "2025-05-01 00:00:00"), PARSER);
    SqlShape other =
        SqlShape.cached(tricky.formatted("2025-05-01 00:00:00", "2030-01-01 00:00:00"), PARSER);
    assertEquals(List.of(millis("2025-05-01T00:00:00Z")), other.values());
  }
}
