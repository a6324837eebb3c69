package io.tidewater.federation.influxql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The scanner against the cases of InfluxDB's own scanner tests (influxdata/influxql,
 * scanner_test.go): same token, literal and position, quirks included (a string's position is the
 * character before its quote).
 */
class ScannerTest {

  @ParameterizedTest(name = "[{0}] -> {1} {2}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        "|EOF||0",
        "#|ILLEGAL|#|0",
        "~ ~|WS|~ ~|0",
        "~ foo~|WS|~ ~|0",
        "+|ADD||0",
        "-|SUB||0",
        "*|MUL||0",
        "/|DIV||0",
        "%|MOD||0",
        "AND|AND||0",
        "and|AND||0",
        "or|OR||0",
        "=|EQ||0",
        "<>|NEQ||0",
        "~! ~|ILLEGAL|!|0",
        "<=|LTE||0",
        ">=|GTE||0",
        "=~|EQREGEX||0",
        "!~|NEQREGEX||0",
        ":|COLON||0",
        "::|DOUBLECOLON||0",
        ".|DOT||0",
        "foo|IDENT|foo|0",
        "_foo|IDENT|_foo|0",
        "Zx12_3U_-|IDENT|Zx12_3U_|0",
        "\"foo\"|IDENT|foo|0",
        "\"foo\\\\bar\"|IDENT|foo\\bar|0",
        "\"foo\\bar\"|BADESCAPE|\\b|5",
        "\"foo\\\"bar\\\"\"|IDENT|foo\"bar\"|0",
        "test\"|BADSTRING||3",
        "\"test|BADSTRING|test|0",
        "$host|BOUNDPARAM|$host|0",
        "$\"host param\"|BOUNDPARAM|$host param|0",
        "true|TRUE||0",
        "FALSE|FALSE||0",
        "'testing 123!'|STRING|testing 123!|0",
        "'foo\\\\bar'|STRING|foo\\bar|0",
        "'test|BADSTRING|test|0",
        "'test\\g'|BADESCAPE|\\g|6",
        "100|INTEGER|100|0",
        "100.23|NUMBER|100.23|0",
        ".23|NUMBER|.23|0",
        "10.3s|NUMBER|10.3|0",
        "10u|DURATIONVAL|10u|0",
        "10µ|DURATIONVAL|10µ|0",
        "10ms|DURATIONVAL|10ms|0",
        "1h30m|DURATIONVAL|1h30m|0",
        "1733290000000ms|DURATIONVAL|1733290000000ms|0",
        "10x|DURATIONVAL|10x|0",
        "SELECT|SELECT||0",
        "select|SELECT||0",
        "SLIMIT|SLIMIT||0",
        "FUTURE|FUTURE||0",
        "-- comment|COMMENT||0",
        "/* block */|COMMENT||0",
        "/* open|ILLEGAL||0",
        "\u0000|ILLEGAL|\uFFFD|0",
      })
  void oneToken(String text, Token token, String literal, int ch) {
    text = text == null ? "" : text;
    literal = literal == null ? "" : literal; // an empty column is null
    Lexeme l = new Scanner(text).scan();
    assertEquals(token, l.token(), text);
    assertEquals(literal, l.literal(), text);
    assertEquals(ch, l.pos().ch(), text);
  }

  @Test
  void carriageReturnsAreNewlines() {
    String[][] cases = {
      {"\r", "\n"}, {"\r\n", "\n"}, {"\rX", "\n"}, {"\n\r", "\n\n"}, {" \n\t \r\n\t", " \n\t \n\t"}
    };
    for (String[] c : cases) {
      Lexeme l = new Scanner(c[0]).scan();
      assertEquals(Token.WS, l.token(), c[0]);
      assertEquals(c[1], l.literal(), c[0]);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        "/^payments\\./|REGEX|^payments\\.",
        "/foo\\/bar/|REGEX|foo/bar",
        "/foo\\\\/bar/|REGEX|foo\\/bar",
        "/foo\\\\bar/|REGEX|foo\\\\bar",
        "/http\\:\\/\\/www\\.example\\.com/|REGEX|http\\://www\\.example\\.com",
        "/open|BADREGEX|",
      })
  void regexes(String text, Token token, String literal) {
    Lexeme l = new Scanner(text).scanRegex();
    assertEquals(token, l.token(), text);
    assertEquals(literal == null ? "" : literal, l.literal(), text);
  }

  @Test
  void aStatementTokenByToken() {
    Scanner s = new Scanner("SELECT value from myseries WHERE a = 'b'");
    List<String> got = new ArrayList<>();
    for (Lexeme l = s.scan(); ; l = s.scan()) {
      got.add(l.token().name() + "@" + l.pos().ch() + ":" + l.literal());
      if (l.token() == Token.EOF) {
        break;
      }
    }
    assertEquals(
        List.of(
            "SELECT@0:",
            "WS@6: ",
            "IDENT@7:value",
            "WS@12: ",
            "FROM@13:",
            "WS@17: ",
            "IDENT@18:myseries",
            "WS@26: ",
            "WHERE@27:",
            "WS@32: ",
            "IDENT@33:a",
            "WS@34: ",
            "EQ@35:",
            "WS@36: ",
            "STRING@36:b",
            "EOF@40:"),
        got);
  }

  @Test
  void tokensPrintAsInfluxDbPrintsThem() {
    assertEquals("FROM", Token.FROM.toString());
    assertEquals("=~", Token.EQREGEX.toString());
    assertEquals("", Token.INTEGER.toString());
    assertEquals(Token.IDENT, Token.lookup("value"));
    assertEquals(Token.MEASUREMENTS, Token.lookup("measurements"));
    assertEquals(5, Token.MUL.precedence());
    assertEquals(1, Token.OR.precedence());
  }
}
