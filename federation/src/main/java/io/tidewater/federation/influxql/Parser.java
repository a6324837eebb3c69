package io.tidewater.federation.influxql;

import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * InfluxQL's parser for the statements the gateway answers (SELECT and the SHOW statements
 * dashboards send), a port of InfluxDB's own (influxdata/influxql, parser.go and parse_tree.go) so
 * that what it accepts, how it binds and how it words errors are the same. Statements the gateway
 * refuses (DROP, DELETE, CREATE, ALTER, GRANT, ...) are recognized by their leading keywords and
 * skipped to the next semicolon.
 */
public final class Parser {

  private static final BigInteger MAX_UNSIGNED =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  /** The statement tree: keywords leading to a handler, in InfluxDB's order (its error lists). */
  private static final Node LANGUAGE = language();

  private final Scanner scanner;
  private final Lexeme[] buf = new Lexeme[3];
  private int i;
  private int n;

  private Parser(String text) {
    this.scanner = new Scanner(text);
  }

  /** The statements of {@code text}, separated by semicolons. */
  public static List<Statement> parseQuery(String text) {
    Parser p = new Parser(text);
    List<Statement> statements = new ArrayList<>();
    boolean semi = true;
    while (true) {
      Lexeme l = p.scanIgnoreWhitespace();
      if (l.token() == Token.EOF) {
        return statements;
      } else if (l.token() == Token.SEMICOLON) {
        semi = true;
      } else {
        if (!semi) {
          throw ParseError.found(l, List.of(";"));
        }
        p.unscan();
        Statement s = p.parseStatement();
        if (s instanceof Statement.Select select) {
          // Its own text, up to the next semicolon or the end, to send on as written.
          Lexeme next = p.scanIgnoreWhitespace();
          p.unscan();
          int end = next.token() == Token.EOF ? text.length() : next.pos().offset();
          s = select.withText(text.substring(l.pos().offset(), end).strip());
        }
        statements.add(s);
        semi = false;
      }
    }
  }

  /** One expression (for tests and conditions given alone). */
  public static Expr parseExpr(String text) {
    Parser p = new Parser(text);
    Expr e = p.expr();
    Lexeme l = p.scanIgnoreWhitespace();
    if (l.token() != Token.EOF) {
      throw ParseError.found(l, List.of("EOF"));
    }
    return e;
  }

  // ---- statements

  private Statement parseStatement() {
    Node node = LANGUAGE;
    List<String> kind = new ArrayList<>();
    while (true) {
      Lexeme l = scanIgnoreWhitespace();
      Object next = node.next.get(l.token());
      if (next == null) {
        throw ParseError.found(
            l, List.copyOf(node.next.keySet().stream().map(Token::toString).toList()));
      }
      kind.add(l.token().toString());
      if (next instanceof Node sub) {
        node = sub;
        continue;
      }
      Handler h = (Handler) next;
      return h.parse(this, String.join(" ", kind));
    }
  }

  @FunctionalInterface
  private interface Handler {
    Statement parse(Parser p, String kind);
  }

  /** A level of the statement tree: each token leads to a deeper level or a handler. */
  private static final class Node {
    final Map<Token, Object> next = new LinkedHashMap<>();

    Node group(Token t) {
      return (Node) next.computeIfAbsent(t, k -> new Node());
    }

    Node handle(Token t, Handler h) {
      next.put(t, h);
      return this;
    }
  }

