package io.tidewater.federation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tidewater.federation.functions.HintKeepingDialect;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlTimestampLiteral;
import org.apache.calcite.sql.SqlUnknownLiteral;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.parser.SqlParserUtil;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlShuttle;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.TimestampString;

/**
 * A statement as a query shape: its text with the time bounds ({@code time op TIMESTAMP '...'})
 * replaced by parameters, and their values. A dashboard sends the same statement with new bounds at
 * every refresh; its shape is planned once and run with each refresh's values.
 *
 * <p>Two kinds of literal become parameters: TIMESTAMP literals compared with a column named {@code
 * time}, to the millisecond (SQL's TIMESTAMP precision here), and plain string literals compared
 * with a column by {@code =} or {@code <>} (a dashboard's host or region: one shape for every
 * host). The rules that read them record what they decided from the values ({@code
 * plan.PlanDecisions}); a value a parameter cannot take where its literal went (a string compared
 * with a number) makes the engine run the statement as written. Other literals decide more of a
 * plan (a LIMIT, a regular expression, DATE_BIN's width) and stay in the shape. A statement the
 * parser does not take, or with its own {@code ?}, is its own shape.
 *
 * @param text the shape's text ({@code ?} for each parameter), or the statement's own
 * @param values the parameters' values, in order: TIMESTAMP as epoch milliseconds ({@link Long}),
 *     strings as {@link String}
 */
public record SqlShape(String text, List<Object> values) {

  private static final Set<SqlKind> COMPARISONS =
      Set.of(
          SqlKind.EQUALS,
          SqlKind.NOT_EQUALS,
          SqlKind.LESS_THAN,
          SqlKind.LESS_THAN_OR_EQUAL,
          SqlKind.GREATER_THAN,
          SqlKind.GREATER_THAN_OR_EQUAL,
          SqlKind.BETWEEN);

  public SqlShape {
    // Not List.copyOf: a statement's own parameter may be given null.
    values = Collections.unmodifiableList(new ArrayList<>(values));
  }

  /** Whether the shape has parameters (else it is the statement itself). */
  public boolean parameterized() {
    return !values.isEmpty();
  }

  /** The shape of {@code sql}, parsed with {@code parser}'s settings. */
  public static SqlShape of(String sql, SqlParser.Config parser) {
    if (!sql.regionMatches(true, 0, "SELECT", 0, 6) && !sql.regionMatches(true, 0, "WITH", 0, 4)
        || sql.indexOf('?') >= 0 && hasOwnParameters(sql, parser)) {
      return new SqlShape(sql, List.of());
    }
    if (sql.indexOf('\'') < 0) {
      return new SqlShape(sql, List.of()); // no literal to make a parameter
    }
    Shaped shaped = shape(sql, parser);
    if (shaped == null) {
      return new SqlShape(sql, List.of());
    }
    SqlShape shape = shaped.shape();
    Skeleton skeleton = Skeleton.of(sql);
    boolean[] mask = skeleton.parametersAt(shaped.positions(), shape.values());
    if (mask != null && confirmed(skeleton, mask, shape, parser)) {
      MASKS.put(skeleton.blanked(null), mask);
      SKELETONS.put(skeleton.blanked(mask), shape.text());
    }
    return shape;
  }

  /** A statement's shape and where its parameters' literals were, in text order. */
  private record Shaped(SqlShape shape, List<SqlParserPos> positions) {}

