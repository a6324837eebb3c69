package io.tidewater.federation.functions;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlTypeNameSpec;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Makes calls of the {@link StatisticalAggregates} reach them, in two steps before planning (both
 * run by {@link SqlRewrite}).
 *
 * <p>{@link #quoteNames}: Calcite's parser reserves {@code CORR} and the {@code REGR_*} words
 * without implementing them (a call is a syntax error) and looks up a schema's functions by exact
 * case, so each call of one of them, in any case, becomes a call of the quoted upper-case name;
 * string literals, quoted identifiers and comments are left as they are. (Positions in messages
 * about text after such a call are two columns further on.)
 *
 * <p>{@link #rewrite(SqlCall)}: {@code PERCENTILE_CONT(p) WITHIN GROUP (ORDER BY x)} and {@code
 * PERCENTILE_DISC}, which Calcite parses but cannot run, become calls of {@value
 * StatisticalAggregates#PERCENTILE_CONT}{@code (x, p)} and {@value
 * StatisticalAggregates#PERCENTILE_DISC}{@code (x, p)} (a descending order is the continuous
 * percentile at {@code 1 - p}); the numeric arguments of these functions and of Calcite's {@code
 * REGR_SXX}/{@code REGR_SYY} are cast to DOUBLE, since Calcite passes a user function's arguments
 * as they come (a DECIMAL literal to a double parameter does not compile) and reduces {@code
 * REGR_SXX} of integers with integer division.
 */
public final class FunctionCalls {

  private static final Set<String> NAMES = names();

  /** Functions whose arguments are cast to DOUBLE. */
  private static final Set<String> NUMERIC =
      Set.of(
          "CORR",
          "REGR_SLOPE",
          "REGR_INTERCEPT",
          "REGR_R2",
          "REGR_AVGX",
          "REGR_AVGY",
          "REGR_SXY",
          "REGR_SXX",
          "REGR_SYY",
          "MEDIAN",
          "APPROX_PERCENTILE",
          StatisticalAggregates.PERCENTILE_CONT,
          StatisticalAggregates.PERCENTILE_DISC,
          StatisticalAggregates.INFLUX_PERCENTILE);

  private FunctionCalls() {}

  private static Set<String> names() {
    Set<String> all = new HashSet<>(StatisticalAggregates.FUNCTIONS.keySet());
    all.addAll(InfluxSelectors.FUNCTIONS.keySet());
    all.addAll(InfluxMode.FUNCTIONS.keySet());
    return Set.copyOf(all);
  }

