package io.tidewater.federation;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import java.sql.SQLTimeoutException;
import java.util.concurrent.CancellationException;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.parser.SqlParseException;

/**
 * Turns what Calcite and the sources throw into errors with a stable code and a message naming the
 * problem.
 */
final class SqlErrors {

  private SqlErrors() {}

  static TidewaterException translate(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TidewaterException te) {
        return te;
      }
      if (t instanceof SqlParseException parse) {
        var pos = parse.getPos();
        String message = firstLine(parse.getMessage());
        return new TidewaterException(
            ErrorCode.SQL_SYNTAX,
            pos == null
                ? message
                : "syntax error at line "
                    + pos.getLineNum()
                    + ", column "
                    + pos.getColumnNum()
                    + ": "
                    + message,
            parse);
      }
      if (t instanceof CalciteContextException context) {
        String message =
            context.getCause() != null ? context.getCause().getMessage() : context.getMessage();
        String where = "line " + context.getPosLine() + ", column " + context.getPosColumn() + ": ";
        ErrorCode code =
            message != null && message.contains("not found")
                ? ErrorCode.NOT_FOUND
                : ErrorCode.SQL_INVALID;
        return new TidewaterException(code, where + message, context);
      }
      if (t instanceof SQLTimeoutException || t instanceof CancellationException) {
        return new TidewaterException(
            ErrorCode.QUERY_TIMEOUT, "the query ran longer than its time limit and was stopped", t);
      }
      if (t instanceof NumberFormatException || t instanceof ArithmeticException) {
        return new TidewaterException(
            ErrorCode.SQL_INVALID,
            "a value could not be computed: "
                + t.getMessage()
                + " (convert it explicitly with CAST, or filter such rows out)",
            t);
      }
      if (t instanceof RelOptPlanner.CannotPlanException) {
        return new TidewaterException(
            ErrorCode.UNSUPPORTED,
            "the query uses a construct the gateway cannot run: " + firstLine(t.getMessage()),
            t);
      }
    }
    return new TidewaterException(ErrorCode.INTERNAL, "the query failed: " + e.getMessage(), e);
  }

  /**
   * The error of a statement that failed with {@code e}, stopped for {@code stopped} (null if it
   * was not): the source's own error when it tells the same more precisely (a timeout naming the
   * InfluxDB it waited for), else the stop's, since Calcite reports a stop as a bare "canceled".
   */
  static TidewaterException stopped(TidewaterException stopped, Throwable e) {
    TidewaterException translated = translate(e);
    return stopped == null || translated.code() == stopped.code() ? translated : stopped;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