  private static Node language() {
    Handler refused = (p, kind) -> p.skipStatement(kind);
    Node root = new Node();
    root.handle(Token.SELECT, (p, kind) -> p.parseSelect(false));
    root.handle(Token.DELETE, refused);
    Node show = root.group(Token.SHOW);
    show.group(Token.CONTINUOUS).handle(Token.QUERIES, refused);
    show.handle(Token.DATABASES, (p, kind) -> new Statement.ShowDatabases());
    show.handle(Token.DIAGNOSTICS, refused);
    show.group(Token.FIELD)
        .handle(Token.KEY, refused)
        .handle(Token.KEYS, (p, kind) -> p.parseShowFieldKeys());
    show.group(Token.GRANTS).handle(Token.FOR, refused);
    show.group(Token.MEASUREMENT).handle(Token.EXACT, refused).handle(Token.CARDINALITY, refused);
    show.handle(Token.MEASUREMENTS, (p, kind) -> p.parseShowMeasurements());
    show.handle(Token.QUERIES, refused);
    show.group(Token.RETENTION).handle(Token.POLICIES, (p, kind) -> p.parseShowRetentionPolicies());
    show.handle(Token.SERIES, (p, kind) -> p.parseShowSeries(kind));
    show.group(Token.SHARD).handle(Token.GROUPS, refused);
    show.handle(Token.SHARDS, refused);
    show.handle(Token.STATS, refused);
    show.handle(Token.SUBSCRIPTIONS, refused);
    show.group(Token.TAG)
        .handle(Token.KEY, refused)
        .handle(Token.KEYS, (p, kind) -> p.parseShowTagKeys())
        .handle(Token.VALUES, (p, kind) -> p.parseShowTagValues(kind));
    show.handle(Token.USERS, refused);
    Node create = root.group(Token.CREATE);
    create.group(Token.CONTINUOUS).handle(Token.QUERY, refused);
    create.handle(Token.DATABASE, refused);
    create.handle(Token.USER, refused);
    create.group(Token.RETENTION).handle(Token.POLICY, refused);
    create.handle(Token.SUBSCRIPTION, refused);
    Node drop = root.group(Token.DROP);
    drop.group(Token.CONTINUOUS).handle(Token.QUERY, refused);
    drop.handle(Token.DATABASE, refused);
    drop.handle(Token.MEASUREMENT, refused);
    drop.group(Token.RETENTION).handle(Token.POLICY, refused);
    drop.handle(Token.SERIES, refused);
    drop.handle(Token.SHARD, refused);
    drop.handle(Token.SUBSCRIPTION, refused);
    drop.handle(Token.USER, refused);
    root.handle(Token.EXPLAIN, refused);
    root.handle(Token.GRANT, refused);
    root.handle(Token.REVOKE, refused);
    root.group(Token.ALTER).group(Token.RETENTION).handle(Token.POLICY, refused);
    root.group(Token.SET).group(Token.PASSWORD).handle(Token.FOR, refused);
    root.group(Token.KILL).handle(Token.QUERY, refused);
    return root;
  }

  /** Skips a refused statement's tokens up to its semicolon (strings and names stay whole). */
  private Statement skipStatement(String kind) {
    while (true) {
      Lexeme l = scan();
      if (l.token() == Token.EOF || l.token() == Token.SEMICOLON) {
        unscan();
        return new Statement.Refused(kind);
      }
    }
  }

  private Statement.Select parseSelect(boolean subquery) {
    List<Field> fields = parseFields();
    String into = parseTarget(subquery);
    expectToken(Token.FROM, "FROM");
    List<Source> sources = parseSources(true);
    Expr condition = parseCondition();
    List<Expr> dimensions = parseDimensions();
    Object[] fill = parseFill();
    boolean descending = parseOrderBy();
    int limit = parseOptionalTokenAndInt(Token.LIMIT);
    int offset = parseOptionalTokenAndInt(Token.OFFSET);
    int slimit = parseOptionalTokenAndInt(Token.SLIMIT);
    int soffset = parseOptionalTokenAndInt(Token.SOFFSET);
    ZoneId location = parseLocation();
    return new Statement.Select(
        fields,
        into,
        sources,
        condition,
        dimensions,
        (Fill) fill[0],
        (Number) fill[1],
        descending,
        limit,
        offset,
        slimit,
        soffset,
        location,
        "");
  }

  /** {@code INTO target}: kept as text only to refuse the statement. */
  private String parseTarget(boolean subquery) {
    Lexeme l = scanIgnoreWhitespace();
    if (l.token() != Token.INTO) {
      unscan();
      return null;
    }
    if (subquery) {
      throw ParseError.at("subqueries cannot have an INTO clause", l.pos());
    }
    List<String> idents = parseSegmentedIdents();
    Lexeme colon = scan();
    if (colon.token() == Token.COLON) {
      expectToken(Token.MEASUREMENT, "MEASUREMENT");
      idents.add(":MEASUREMENT");
    } else {
      unscan();
    }
    return String.join(".", idents);
  }

