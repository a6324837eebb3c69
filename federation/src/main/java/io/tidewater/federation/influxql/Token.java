package io.tidewater.federation.influxql;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * InfluxQL's lexical tokens, named and printed as InfluxDB's own parser (influxdata/influxql,
 * token.go) names and prints them, so that error messages read the same ({@code found FROM,
 * expected identifier}). A few tokens print as nothing there (INTEGER, BOUNDPARAM, COMMENT,
 * BADREGEX): kept so.
 */
public enum Token {
  ILLEGAL("ILLEGAL"),
  EOF("EOF"),
  WS("WS"),
  COMMENT(""),

  IDENT("IDENT"),
  BOUNDPARAM(""),
  NUMBER("NUMBER"),
  INTEGER(""),
  DURATIONVAL("DURATIONVAL"),
  STRING("STRING"),
  BADSTRING("BADSTRING"),
  BADESCAPE("BADESCAPE"),
  TRUE("TRUE"),
  FALSE("FALSE"),
  REGEX("REGEX"),
  BADREGEX(""),

  ADD("+", 4),
  SUB("-", 4),
  MUL("*", 5),
  DIV("/", 5),
  MOD("%", 5),
  BITWISE_AND("&", 5),
  BITWISE_OR("|", 4),
  BITWISE_XOR("^", 4),
  AND("AND", 2),
  OR("OR", 1),
  EQ("=", 3),
  NEQ("!=", 3),
  EQREGEX("=~", 3),
  NEQREGEX("!~", 3),
  LT("<", 3),
  LTE("<=", 3),
  GT(">", 3),
  GTE(">=", 3),

  LPAREN("("),
  RPAREN(")"),
  COMMA(","),
  COLON(":"),
  DOUBLECOLON("::"),
  SEMICOLON(";"),
  DOT("."),

  ALL,
  ALTER,
  ANALYZE,
  ANY,
  AS,
  ASC,
  BEGIN,
  BY,
  CARDINALITY,
  CREATE,
  CONTINUOUS,
  DATABASE,
  DATABASES,
  DEFAULT,
  DELETE,
  DESC,
  DESTINATIONS,
  DIAGNOSTICS,
  DISTINCT,
  DROP,
  DURATION,
  END,
  EVERY,
  EXACT,
  EXPLAIN,
  FIELD,
  FOR,
  FROM,
  FUTURE,
  GRANT,
  GRANTS,
  GROUP,
  GROUPS,
  IN,
  INF,
  INSERT,
  INTO,
  KEY,
  KEYS,
  KILL,
  LIMIT,
  MEASUREMENT,
  MEASUREMENTS,
  NAME,
  OFFSET,
  ON,
  ORDER,
  PASSWORD,
  PAST,
  POLICY,
  POLICIES,
  PRIVILEGES,
  QUERIES,
  QUERY,
  READ,
  REPLICATION,
  RESAMPLE,
  RETENTION,
  REVOKE,
  SELECT,
  SERIES,
  SET,
  SHOW,
  SHARD,
  SHARDS,
  SLIMIT,
  SOFFSET,
  STATS,
  SUBSCRIPTION,
  SUBSCRIPTIONS,
  TAG,
  TO,
  USER,
  USERS,
  VALUES,
  VERBOSE,
  WHERE,
  WITH,
  WRITE;

  private static final Map<String, Token> KEYWORDS = new HashMap<>();

  static {
    for (Token t : values()) {
      if (t.keyword || t == AND || t == OR) {
        KEYWORDS.put(t.text.toLowerCase(Locale.ROOT), t);
      }
    }
    KEYWORDS.put("true", TRUE);
    KEYWORDS.put("false", FALSE);
  }

  private final String text;
  private final int precedence;
  private final boolean keyword;

  Token(String text, int precedence) {
    this.text = text;
    this.precedence = precedence;
    this.keyword = false;
  }

  Token(String text) {
    this(text, 0);
  }

  /** A keyword: printed as its name. */
  Token() {
    this.text = name();
    this.precedence = 0;
    this.keyword = true;
  }

  /** The keyword (case-insensitively) {@code ident} is, or IDENT. */
  public static Token lookup(String ident) {
    return KEYWORDS.getOrDefault(ident.toLowerCase(Locale.ROOT), IDENT);
  }

  /** The binding strength of a binary operator (OR 1 ... MUL 5); 0 for other tokens. */
  public int precedence() {
    return precedence;
  }

  /** Whether this is a binary operator. */
  public boolean isOperator() {
    return precedence > 0;
  }

  public boolean isKeyword() {
    return keyword;
  }

  /** As InfluxDB prints it in errors. */
  @Override
  public String toString() {
    return text;
  }
}