  /** The shape of {@code sql} as the parser reads it; null if it does not parse. */
  private static Shaped shape(String sql, SqlParser.Config parser) {
    SqlNode tree;
    try {
      tree = SqlParser.create(sql, parser).parseQuery();
    } catch (SqlParseException e) {
      return null;
    }
    // Each literal made a parameter, with its place in the text: the shape's ? follow the text's
    // order, which the unparsed shape keeps.
    TreeMap<SqlParserPos, Object> found = new TreeMap<>(TEXT_ORDER);
    SqlNode shaped =
        tree.accept(
            new SqlShuttle() {
              @Override
              public SqlNode visit(SqlCall call) {
                SqlNode visited = super.visit(call);
                if (!(visited instanceof SqlCall c) || !COMPARISONS.contains(c.getKind())) {
                  return visited;
                }
                List<SqlNode> operands = c.getOperandList();
                boolean time = operands.stream().anyMatch(SqlShape::isTimeColumn);
                for (int i = 0; i < operands.size(); i++) {
                  Object value = time ? timeValue(operands.get(i)) : stringValue(c, i);
                  if (value != null) {
                    found.put(operands.get(i).getParserPosition(), value);
                    c.setOperand(i, new SqlDynamicParam(0, SqlParserPos.ZERO));
                  }
                }
                return c;
              }
            });
    List<Object> values = new ArrayList<>(found.values());
    SqlShape shape =
        values.isEmpty()
            ? new SqlShape(sql, List.of())
            : new SqlShape(
                shaped.toSqlString(c -> c.withDialect(HintKeepingDialect.INSTANCE)).getSql(),
                values);
    return new Shaped(shape, new ArrayList<>(found.keySet()));
  }

  /**
   * Whether the literals of {@code mask} are the shape's parameters, in order, whatever their
   * contents: the text with each of them given a value of its own is parsed to the same shape with
   * exactly those values. Positions alone could pair a parameter with another literal of the same
   * text (the parser counts lines and tabs its own way).
   */
  private static boolean confirmed(
      Skeleton skeleton, boolean[] mask, SqlShape shape, SqlParser.Config parser) {
    StringBuilder probe = new StringBuilder();
    List<Object> expected = new ArrayList<>();
    for (int i = 0; i < mask.length; i++) {
      Literal l = skeleton.literals().get(i);
      probe.append(skeleton.between().get(i)).append('\'');
      if (!mask[i]) {
        probe.append(l.text());
      } else if (l.timestamp()) {
        if (expected.size() >= 1000) {
          return false;
        }
        long millis = 86_400_000L + expected.size(); // 1970-01-02 00:00:00.000, .001, ...
        probe.append(String.format(Locale.ROOT, "1970-01-02 00:00:00.%03d", expected.size()));
        expected.add(millis);
      } else {
        String marker = "tw-" + expected.size();
        probe.append(marker);
        expected.add(marker);
      }
      probe.append('\'');
    }
    probe.append(skeleton.between().get(mask.length));
    Shaped again = shape(probe.toString(), parser);
    return again != null
        && again.shape().text().equals(shape.text())
        && again.shape().values().equals(expected);
  }

  /** A TIMESTAMP literal compared with the time column, to the millisecond: its epoch ms. */
  private static Object timeValue(SqlNode operand) {
    SqlTimestampLiteral t = timestamp(operand);
    return t != null && toTheMilli(t)
        ? t.getValueAs(TimestampString.class).getMillisSinceEpoch()
        : null;
  }

  /**
   * A plain string literal compared (= or <>) with a column, as a tag is (a dashboard's host or
   * region): its value; null for anything else (another operator, a prefixed literal, a literal
   * compared with an expression).
   */
  private static Object stringValue(SqlCall comparison, int i) {
    if (comparison.getKind() != SqlKind.EQUALS && comparison.getKind() != SqlKind.NOT_EQUALS
        || comparison.operandCount() != 2
        || !(comparison.operand(1 - i) instanceof SqlIdentifier id)
        || id.isStar()
        || !(comparison.operand(i) instanceof SqlCharStringLiteral literal)) {
      return null;
    }
    NlsString text = literal.getValueAs(NlsString.class);
    return text.getCharsetName() == null && text.getCollation() == null ? text.getValue() : null;
  }

  private static final Comparator<SqlParserPos> TEXT_ORDER =
      Comparator.comparingInt(SqlParserPos::getLineNum)
          .thenComparingInt(SqlParserPos::getColumnNum);