  private Statement parseShowMeasurements() {
    String database = null;
    if (scanIgnoreWhitespace().token() == Token.ON) {
      Lexeme l = scanIgnoreWhitespace();
      if (l.token() == Token.IDENT) {
        database = l.literal();
      } else if (l.token() == Token.MUL) {
        throw ParseError.at("SHOW MEASUREMENTS ON * is not supported", l.pos());
      } else {
        throw ParseError.found(l, List.of("identifier or *"));
      }
      if (scanIgnoreWhitespace().token() == Token.DOT) {
        Lexeme rp = scanIgnoreWhitespace();
        if (rp.token() != Token.IDENT && rp.token() != Token.MUL) {
          throw ParseError.found(rp, List.of("identifier or *"));
        }
      } else {
        unscan();
      }
    } else {
      unscan();
    }
    Source.Measurement with = null;
    if (scanIgnoreWhitespace().token() == Token.WITH) {
      expectToken(Token.MEASUREMENT, "MEASUREMENT");
      Lexeme op = scanIgnoreWhitespace();
      if (op.token() != Token.EQ && op.token() != Token.EQREGEX) {
        throw ParseError.found(op, List.of("=", "=~"));
      }
      Source s = parseSource(false);
      with = (Source.Measurement) s;
    } else {
      unscan();
    }
    Expr condition = parseCondition();
    parseOrderBy();
    int limit = parseOptionalTokenAndInt(Token.LIMIT);
    int offset = parseOptionalTokenAndInt(Token.OFFSET);
    return new Statement.ShowMeasurements(database, with, condition, limit, offset);
  }

  private Statement parseShowRetentionPolicies() {
    String database = null;
    if (scanIgnoreWhitespace().token() == Token.ON) {
      database = parseIdent();
    } else {
      unscan();
    }
    return new Statement.ShowRetentionPolicies(database);
  }

  private String parseOn() {
    if (scanIgnoreWhitespace().token() == Token.ON) {
      return parseIdent();
    }
    unscan();
    return null;
  }

  private List<Source> parseOptionalFrom() {
    if (scanIgnoreWhitespace().token() == Token.FROM) {
      return parseSources(false);
    }
    unscan();
    return List.of();
  }

  private Statement parseShowTagKeys() {
    String database = parseOn();
    List<Source> sources = parseOptionalFrom();
    if (scanIgnoreWhitespace().token() == Token.WITH) {
      unscan();
      Lexeme at = peekLexeme();
      parseTagKeyExpr();
      throw ParseError.at("SHOW TAG KEYS WITH KEY is not supported", at.pos());
    }
    unscan();
    Expr condition = parseCondition();
    parseOrderBy();
    int limit = parseOptionalTokenAndInt(Token.LIMIT);
    int offset = parseOptionalTokenAndInt(Token.OFFSET);
    parseOptionalTokenAndInt(Token.SLIMIT);
    parseOptionalTokenAndInt(Token.SOFFSET);
    return new Statement.ShowTagKeys(database, sources, condition, limit, offset);
  }

  private Statement parseShowTagValues(String kind) {
    Lexeme first = scanIgnoreWhitespace();
    if (first.token() == Token.EXACT || first.token() == Token.CARDINALITY) {
      return skipStatement(kind + " " + first.token());
    }
    unscan();
    String database = parseOn();
    List<Source> sources = parseOptionalFrom();
    Object[] key = parseTagKeyExpr();
    Expr condition = parseCondition();
    parseOrderBy();
    int limit = parseOptionalTokenAndInt(Token.LIMIT);
    int offset = parseOptionalTokenAndInt(Token.OFFSET);
    @SuppressWarnings("unchecked")
    List<String> keys = (List<String>) key[1];
    return new Statement.ShowTagValues(
        database,
        sources,
        (Token) key[0],
        keys == null ? List.of() : keys,
        (Expr.RegexLit) key[2],
        condition,
        limit,
        offset);
  }