  /**
   * {@code sql} with each call of a statistical aggregate's name quoted, or {@code sql} itself if
   * it has none.
   */
  public static String quoteNames(String sql) {
    StringBuilder out = null;
    int copied = 0;
    int i = 0;
    int n = sql.length();
    char previous = ' '; // the last character outside blanks, comments and literals
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"') {
        i = endOfQuoted(sql, i, c);
        previous = c;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int eol = sql.indexOf('\n', i);
        i = eol < 0 ? n : eol;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < n
            && (Character.isLetterOrDigit(sql.charAt(i))
                || sql.charAt(i) == '_'
                || sql.charAt(i) == '$')) {
          i++;
        }
        String name = sql.substring(start, i).toUpperCase(Locale.ROOT);
        if (previous != '.' && NAMES.contains(name) && nextIsParenthesis(sql, i)) {
          if (out == null) {
            out = new StringBuilder(n + 16);
          }
          out.append(sql, copied, start).append('"').append(name).append('"');
          copied = i;
        }
        previous = 'a';
      } else {
        if (!Character.isWhitespace(c)) {
          previous = c;
        }
        i++;
      }
    }
    return out == null ? sql : out.append(sql, copied, n).toString();
  }

  /**
   * Whether {@code sql} may hold a call {@link #rewrite(SqlCall)} changes (a cheap look at its
   * text).
   */
  static boolean mayRewrite(String sql) {
    String upper = sql.toUpperCase(Locale.ROOT);
    return upper.contains("WITHIN") || NUMERIC.stream().anyMatch(upper::contains);
  }

  /**
   * {@code call} (its operands already rewritten) as a percentile's user aggregate, or with its
   * numeric arguments cast to DOUBLE; {@code call} itself if neither applies.
   */
  static SqlNode rewrite(SqlCall call) {
    if (call.getKind() == SqlKind.WITHIN_GROUP
        && call.operand(0) instanceof SqlCall percentile
        && (percentile.getKind() == SqlKind.PERCENTILE_CONT
            || percentile.getKind() == SqlKind.PERCENTILE_DISC)) {
      return percentile(percentile, call.operand(1), call.getParserPosition());
    }
    String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
    if (!NUMERIC.contains(name) || call.getOperandList().isEmpty()) {
      return call;
    }
    SqlNode[] operands = call.getOperandList().toArray(new SqlNode[0]);
    for (int i = 0; i < operands.length; i++) {
      operands[i] = asDouble(operands[i]);
    }
    return call.getOperator()
        .createCall(call.getFunctionQuantifier(), call.getParserPosition(), operands);
  }

  private static SqlNode percentile(SqlCall percentile, SqlNodeList order, SqlParserPos pos) {
    boolean continuous = percentile.getKind() == SqlKind.PERCENTILE_CONT;
    String name = continuous ? "PERCENTILE_CONT" : "PERCENTILE_DISC";
    if (percentile.operandCount() != 1 || order.size() != 1) {
      throw new TidewaterException(
          ErrorCode.SQL_INVALID,
          name
              + " takes one fraction and orders by one value: "
              + name
              + "(0.9) WITHIN GROUP (ORDER BY x)");
    }
    SqlNode value = order.get(0);
    SqlNode fraction = percentile.operand(0);
    if (value.getKind() == SqlKind.DESCENDING) {
      if (!continuous || !(fraction instanceof SqlNumericLiteral literal)) {
        throw new TidewaterException(
            ErrorCode.UNSUPPORTED,
            name
                + " with a descending order is supported for"
                + " PERCENTILE_CONT of a literal fraction only; order ascending instead");
      }
      value = ((SqlCall) value).operand(0);
      BigDecimal p = literal.getValueAs(BigDecimal.class);
      fraction =
          SqlLiteral.createExactNumeric(
              BigDecimal.ONE.subtract(p).toPlainString(), literal.getParserPosition());
    }
    SqlUnresolvedFunction function =
        new SqlUnresolvedFunction(
            new SqlIdentifier(
                continuous
                    ? StatisticalAggregates.PERCENTILE_CONT
                    : StatisticalAggregates.PERCENTILE_DISC,
                percentile.getParserPosition()),
            null,
            null,
            null,
            null,
            SqlFunctionCategory.USER_DEFINED_FUNCTION);
    return new SqlBasicCall(function, List.of(asDouble(value), asDouble(fraction)), pos);
  }

  private static SqlNode asDouble(SqlNode operand) {
    SqlParserPos pos = operand.getParserPosition();
    SqlTypeNameSpec type = new SqlBasicTypeNameSpec(SqlTypeName.DOUBLE, pos);
    return SqlStdOperatorTable.CAST.createCall(pos, operand, new SqlDataTypeSpec(type, pos));
  }

  /**
   * The index after the literal or quoted identifier opening at {@code start} (a doubled quote
   * stays inside).
   */
  private static int endOfQuoted(String sql, int start, char quote) {
    int i = start + 1;
    while (i < sql.length()) {
      if (sql.charAt(i) == quote) {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return sql.length();
  }

  private static boolean nextIsParenthesis(String sql, int from) {
    int i = from;
    while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
      i++;
    }
    return i < sql.length() && sql.charAt(i) == '(';
  }
}