  /**
   * The shape of {@code sql} without parsing it where a text differing from it only inside the
   * literals that are its parameters was shaped before (a dashboard's refresh, another host); else
   * {@link #of}.
   */
  public static SqlShape cached(String sql, SqlParser.Config parser) {
    if (sql.indexOf('\'') < 0) {
      return new SqlShape(sql, List.of());
    }
    Skeleton skeleton = Skeleton.of(sql);
    boolean[] mask = MASKS.getIfPresent(skeleton.blanked(null));
    if (mask != null && mask.length == skeleton.literals().size()) {
      String text = SKELETONS.getIfPresent(skeleton.blanked(mask));
      if (text != null) {
        List<Object> values = skeleton.values(mask);
        if (values != null) {
          return new SqlShape(text, values);
        }
      }
    }
    return of(sql, parser);
  }

  /**
   * Which of a text's literals are parameters, by the text with every literal blanked: texts of one
   * statement differ in this only where a literal's value decides it (a bound finer than a
   * millisecond stays a literal).
   */
  private static final Cache<String, boolean[]> MASKS =
      Caffeine.newBuilder()
          .executor(Runnable::run) // upkeep by the caller: no pool thread woken per new text
          .maximumWeight(16L << 20)
          .<String, boolean[]>weigher((skeleton, mask) -> 2 * skeleton.length() + mask.length)
          .build();

  /**
   * Shape texts by the text with their parameters' literals blanked (the other literals as
   * written); weighed by their lengths (statements may be long).
   */
  private static final Cache<String, String> SKELETONS =
      Caffeine.newBuilder()
          .executor(Runnable::run) // as MASKS
          .maximumWeight(16L << 20)
          .<String, String>weigher((skeleton, shape) -> 2 * (skeleton.length() + shape.length()))
          .build();

  /** One quoted literal of a text: where it starts, whether TIMESTAMP, its text as written. */
  private record Literal(int[] place, boolean timestamp, String text) {

    /** Its value as the parser reads it: epoch ms, or the string; null if not a parameter's. */
    Object value() {
      if (!timestamp) {
        return text.replace("''", "'");
      }
      Long plain = plainMillis(text);
      if (plain != null) {
        return plain;
      }
      SqlTimestampLiteral t;
      try {
        t = SqlParserUtil.parseTimestampLiteral(text, SqlParserPos.ZERO);
      } catch (RuntimeException e) {
        return null; // the parser reports it
      }
      return toTheMilli(t) ? t.getValueAs(TimestampString.class).getMillisSinceEpoch() : null;
    }
  }

  /**
   * A text cut at its quoted literals ({@code 'x'}, {@code TIMESTAMP 'x'}). It stands for its shape
   * only where the literals marked as parameters are exactly the parser's, at the same places with
   * the same values ({@link #parametersAt}): then none lies in a comment, a quoted name or another
   * literal, and texts alike but for those literals' contents differ only in their parameters.
   */
  private record Skeleton(List<String> between, List<Literal> literals) {

    private static final Pattern LITERAL =
        Pattern.compile("(?i)(\\bTIMESTAMP\\s*)?'((?:[^']|'')*)'");

    static Skeleton of(String sql) {
      Matcher m = LITERAL.matcher(sql);
      List<String> between = new ArrayList<>();
      List<Literal> literals = new ArrayList<>();
      int last = 0;
      int[] place = {1, 1};
      int counted = 0;
      while (m.find()) {
        place = advance(sql, counted, m.start(), place);
        counted = m.start();
        boolean timestamp = m.group(1) != null;
        // Up to the quote: the keyword stays in the text, its value is blanked.
        int quote = m.start(2) - 1;
        between.add(sql.substring(last, quote));
        literals.add(new Literal(place, timestamp, m.group(2)));
        last = m.end();
      }
      between.add(sql.substring(last));
      return new Skeleton(between, literals);
    }