  /** {@code WITH KEY op ...}: the operator, the key names (or null), the regex (or null). */
  private Object[] parseTagKeyExpr() {
    expectToken(Token.WITH, "WITH");
    expectToken(Token.KEY, "KEY");
    Lexeme l = scanIgnoreWhitespace();
    if (l.token() == Token.IN) {
      Lexeme paren = scanIgnoreWhitespace();
      if (paren.token() != Token.LPAREN) {
        throw ParseError.found(paren, List.of("("));
      }
      List<String> keys = parseIdentList();
      Lexeme close = scanIgnoreWhitespace();
      if (close.token() != Token.RPAREN) {
        throw ParseError.found(close, List.of(")"));
      }
      return new Object[] {Token.IN, keys, null};
    } else if (l.token() == Token.EQ || l.token() == Token.NEQ) {
      return new Object[] {l.token(), List.of(parseIdent()), null};
    } else if (l.token() == Token.EQREGEX || l.token() == Token.NEQREGEX) {
      Expr.RegexLit re = parseRegex();
      if (re == null) {
        throw ParseError.found(scanIgnoreWhitespace(), List.of("regex"));
      }
      return new Object[] {l.token(), null, re};
    }
    throw ParseError.found(l, List.of("IN", "=", "=~"));
  }

  private Statement parseShowFieldKeys() {
    String database = parseOn();
    List<Source> sources = parseOptionalFrom();
    parseOrderBy();
    int limit = parseOptionalTokenAndInt(Token.LIMIT);
    int offset = parseOptionalTokenAndInt(Token.OFFSET);
    return new Statement.ShowFieldKeys(database, sources, limit, offset);
  }

  private Statement parseShowSeries(String kind) {
    Lexeme first = scanIgnoreWhitespace();
    if (first.token() == Token.EXACT || first.token() == Token.CARDINALITY) {
      return skipStatement(kind + " " + first.token());
    }
    unscan();
    String database = parseOn();
    List<Source> sources = parseOptionalFrom();
    Expr condition = parseCondition();
    parseOrderBy();
    int limit = parseOptionalTokenAndInt(Token.LIMIT);
    int offset = parseOptionalTokenAndInt(Token.OFFSET);
    return new Statement.ShowSeries(database, sources, condition, limit, offset);
  }

  // ---- clauses

  private List<Field> parseFields() {
    List<Field> fields = new ArrayList<>();
    while (true) {
      fields.add(parseField());
      if (scan().token() != Token.COMMA) {
        unscan();
        return fields;
      }
    }
  }

  private Field parseField() {
    Expr e = parseRegex();
    if (e == null) {
      Pos pos = scanIgnoreWhitespace().pos();
      unscan();
      e = expr();
      Token bad = booleanOperator(e);
      if (bad != null) {
        throw ParseError.plain(
            "invalid operator "
                + bad
                + " in SELECT clause at line "
                + (pos.line() + 1)
                + ", char "
                + (pos.ch() + 1)
                + "; operator is intended for WHERE clause");
      }
    }
    String alias = parseAlias();
    consumeWhitespace();
    return new Field(e, alias);
  }

  /** The first comparison or logical operator in {@code e} (not allowed in a SELECT's fields). */
  private static Token booleanOperator(Expr e) {
    if (e instanceof Expr.Binary b) {
      switch (b.op()) {
        case EQ, NEQ, EQREGEX, NEQREGEX, LT, LTE, GT, GTE, AND, OR -> {
          return b.op();
        }
        default -> {
          Token l = booleanOperator(b.lhs());
          return l != null ? l : booleanOperator(b.rhs());
        }
      }
    } else if (e instanceof Expr.Paren p) {
      return booleanOperator(p.expr());
    } else if (e instanceof Expr.Call c) {
      for (Expr a : c.args()) {
        Token t = booleanOperator(a);
        if (t != null) {
          return t;
        }
      }
    }
    return null;
  }

  private String parseAlias() {
    if (scanIgnoreWhitespace().token() != Token.AS) {
      unscan();
      return null;
    }
    return parseIdent();
  }

  private List<Source> parseSources(boolean subqueries) {
    List<Source> sources = new ArrayList<>();
    while (true) {
      sources.add(parseSource(subqueries));
      if (scanIgnoreWhitespace().token() != Token.COMMA) {
        unscan();
        return sources;
      }
    }
  }

