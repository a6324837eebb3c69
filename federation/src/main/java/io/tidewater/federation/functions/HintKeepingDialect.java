package io.tidewater.federation.functions;

import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.dialect.CalciteSqlDialect;

/**
 * Calcite's own dialect for statements the gateway parses and writes again (query shapes, rewritten
 * calls), keeping table hints: Calcite's drops them, and the InfluxQL translation's {@code
 * influxql_groups} then no longer spared InfluxDB counting every other field of a measurement.
 */
public final class HintKeepingDialect extends CalciteSqlDialect {

  public static final SqlDialect INSTANCE = new HintKeepingDialect();

  private HintKeepingDialect() {
    super(CalciteSqlDialect.DEFAULT_CONTEXT);
  }

  @Override
  public void unparseTableScanHints(
      SqlWriter writer, SqlNodeList hints, int leftPrec, int rightPrec) {
    writer.keyword("/*+");
    hints.unparse(writer, 0, 0);
    writer.keyword("*/");
  }
}