    /**
     * The text with the literals of {@code mask} (every literal: null) blanked, the others as
     * written.
     */
    String blanked(boolean[] mask) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < literals.size(); i++) {
        text.append(between.get(i)).append('\'');
        if (mask != null && !mask[i]) {
          text.append(literals.get(i).text());
        }
        text.append('\'');
      }
      return text.append(between.get(literals.size())).toString();
    }

    /**
     * Which literals are the parameters found at {@code positions} with {@code values} (in text
     * order), or null where that cannot be told from the text alone.
     */
    boolean[] parametersAt(List<SqlParserPos> positions, List<Object> values) {
      boolean[] mask = new boolean[literals.size()];
      int next = 0;
      for (int i = 0; i < literals.size() && next < positions.size(); i++) {
        SqlParserPos pos = positions.get(next);
        Literal l = literals.get(i);
        if (l.place()[0] == pos.getLineNum() && l.place()[1] == pos.getColumnNum()) {
          if (!values.get(next).equals(l.value())) {
            return null;
          }
          mask[i] = true;
          next++;
        }
      }
      return next == positions.size() ? mask : null;
    }

    /** The values of the literals of {@code mask}, or null if one is not a parameter's. */
    List<Object> values(boolean[] mask) {
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < literals.size(); i++) {
        if (mask[i]) {
          Object v = literals.get(i).value();
          if (v == null) {
            return null;
          }
          values.add(v);
        }
      }
      return values;
    }

    /** The 1-based line and column of {@code to}, counted on from {@code place} at {@code from}. */
    private static int[] advance(String sql, int from, int to, int[] place) {
      int line = place[0];
      int column = place[1];
      for (int i = from; i < to; i++) {
        if (sql.charAt(i) == '\n') {
          line++;
          column = 1;
        } else {
          column++;
        }
      }
      return new int[] {line, column};
    }
  }

  /**
   * A TIMESTAMP literal, or null: the parser leaves typed literals unresolved until validation (a
   * text it cannot read stays, for validation to report).
   */
  private static SqlTimestampLiteral timestamp(SqlNode node) {
    if (node instanceof SqlTimestampLiteral t) {
      return t;
    }
    if (node instanceof SqlUnknownLiteral u && u.tag.equalsIgnoreCase("TIMESTAMP")) {
      try {
        return u.resolve(SqlTypeName.TIMESTAMP) instanceof SqlTimestampLiteral t ? t : null;
      } catch (RuntimeException e) {
        return null;
      }
    }
    return null;
  }

  private static final Pattern PLAIN =
      Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,3}))?");

  /**
   * Epoch milliseconds of a literal in the spelling dashboards send ({@code yyyy-MM-dd
   * HH:mm:ss[.fff]}, a valid date and time), or null for any other: the parser's reading of those
   * costs more than the rest of a shaped statement's way to its plan.
   */
  static Long plainMillis(String literal) {
    Matcher m = PLAIN.matcher(literal);
    if (!m.matches()) {
      return null;
    }
    try {
      LocalDateTime t =
          LocalDateTime.of(
              Integer.parseInt(m.group(1)),
              Integer.parseInt(m.group(2)),
              Integer.parseInt(m.group(3)),
              Integer.parseInt(m.group(4)),
              Integer.parseInt(m.group(5)),
              Integer.parseInt(m.group(6)));
      String fraction = m.group(7);
      long millis = fraction == null ? 0 : Long.parseLong((fraction + "00").substring(0, 3), 10);
      return t.toInstant(ZoneOffset.UTC).toEpochMilli() + millis;
    } catch (DateTimeException e) {
      return null; // e.g. February 30th: the parser says what is wrong
    }
  }

  private static boolean isTimeColumn(SqlNode node) {
    return node instanceof SqlIdentifier id
        && !id.isStar()
        && id.names.get(id.names.size() - 1).equals("time");
  }

  /** A literal finer than milliseconds stays: a parameter of SQL's TIMESTAMP would round it. */
  private static boolean toTheMilli(SqlTimestampLiteral t) {
    String text = t.getValueAs(TimestampString.class).toString();
    int dot = text.indexOf('.');
    return dot < 0 || text.length() - dot - 1 <= 3;
  }

  private static boolean hasOwnParameters(String sql, SqlParser.Config parser) {
    try {
      boolean[] found = {false};
      SqlParser.create(sql, parser)
          .parseQuery()
          .accept(
              new SqlShuttle() {
                @Override
                public SqlNode visit(SqlDynamicParam param) {
                  found[0] = true;
                  return param;
                }
              });
      return found[0];
    } catch (SqlParseException e) {
      return true;
    }
  }
}