  private Source parseSource(boolean subqueries) {
    Expr.RegexLit re = parseRegex();
    if (re != null) {
      return new Source.Measurement(null, null, null, re);
    }
    if (subqueries) {
      if (scanIgnoreWhitespace().token() == Token.LPAREN) {
        expectToken(Token.SELECT, "SELECT");
        Statement.Select select = parseSelect(true);
        expectToken(Token.RPAREN, ")");
        return new Source.SubQuery(select);
      }
      unscan();
    }
    List<String> idents = parseSegmentedIdents();
    if (idents.size() == 3) {
      return new Source.Measurement(idents.get(0), idents.get(1), idents.get(2), null);
    }
    re = parseRegex();
    if (idents.size() == 1) {
      return re != null
          ? new Source.Measurement(null, idents.get(0), null, re)
          : new Source.Measurement(null, null, idents.get(0), null);
    }
    return re != null
        ? new Source.Measurement(idents.get(0), idents.get(1), null, re)
        : new Source.Measurement(null, idents.get(0), idents.get(1), null);
  }

  private Expr parseCondition() {
    if (scanIgnoreWhitespace().token() != Token.WHERE) {
      unscan();
      return null;
    }
    return expr();
  }

  private List<Expr> parseDimensions() {
    if (scanIgnoreWhitespace().token() != Token.GROUP) {
      unscan();
      return List.of();
    }
    expectToken(Token.BY, "BY");
    List<Expr> dimensions = new ArrayList<>();
    while (true) {
      Expr re = parseRegex();
      if (re != null) {
        dimensions.add(re);
      } else {
        dimensions.add(expr());
        consumeWhitespace();
      }
      if (scan().token() != Token.COMMA) {
        unscan();
        return dimensions;
      }
    }
  }

  /** {@code fill(...)}: the option and, for a number, its value. */
  private Object[] parseFill() {
    Lexeme l = scanIgnoreWhitespace();
    unscan();
    if (l.token() != Token.IDENT || !l.literal().toLowerCase(Locale.ROOT).equals("fill")) {
      return new Object[] {Fill.NULL, null};
    }
    Expr e = expr();
    if (!(e instanceof Expr.Call fill)) {
      throw ParseError.plain("fill must be a function call");
    }
    if (fill.args().size() != 1) {
      throw ParseError.plain("fill requires an argument, e.g.: 0, null, none, previous, linear");
    }
    Expr arg = fill.args().get(0);
    if (arg instanceof Expr.VarRef v && v.type() == null) {
      switch (v.name()) {
        case "null" -> {
          return new Object[] {Fill.NULL, null};
        }
        case "none" -> {
          return new Object[] {Fill.NONE, null};
        }
        case "previous" -> {
          return new Object[] {Fill.PREVIOUS, null};
        }
        case "linear" -> {
          return new Object[] {Fill.LINEAR, null};
        }
        default -> {
          // not an option: a number is required below
        }
      }
    }
    if (arg instanceof Expr.IntegerLit i) {
      return new Object[] {Fill.NUMBER, i.value()};
    } else if (arg instanceof Expr.NumberLit d) {
      return new Object[] {Fill.NUMBER, d.value()};
    }
    throw ParseError.plain("expected number argument in fill()");
  }

  private ZoneId parseLocation() {
    Lexeme l = scanIgnoreWhitespace();
    unscan();
    if (l.token() != Token.IDENT || !l.literal().toLowerCase(Locale.ROOT).equals("tz")) {
      return null;
    }
    Expr e = expr();
    if (!(e instanceof Expr.Call tz)) {
      throw ParseError.plain("tz must be a function call");
    }
    if (tz.args().size() != 1) {
      throw ParseError.plain("tz requires exactly one argument");
    }
    if (!(tz.args().get(0) instanceof Expr.StringLit name)) {
      throw ParseError.plain("expected string argument in tz()");
    }
    try {
      return ZoneId.of(name.value());
    } catch (DateTimeException e2) {
      throw ParseError.plain("unable to find time zone " + name.value());
    }
  }

  private int parseOptionalTokenAndInt(Token t) {
    if (scanIgnoreWhitespace().token() != t) {
      unscan();
      return 0;
    }
    Lexeme l = scanIgnoreWhitespace();
    if (l.token() != Token.INTEGER) {
      throw ParseError.found(l, List.of("integer"));
    }
    long n;
    try {
      n = Long.parseLong(l.literal());
    } catch (NumberFormatException e) {
      n = 0; // Go's ParseInt gives 0 with its error, which InfluxDB ignores here
    }
    if (n < 0) {
      throw ParseError.at(t + " must be >= 0", l.pos());
    }
    return (int) n;
  }

