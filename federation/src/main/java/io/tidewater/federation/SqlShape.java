package io.tidewater.federation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlTimestampLiteral;
import org.apache.calcite.sql.SqlUnknownLiteral;
import org.apache.calcite.sql.dialect.CalciteSqlDialect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.parser.SqlParserUtil;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlShuttle;
import org.apache.calcite.util.TimestampString;

/**
 * A statement as a query shape: its text with the time bounds ({@code time op TIMESTAMP '...'})
 * replaced by parameters, and their values. A dashboard sends the same statement with new bounds at
 * every refresh; its shape is planned once and run with each refresh's values.
 *
 * <p>Only TIMESTAMP literals compared with a column named {@code time}, to the millisecond (SQL's
 * TIMESTAMP precision here), become parameters: other literals decide more of a plan (a LIMIT, a
 * tag pushed into InfluxQL, DATE_BIN's width) and stay in the shape. A statement the parser does
 * not take, or with its own {@code ?}, is its own shape.
 *
 * @param text the shape's text ({@code ?} for each parameter), or the statement's own
 * @param values the parameters' values, in order: TIMESTAMP as epoch milliseconds
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
    values = List.copyOf(values);
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
    int timestamp = indexOfIgnoreCase(sql, "TIMESTAMP");
    if (timestamp < 0) {
      return new SqlShape(sql, List.of());
    }
    SqlNode tree;
    try {
      tree = SqlParser.create(sql, parser).parseQuery();
    } catch (SqlParseException e) {
      return new SqlShape(sql, List.of());
    }
    List<Object> values = new ArrayList<>();
    List<SqlParserPos> positions = new ArrayList<>();
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
                if (operands.stream().noneMatch(SqlShape::isTimeColumn)) {
                  return visited;
                }
                for (int i = 0; i < operands.size(); i++) {
                  SqlTimestampLiteral t = timestamp(operands.get(i));
                  if (t != null && toTheMilli(t)) {
                    positions.add(operands.get(i).getParserPosition());
                    c.setOperand(i, new SqlDynamicParam(values.size(), SqlParserPos.ZERO));
                    values.add(t.getValueAs(TimestampString.class).getMillisSinceEpoch());
                  }
                }
                return c;
              }
            });
    if (values.isEmpty()) {
      return new SqlShape(sql, List.of());
    }
    SqlShape shape =
        new SqlShape(
            shaped.toSqlString(c -> c.withDialect(CalciteSqlDialect.DEFAULT)).getSql(), values);
    Skeleton skeleton = Skeleton.of(sql);
    if (skeleton.literalsAre(positions, values)) {
      SKELETONS.put(skeleton.text(), shape.text());
    }
    return shape;
  }

  /**
   * The shape of {@code sql} without parsing it where a text differing from it only inside its
   * TIMESTAMP literals was shaped before (a dashboard's refresh); else {@link #of}.
   */
  public static SqlShape cached(String sql, SqlParser.Config parser) {
    if (indexOfIgnoreCase(sql, "TIMESTAMP") < 0) {
      return new SqlShape(sql, List.of());
    }
    Skeleton skeleton = Skeleton.of(sql);
    String text = SKELETONS.getIfPresent(skeleton.text());
    if (text != null) {
      List<Object> values = skeleton.values();
      if (values != null) {
        return new SqlShape(text, values);
      }
    }
    return of(sql, parser);
  }

  /** Shape texts by skeleton; weighed by their lengths (statements may be long). */
  private static final Cache<String, String> SKELETONS =
      Caffeine.newBuilder()
          .maximumWeight(16L << 20)
          .<String, String>weigher((skeleton, shape) -> 2 * (skeleton.length() + shape.length()))
          .build();

  /**
   * A text with the quoted values of its {@code TIMESTAMP '...'} literals blanked, and those
   * values. It stands for its shape only where every such literal is one the parser made a
   * parameter, at the same place with the same value ({@link #literalsAre}): then no match lies in
   * a comment, a quoted name or a string, and texts with the same skeleton differ only in their
   * parameters.
   */
  private record Skeleton(String text, List<String> literals, List<int[]> places) {

    private static final Pattern LITERAL = Pattern.compile("(?i)\\bTIMESTAMP(\\s*)'([^']*)'");

    static Skeleton of(String sql) {
      Matcher m = LITERAL.matcher(sql);
      StringBuilder text = new StringBuilder();
      List<String> literals = new ArrayList<>();
      List<int[]> places = new ArrayList<>();
      while (m.find()) {
        literals.add(m.group(2));
        places.add(lineAndColumn(sql, m.start()));
        m.appendReplacement(text, Matcher.quoteReplacement("TIMESTAMP" + m.group(1) + "''"));
      }
      m.appendTail(text);
      return new Skeleton(text.toString(), literals, places);
    }

    /** Whether the literals are exactly the parameters at {@code positions} with {@code values}. */
    boolean literalsAre(List<SqlParserPos> positions, List<Object> values) {
      if (literals.size() != values.size()) {
        return false;
      }
      List<Object> mine = values();
      for (int i = 0; i < literals.size(); i++) {
        SqlParserPos pos = positions.get(i);
        if (places.get(i)[0] != pos.getLineNum()
            || places.get(i)[1] != pos.getColumnNum()
            || mine == null
            || !mine.get(i).equals(values.get(i))) {
          return false;
        }
      }
      return true;
    }

    /**
     * The literals' values as the parser reads them (epoch ms), or null if one is not to the ms.
     */
    List<Object> values() {
      List<Object> values = new ArrayList<>();
      for (String literal : literals) {
        Long plain = plainMillis(literal);
        if (plain != null) {
          values.add(plain);
          continue;
        }
        SqlTimestampLiteral t;
        try {
          t = SqlParserUtil.parseTimestampLiteral(literal, SqlParserPos.ZERO);
        } catch (RuntimeException e) {
          return null; // the parser reports it
        }
        if (!toTheMilli(t)) {
          return null;
        }
        values.add(t.getValueAs(TimestampString.class).getMillisSinceEpoch());
      }
      return values;
    }

    /** The 1-based line and column of {@code offset}, as the parser counts them. */
    private static int[] lineAndColumn(String sql, int offset) {
      int line = 1;
      int column = 1;
      for (int i = 0; i < offset; i++) {
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

  private static int indexOfIgnoreCase(String text, String word) {
    for (int i = 0; i + word.length() <= text.length(); i++) {
      if (text.regionMatches(true, i, word, 0, word.length())) {
        return i;
      }
    }
    return -1;
  }
}
