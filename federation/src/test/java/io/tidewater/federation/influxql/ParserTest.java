package io.tidewater.federation.influxql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The parser against InfluxDB's own parser tests (influxql/parser_test.go): the statements it
 * accepts, how expressions bind, and the errors word for word.
 */
class ParserTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        ";;SELEC|found SELEC, expected SELECT, DELETE, SHOW, CREATE, DROP, EXPLAIN, GRANT,"
            + " REVOKE, ALTER, SET, KILL at line 1, char 3",
        "SELECT|found EOF, expected identifier, string, number, bool at line 1, char 8",
        "blah blah|found blah, expected SELECT, DELETE, SHOW, CREATE, DROP, EXPLAIN, GRANT,"
            + " REVOKE, ALTER, SET, KILL at line 1, char 1",
        "SELECT field1 X|found X, expected FROM at line 1, char 15",
        "SELECT field1 FROM \"series\" WHERE X +;|found ;, expected identifier, string, number,"
            + " bool at line 1, char 38",
        "SELECT field1 FROM myseries GROUP|found EOF, expected BY at line 1, char 35",
        "SELECT field1 FROM myseries LIMIT|found EOF, expected integer at line 1, char 35",
        "SELECT field1 FROM myseries LIMIT 10.5|found 10.5, expected integer at line 1, char 35",
        "SELECT field1 FROM myseries OFFSET|found EOF, expected integer at line 1, char 36",
        "SELECT field1 FROM myseries OFFSET 10.5|found 10.5, expected integer at line 1, char 36",
        "SELECT field1 FROM myseries ORDER|found EOF, expected BY at line 1, char 35",
        "SELECT field1 FROM myseries ORDER BY|found EOF, expected identifier, ASC, DESC at line 1,"
            + " char 38",
        "SELECT field1 FROM myseries ORDER BY /|found /, expected identifier, ASC, DESC at line 1,"
            + " char 38",
        "SELECT field1 FROM myseries ORDER BY 1|found 1, expected identifier, ASC, DESC at line 1,"
            + " char 38",
        "SELECT field1 FROM myseries ORDER BY time ASC,|found EOF, expected identifier at line 1,"
            + " char 47",
        "SELECT field1 FROM myseries ORDER BY time, field1|only ORDER BY time supported at this"
            + " time",
        "SELECT field1 AS|found EOF, expected identifier at line 1, char 18",
        "SELECT field1 FROM 12|found 12, expected identifier at line 1, char 20",
        "SELECT 10.5h FROM myseries|found h, expected FROM at line 1, char 12",
        "SELECT distinct FROM myseries|found FROM, expected identifier at line 1, char 17",
        "SELECT count(distinct) FROM myseries|found ), expected (, identifier at line 1, char 22",
        "SELECT field1 from myseries WHERE host =~ 'asd' LIMIT 1|found asd, expected regex at line"
            + " 1, char 42",
        "SELECT value > 2 FROM cpu|invalid operator > in SELECT clause at line 1, char 8; operator"
            + " is intended for WHERE clause",
        "SELECT value = 2 FROM cpu|invalid operator = in SELECT clause at line 1, char 8; operator"
            + " is intended for WHERE clause",
        "SELECT s =~ /foo/ FROM cpu|invalid operator =~ in SELECT clause at line 1, char 8;"
            + " operator is intended for WHERE clause",
        "SELECT mean(value) FROM cpu FILL + value|fill must be a function call",
        "SELECT mean(value) FROM cpu GROUP BY time(1m) fill(foo)|expected number argument in"
            + " fill()",
        "SELECT * FROM cpu WHERE \"tagkey\" = $$|empty bound parameter",
        "SELECT * FROM cpu WHERE \"tagkey\" = $x|missing parameter: x",
        "SHOW RETENTION|found EOF, expected POLICIES at line 1, char 16",
        "SHOW RETENTION ON|found ON, expected POLICIES at line 1, char 16",
        "SHOW RETENTION POLICIES ON|found EOF, expected identifier at line 1, char 28",
        "SHOW SHARD|found EOF, expected GROUPS at line 1, char 12",
        "SHOW FOO|found FOO, expected CONTINUOUS, DATABASES, DIAGNOSTICS, FIELD, GRANTS,"
            + " MEASUREMENT, MEASUREMENTS, QUERIES, RETENTION, SERIES, SHARD, SHARDS, STATS,"
            + " SUBSCRIPTIONS, TAG, USERS at line 1, char 6",
        "SHOW CONTINUOUS|found EOF, expected QUERIES at line 1, char 17",
        "DROP FOO|found FOO, expected CONTINUOUS, DATABASE, MEASUREMENT, RETENTION, SERIES, SHARD,"
            + " SUBSCRIPTION, USER at line 1, char 6",
        "CREATE FOO|found FOO, expected CONTINUOUS, DATABASE, USER, RETENTION, SUBSCRIPTION at line"
            + " 1, char 8",
        "$SHOW$DATABASES|found $SHOW, expected SELECT, DELETE, SHOW, CREATE, DROP, EXPLAIN, GRANT,"
            + " REVOKE, ALTER, SET, KILL at line 1, char 1",
        "SELECT a FROM b; SELECT c FROM d SELECT|found SELECT, expected ; at line 1, char 34",
        "SHOW TAG VALUES FROM cpu|found EOF, expected WITH at line 1, char 26",
        "SHOW TAG VALUES WITH KEY|found EOF, expected IN, =, =~ at line 1, char 26",
        "SHOW MEASUREMENTS WITH MEASUREMENT > cpu|found >, expected =, =~ at line 1, char 36",
        "SELECT x FROM y WHERE a =~ /(/|error parsing regexp: missing closing ): `(` at line 1,"
            + " char 27",
      })
  void refusesAsInfluxDbDoes(String query, String error) {
    ParseError e = assertThrows(ParseError.class, () -> Parser.parseQuery(query));
    assertEquals(error, e.getMessage());
  }

  @Test
  void bindsAsInfluxDb() {
    // * binds tighter than +; AND tighter than OR; comparisons between them.
    assertEquals("a + b * c", Printer.print(Parser.parseExpr("a + b * c")));
    Expr e = Parser.parseExpr("a = 1 OR b = 2 AND c = 3");
    Expr.Binary or = assertInstanceOf(Expr.Binary.class, e);
    assertEquals(Token.OR, or.op());
    assertEquals(Token.AND, ((Expr.Binary) or.rhs()).op());
    Expr.Binary mul = (Expr.Binary) ((Expr.Binary) Parser.parseExpr("a + b * c")).rhs();
    assertEquals(Token.MUL, mul.op());
    assertEquals(new Expr.IntegerLit(-5), Parser.parseExpr("-5"));
    assertEquals(new Expr.DurationLit(-3_600_000_000_000L), Parser.parseExpr("-1h"));
    assertEquals(
        new Expr.Binary(Token.MUL, new Expr.IntegerLit(-1), new Expr.VarRef("x", null)),
        Parser.parseExpr("-x"));
    assertEquals(new Expr.VarRef("x", DataType.TAG), Parser.parseExpr("x::tag"));
    assertEquals(new Expr.VarRef("db.rp.m", null), Parser.parseExpr("db.rp.m"));
  }

  @Test
  void readsGrafanasStatements() {
    List<Statement> statements =
        Parser.parseQuery(
            "SELECT mean(\"value\") AS \"v\" FROM \"db\".\"autogen\".\"cpu\" WHERE (\"host\" =~"
                + " /^(a|b\\/c)$/) AND time >= 1733290000000ms and time <= 1733293600000ms GROUP BY"
                + " time(1m, 10s), \"host\" fill(null) ORDER BY time DESC LIMIT 10 OFFSET 2 SLIMIT 3"
                + " SOFFSET 1 tz('Europe/Paris');SHOW TAG VALUES FROM \"cpu\" WITH KEY IN (\"host\","
                + " \"dc\") WHERE region = 'eu'");
    assertEquals(2, statements.size());
    Statement.Select s = (Statement.Select) statements.get(0);
    assertEquals("v", s.fields().get(0).name());
    assertEquals(new Source.Measurement("db", "autogen", "cpu", null), s.sources().get(0));
    assertEquals(Fill.NULL, s.fill());
    assertTrue(s.descending());
    assertEquals(List.of(10, 2, 3, 1), List.of(s.limit(), s.offset(), s.slimit(), s.soffset()));
    assertEquals("Europe/Paris", s.location().getId());
    // ((regex AND time >= ...) AND time <= ...): AND is left-associative.
    Expr.Binary first = (Expr.Binary) ((Expr.Binary) s.condition()).lhs();
    Expr.Paren regex = (Expr.Paren) first.lhs();
    assertEquals("^(a|b/c)$", ((Expr.RegexLit) ((Expr.Binary) regex.expr()).rhs()).source());
    Statement.ShowTagValues t = (Statement.ShowTagValues) statements.get(1);
    assertEquals(List.of("host", "dc"), t.keys());
    assertEquals(Token.IN, t.op());
    assertNull(t.keyRegex());
  }

  @Test
  void columnNamesAsInfluxDbNamesThem() {
    Statement.Select s =
        (Statement.Select)
            Parser.parseQuery("SELECT mean(x), x + y * 2, (z), max(a) - min(a) AS r FROM m").get(0);
    assertEquals(List.of("mean", "x_y", "z", "r"), s.fields().stream().map(Field::name).toList());
  }

  @Test
  void refusedStatementsAreSkippedWhole() {
    List<Statement> statements =
        Parser.parseQuery(
            "DROP MEASUREMENT \"a;b\"; DELETE FROM cpu WHERE host = ';'; SELECT x FROM y;"
                + " CREATE DATABASE z; SHOW SERIES CARDINALITY");
    assertEquals(
        List.of(
            new Statement.Refused("DROP MEASUREMENT"),
            new Statement.Refused("DELETE"),
            statements.get(2),
            new Statement.Refused("CREATE DATABASE"),
            new Statement.Refused("SHOW SERIES CARDINALITY")),
        statements);
  }
}