  /** {@code ORDER BY time [ASC|DESC]} or {@code ORDER BY ASC|DESC}: whether descending. */
  private boolean parseOrderBy() {
    if (scanIgnoreWhitespace().token() != Token.ORDER) {
      unscan();
      return false;
    }
    expectToken(Token.BY, "BY");
    Lexeme l = scanIgnoreWhitespace();
    boolean descending;
    int count = 1;
    switch (l.token()) {
      case ASC, DESC -> descending = l.token() == Token.DESC;
      case IDENT -> {
        unscan();
        descending = parseSortField();
        if (!l.literal().equals("time")) {
          throw ParseError.plain("only ORDER BY time supported at this time");
        }
      }
      default -> throw ParseError.found(l, List.of("identifier", "ASC", "DESC"));
    }
    while (true) {
      if (scanIgnoreWhitespace().token() != Token.COMMA) {
        unscan();
        break;
      }
      parseSortField();
      count++;
    }
    if (count > 1) {
      throw ParseError.plain("only ORDER BY time supported at this time");
    }
    return descending;
  }

  private boolean parseSortField() {
    parseIdent();
    Lexeme l = scanIgnoreWhitespace();
    if (l.token() != Token.ASC && l.token() != Token.DESC) {
      unscan();
      return false;
    }
    return l.token() == Token.DESC;
  }

  // ---- expressions

  private Expr expr() {
    // The root's right-hand side is the tree built so far; each operator descends the right spine
    // while it binds tighter than what is there, as InfluxDB's parser does.
    Expr[] root = {unaryExpr()};
    while (true) {
      Lexeme op = scanIgnoreWhitespace();
      if (!op.token().isOperator()) {
        unscan();
        return root[0];
      }
      Expr rhs;
      if (op.token() == Token.EQREGEX || op.token() == Token.NEQREGEX) {
        rhs = parseRegex();
        if (rhs == null) {
          throw ParseError.found(scanIgnoreWhitespace(), List.of("regex"));
        }
      } else {
        rhs = unaryExpr();
      }
      root[0] = insert(root[0], op.token(), rhs);
    }
  }

  private static Expr insert(Expr node, Token op, Expr rhs) {
    if (node instanceof Expr.Binary b && b.op().precedence() < op.precedence()) {
      return new Expr.Binary(b.op(), b.lhs(), insert(b.rhs(), op, rhs));
    }
    return new Expr.Binary(op, node, rhs);
  }

  private Expr unaryExpr() {
    if (scanIgnoreWhitespace().token() == Token.LPAREN) {
      Expr e = expr();
      Lexeme l = scanIgnoreWhitespace();
      if (l.token() != Token.RPAREN) {
        throw ParseError.found(l, List.of(")"));
      }
      return new Expr.Paren(e);
    }
    unscan();
    Lexeme l = scanIgnoreWhitespace();
    switch (l.token()) {
      case IDENT -> {
        if (scan().token() == Token.LPAREN) {
          return parseCall(l.literal());
        }
        unscan();
        unscan();
        return parseVarRef();
      }
      case DISTINCT -> {
        Lexeme l0 = scan();
        if (l0.token() == Token.LPAREN) {
          return parseCall("distinct");
        } else if (l0.token() == Token.WS) {
          Lexeme l1 = scanIgnoreWhitespace();
          if (l1.token() != Token.IDENT) {
            throw ParseError.found(l1, List.of("identifier"));
          }
          return new Expr.Distinct(l1.literal());
        }
        throw ParseError.found(l0, List.of("(", "identifier"));
      }
      case STRING -> {
        return new Expr.StringLit(l.literal());
      }
      case NUMBER -> {
        try {
          return new Expr.NumberLit(Double.parseDouble(l.literal()));
        } catch (NumberFormatException e) {
          throw ParseError.at("unable to parse number", l.pos());
        }
      }
      case INTEGER -> {
        try {
          return new Expr.IntegerLit(Long.parseLong(l.literal()));
        } catch (NumberFormatException e) {
          BigInteger big = new BigInteger(l.literal());
          if (big.compareTo(MAX_UNSIGNED) <= 0) {
            return new Expr.UnsignedLit(l.literal());
          }
          throw ParseError.at("unable to parse integer", l.pos());
        }
      }
      case TRUE, FALSE -> {
        return new Expr.BooleanLit(l.token() == Token.TRUE);
      }
      case DURATIONVAL -> {
        try {
          return new Expr.DurationLit(InfluxDurations.parse(l.literal()));
        } catch (InfluxDurations.InvalidDuration e) {
          throw ParseError.plain(e.getMessage());
        }
      }
      case MUL -> {
        Lexeme l0 = scan();
        if (l0.token() == Token.DOUBLECOLON) {
          Lexeme type = scan();
          if (type.token() != Token.FIELD && type.token() != Token.TAG) {
            throw ParseError.found(type, List.of("field", "tag"));
          }
          return new Expr.Wildcard(type.token());
        }
        unscan();
        return new Expr.Wildcard(null);
      }
      case REGEX -> {
        return regex(l.literal(), l.pos());
      }
      case BOUNDPARAM -> {
        String k = l.literal().startsWith("$") ? l.literal().substring(1) : l.literal();
        throw ParseError.plain(k.isEmpty() ? "empty bound parameter" : "missing parameter: " + k);
      }
      case ADD, SUB -> {
        return signed(l.token() == Token.SUB);
      }
      default -> throw ParseError.found(l, List.of("identifier", "string", "number", "bool"));
    }
  }

