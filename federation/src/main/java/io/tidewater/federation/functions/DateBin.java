package io.tidewater.federation.functions;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.runtime.SqlFunctions;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.parser.SqlParserUtil;

/**
 * {@code DATE_BIN(INTERVAL '5' MINUTE, time [, origin])}, the time bucket of PostgreSQL and
 * InfluxDB 3 SQL, which Calcite 1.42 lacks: SQL using it is rewritten so the interval becomes its
 * width in milliseconds for the function {@value #FUNCTION}, which buckets epoch-aligned (or from
 * {@code origin}) and which the adapters push down like {@code FLOOR(time TO unit)} ({@link
 * SqlRewrite} rewrites).
 */
public final class DateBin {

  /** The function DATE_BIN calls become. */
  public static final String FUNCTION = "TIDEWATER_DATE_BIN";

  private DateBin() {}

  /**
   * The start of the {@code widthMillis}-wide bucket holding {@code time}, buckets aligned to the
   * epoch.
   */
  public static Timestamp bin(long widthMillis, Timestamp time) {
    return bin(widthMillis, time, new Timestamp(SqlFunctions.internalToTimestamp(0L).getTime()));
  }

  /**
   * The start of the {@code widthMillis}-wide bucket holding {@code time}, buckets aligned to
   * {@code origin}.
   */
  public static Timestamp bin(long widthMillis, Timestamp time, Timestamp origin) {
    if (time == null || origin == null) {
      return null;
    }
    long t = SqlFunctions.toLong(time);
    long o = SqlFunctions.toLong(origin);
    return SqlFunctions.internalToTimestamp(t - Math.floorMod(t - o, widthMillis));
  }

  /** Whether {@code sql} may hold a DATE_BIN call (a cheap look at its text). */
  static boolean mayRewrite(String sql) {
    return sql.toUpperCase(Locale.ROOT).contains("DATE_BIN");
  }

  /**
   * A DATE_BIN call (operands already rewritten) as a call of {@value #FUNCTION}; any other call as
   * it is.
   */
  static SqlNode rewrite(SqlCall call) {
    if (!call.getOperator().getName().equalsIgnoreCase("DATE_BIN")) {
      return call;
    }
    List<SqlNode> operands = call.getOperandList();
    if (operands.size() < 2
        || operands.size() > 3
        || !(operands.get(0) instanceof SqlIntervalLiteral interval)) {
      throw new TidewaterException(
          ErrorCode.SQL_INVALID,
          "DATE_BIN takes an interval literal, a time and an"
              + " optional origin: DATE_BIN(INTERVAL '5' MINUTE, \"time\"[, TIMESTAMP '1970-01-01 00:00:00'])");
    }
    SqlIntervalLiteral.IntervalValue value = (SqlIntervalLiteral.IntervalValue) interval.getValue();
    long millis =
        value.getIntervalQualifier().isYearMonth() ? 0 : SqlParserUtil.intervalToMillis(value);
    if (millis <= 0) {
      throw new TidewaterException(
          ErrorCode.SQL_INVALID,
          "DATE_BIN's interval must be positive and of days,"
              + " hours, minutes or seconds (months and years have no fixed width)");
    }
    SqlNode[] args = operands.toArray(new SqlNode[0]);
    args[0] = SqlLiteral.createExactNumeric(Long.toString(millis), interval.getParserPosition());
    SqlUnresolvedFunction function =
        new SqlUnresolvedFunction(
            new SqlIdentifier(FUNCTION, call.getParserPosition()),
            null,
            null,
            null,
            null,
            SqlFunctionCategory.USER_DEFINED_FUNCTION);
    return new SqlBasicCall(function, args, call.getParserPosition());
  }
}
