package io.tidewater.federation.functions;

import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.util.SqlShuttle;

/**
 * The rewrites of SQL text before planning, in one parse: names of statistical aggregates quoted
 * ({@link FunctionCalls#quoteNames}), then DATE_BIN calls ({@link DateBin}) and percentiles and
 * numeric arguments ({@link FunctionCalls}) rewritten bottom-up in one walk of the tree. Text that
 * needs none of them is returned unparsed; text that does not parse is returned as it is, for the
 * engine to report the syntax error with its position.
 */
public final class SqlRewrite {

  /** One rewrite of calls: when the text may need it, and what it makes of a call. */
  private record CallRewrite(Predicate<String> mayApply, Function<SqlCall, SqlNode> rewrite) {}

  private static final List<CallRewrite> REWRITES =
      List.of(
          new CallRewrite(DateBin::mayRewrite, DateBin::rewrite),
          new CallRewrite(FunctionCalls::mayRewrite, FunctionCalls::rewrite));

  private SqlRewrite() {}

  /** {@code text} rewritten for the engine, parsed with {@code parser}'s settings. */
  public static String rewrite(String text, SqlParser.Config parser) {
    String sql = FunctionCalls.quoteNames(text);
    List<CallRewrite> applicable = REWRITES.stream().filter(r -> r.mayApply().test(sql)).toList();
    if (applicable.isEmpty()) {
      return sql;
    }
    SqlNode tree;
    try {
      tree = SqlParser.create(sql, parser).parseStmt();
    } catch (SqlParseException e) {
      return sql;
    }
    boolean[] changed = {false};
    SqlNode rewritten =
        tree.accept(
            new SqlShuttle() {
              @Override
              public SqlNode visit(SqlCall call) {
                SqlNode node = super.visit(call);
                for (CallRewrite r : applicable) {
                  if (!(node instanceof SqlCall c)) {
                    break;
                  }
                  SqlNode next = r.rewrite().apply(c);
                  changed[0] |= next != c;
                  node = next;
                }
                return node;
              }
            });
    return changed[0]
        ? rewritten.toSqlString(c -> c.withDialect(HintKeepingDialect.INSTANCE)).getSql()
        : sql;
  }
}