  private Expr signed(boolean negative) {
    Lexeme l0 = scanIgnoreWhitespace();
    switch (l0.token()) {
      case NUMBER, INTEGER, DURATIONVAL, LPAREN, IDENT -> {
        unscan();
        Expr e = unaryExpr();
        if (e instanceof Expr.NumberLit d) {
          return negative ? new Expr.NumberLit(-d.value()) : d;
        } else if (e instanceof Expr.IntegerLit i) {
          return negative ? new Expr.IntegerLit(-i.value()) : i;
        } else if (e instanceof Expr.UnsignedLit u) {
          if (!negative) {
            return u;
          }
          if (new BigInteger(u.digits()).equals(BigInteger.ONE.shiftLeft(63))) {
            return new Expr.IntegerLit(Long.MIN_VALUE);
          }
          throw ParseError.plain("constant -" + u.digits() + " underflows int64");
        } else if (e instanceof Expr.DurationLit d) {
          return negative ? new Expr.DurationLit(-d.nanos()) : d;
        }
        // A variable, call or parenthesized expression: multiplied by 1 or -1.
        return new Expr.Binary(Token.MUL, new Expr.IntegerLit(negative ? -1 : 1), e);
      }
      default -> throw ParseError.found(l0, List.of("identifier", "number", "duration", "("));
    }
  }

  private Expr.VarRef parseVarRef() {
    List<String> segments = parseSegmentedIdents();
    DataType type = null;
    if (scan().token() == Token.DOUBLECOLON) {
      Lexeme l = scan();
      switch (l.token()) {
        case IDENT -> {
          switch (l.literal().toLowerCase(Locale.ROOT)) {
            case "float" -> type = DataType.FLOAT;
            case "integer" -> type = DataType.INTEGER;
            case "unsigned" -> type = DataType.UNSIGNED;
            case "string" -> type = DataType.STRING;
            case "boolean" -> type = DataType.BOOLEAN;
            default ->
                throw ParseError.found(
                    l,
                    List.of("float", "integer", "unsigned", "string", "boolean", "field", "tag"));
          }
        }
        case FIELD -> type = DataType.FIELD;
        case TAG -> type = DataType.TAG;
        default ->
            throw ParseError.found(
                l, List.of("float", "integer", "string", "boolean", "field", "tag"));
      }
    } else {
      unscan();
    }
    return new Expr.VarRef(String.join(".", segments), type);
  }

  private Expr.Call parseCall(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    List<Expr> args = new ArrayList<>();
    Expr re = parseRegex();
    if (re != null) {
      args.add(re);
    } else {
      if (scan().token() == Token.RPAREN) {
        return new Expr.Call(lower, List.of());
      }
      unscan();
      args.add(expr());
    }
    while (true) {
      if (scanIgnoreWhitespace().token() != Token.COMMA) {
        unscan();
        break;
      }
      re = parseRegex();
      args.add(re != null ? re : expr());
    }
    Lexeme l = scan();
    if (l.token() != Token.RPAREN) {
      throw ParseError.found(l, List.of(")"));
    }
    return new Expr.Call(lower, args);
  }

  /** A regex if one starts here (after whitespace), else null with nothing consumed but that. */
  private Expr.RegexLit parseRegex() {
    if (Scanner.isWhitespace(scanner.peek())) {
      consumeWhitespace();
    }
    if (scanner.peek() != '/') {
      return null;
    }
    Lexeme l = scanRegex();
    if (l.token() == Token.BADESCAPE) {
      throw ParseError.at("bad escape: " + l.literal(), l.pos());
    } else if (l.token() == Token.BADREGEX) {
      throw ParseError.at("bad regex: " + l.literal(), l.pos());
    } else if (l.token() != Token.REGEX) {
      throw ParseError.found(l, List.of("regex"));
    }
    return regex(l.literal(), l.pos());
  }

  private static Expr.RegexLit regex(String source, Pos pos) {
    try {
      return new Expr.RegexLit(source, Pattern.compile(source));
    } catch (PatternSyntaxException e) {
      throw ParseError.at(
          "error parsing regexp: " + goRegexError(e.getDescription()) + ": `" + source + "`", pos);
    }
  }

  /** Java's words for the common regex mistakes in Go's (regexp/syntax), else Java's own. */
  private static String goRegexError(String java) {
    if (java.startsWith("Unclosed group")) {
      return "missing closing )";
    } else if (java.startsWith("Unclosed character class")) {
      return "missing closing ]";
    } else if (java.startsWith("Unmatched closing ')'")) {
      return "unexpected )";
    } else if (java.startsWith("Dangling meta character")) {
      return "missing argument to repetition operator";
    }
    return java;
  }

  // ---- identifiers and tokens

  private String parseIdent() {
    Lexeme l = scanIgnoreWhitespace();
    if (l.token() != Token.IDENT) {
      throw ParseError.found(l, List.of("identifier"));
    }
    return l.literal();
  }

  private List<String> parseIdentList() {
    List<String> idents = new ArrayList<>();
    idents.add(parseIdent());
    while (true) {
      if (scanIgnoreWhitespace().token() != Token.COMMA) {
        unscan();
        return idents;
      }
      idents.add(parseIdent());
    }
  }

  /** {@code "db"."rp".m}, {@code db..m}: up to three segments, an empty one for {@code ..}. */
  private List<String> parseSegmentedIdents() {
    List<String> idents = new ArrayList<>();
    idents.add(parseIdent());
    while (true) {
      if (scan().token() != Token.DOT) {
        unscan();
        break;
      }
      int ch = scanner.peek();
      if (ch == '/' || ch == ':') {
        break; // a regex or a context-specific segment follows: the caller's
      } else if (ch == '.') {
        idents.add("");
        continue;
      }
      idents.add(parseIdent());
    }
    if (idents.size() > 3) {
      throw ParseError.at(
          "too many segments in " + Quoting.identifier(idents.toArray(new String[0])),
          new Pos(0, 0));
    }
    return idents;
  }

  private void expectToken(Token expected, String name) {
    Lexeme l = scanIgnoreWhitespace();
    if (l.token() != expected) {
      throw ParseError.found(l, List.of(name));
    }
  }

  private Lexeme peekLexeme() {
    Lexeme l = scanIgnoreWhitespace();
    unscan();
    return l;
  }

  private Lexeme scan() {
    return scanWith(scanner::scan);
  }

  private Lexeme scanRegex() {
    return scanWith(scanner::scanRegex);
  }

  private Lexeme scanWith(Supplier<Lexeme> next) {
    if (n > 0) {
      n--;
      return buf[(i - n + buf.length) % buf.length];
    }
    i = (i + 1) % buf.length;
    buf[i] = next.get();
    return buf[i];
  }

  private void unscan() {
    n++;
  }

  private Lexeme scanIgnoreWhitespace() {
    while (true) {
      Lexeme l = scan();
      if (l.token() != Token.WS && l.token() != Token.COMMENT) {
        return l;
      }
    }
  }

  private void consumeWhitespace() {
    if (scan().token() != Token.WS) {
      unscan();
    }
  }
}
