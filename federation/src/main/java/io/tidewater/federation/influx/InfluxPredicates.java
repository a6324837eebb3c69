package io.tidewater.federation.influx;

import io.tidewater.federation.functions.RegexMatch;
import io.tidewater.federation.plan.MeasurementColumns;
import io.tidewater.federation.plan.PlanDecisions;
import io.tidewater.federation.plan.TimeBounds;
import io.tidewater.federation.plan.TimeSpan;
import io.tidewater.lifecycle.influx.InfluxQl;
import io.tidewater.lifecycle.parquet.MeasurementSchema;
import io.tidewater.policy.rollup.FieldType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * Translates the conjuncts of a SQL condition over a measurement's columns into InfluxQL that
 * selects exactly the same points (SQL's NULL for an absent tag is InfluxDB's empty tag), leaving
 * whatever has no exact InfluxQL form to be evaluated above the scan.
 */
final class InfluxPredicates {

  /** What could be pushed: a time range, InfluxQL conditions, and the conjuncts left over. */
  record Translation(TimeSpan range, List<InfluxCondition> where, List<RexNode> remaining) {
    boolean pushedAnything(int conjuncts) {
      return remaining.size() < conjuncts;
    }
  }

  private final MeasurementSchema schema;

  InfluxPredicates(MeasurementSchema schema) {
    this.schema = schema;
  }

  Translation translate(RexBuilder rex, RexNode condition) {
    List<RexNode> time = new ArrayList<>();
    List<InfluxCondition> where = new ArrayList<>();
    List<RexNode> remaining = new ArrayList<>();
    for (RexNode conjunct : TimeBounds.RelConjuncts.of(rex, condition)) {
      if (TimeBounds.bound(conjunct, 0) != null) {
        time.add(conjunct);
        continue;
      }
      InfluxCondition influxql = condition(conjunct);
      if (influxql != null) {
        where.add(influxql);
      } else {
        remaining.add(conjunct);
      }
    }
    return new Translation(TimeSpan.Bounds.of(time), where, remaining);
  }

  /** The InfluxQL of one condition, or null if it has no exact translation. */
  private InfluxCondition condition(RexNode node) {
    if (!(node instanceof RexCall call)) {
      return null;
    }
    switch (call.getKind()) {
      case OR, AND -> {
        List<InfluxCondition> parts = new ArrayList<>();
        for (RexNode operand : call.getOperands()) {
          InfluxCondition part = condition(operand);
          if (part == null) {
            return null;
          }
          parts.add(part);
        }
        return InfluxCondition.joined(parts, call.getKind() == SqlKind.OR ? " OR " : " AND ");
      }
      case IS_NULL, IS_NOT_NULL -> {
        Integer tag = tagColumn(call.getOperands().get(0));
        if (tag == null) {
          return null;
        }
        return InfluxCondition.text(
            InfluxQl.identifier(MeasurementColumns.name(schema, tag))
                + (call.getKind() == SqlKind.IS_NULL ? " = ''" : " != ''"));
      }
      case LIKE -> {
        // NOT LIKE, ILIKE and SIMILAR TO share the kind; only LIKE itself is translated.
        return call.getOperator() == SqlStdOperatorTable.LIKE ? text(like(call)) : null;
      }
      case EQUALS,
          NOT_EQUALS,
          LESS_THAN,
          LESS_THAN_OR_EQUAL,
          GREATER_THAN,
          GREATER_THAN_OR_EQUAL -> {
        return comparison(call);
      }
      default -> {
        return text(regex(call));
      }
    }
  }

  private static InfluxCondition text(String influxql) {
    return influxql == null ? null : InfluxCondition.text(influxql);
  }

  /** InfluxQL's {@code tag =~ /re/} or {@code !~} ({@link RegexMatch}), sent as it came. */
  private String regex(RexCall call) {
    String name = call.getOperator().getName();
    boolean matches = name.equals(RegexMatch.MATCHES);
    if (!matches && !name.equals(RegexMatch.NOT_MATCHES) || call.getOperands().size() != 2) {
      return null;
    }
    Integer tag = tagColumn(call.getOperands().get(0));
    RexLiteral pattern = literal(call.getOperands().get(1));
    if (tag == null || pattern == null || pattern.isNull()) {
      return null;
    }
    String regex = pattern.getValueAs(String.class);
    if (regex.indexOf('\n') >= 0) {
      return null; // a regex literal cannot hold a line break
    }
    return InfluxQl.identifier(MeasurementColumns.name(schema, tag))
        + (matches ? " =~ /" : " !~ /")
        + regex.replace("/", "\\/")
        + "/";
  }

  private InfluxCondition comparison(RexCall call) {
    SqlKind kind = call.getKind();
    RexNode left = call.getOperands().get(0);
    RexNode right = call.getOperands().get(1);
    if ((literal(left) != null || left instanceof RexDynamicParam) && column(right) != null) {
      RexNode swap = left;
      left = right;
      right = swap;
      kind = kind.reverse();
    }
    Integer ordinal = column(left);
    if (ordinal != null && right instanceof RexDynamicParam param) {
      return parameterComparison(kind, ordinal, param);
    }
    RexLiteral value = literal(right);
    if (ordinal == null || value == null || value.isNull()) {
      return null;
    }
    return text(literalComparison(kind, ordinal, value));
  }

  /**
   * A tag (= or <>) or string field (=) compared with a string parameter, as its literal would be
   * (a query shape's host); only while the value is a non-empty string (recorded: a plan is reused
   * only for values of the same kind).
   */
  private InfluxCondition parameterComparison(SqlKind kind, int ordinal, RexDynamicParam param) {
    if (!SqlTypeUtil.inCharFamily(param.getType())) {
      return null;
    }
    MeasurementColumns.Kind column = MeasurementColumns.kind(schema, ordinal);
    boolean tag = column == MeasurementColumns.Kind.TAG;
    boolean stringField =
        column == MeasurementColumns.Kind.FIELD
            && MeasurementColumns.fieldType(schema, ordinal) == FieldType.STRING;
    if (!(tag && (kind == SqlKind.EQUALS || kind == SqlKind.NOT_EQUALS)
        || stringField && kind == SqlKind.EQUALS)) {
      return null;
    }
    if (!PlanDecisions.pushable(PlanDecisions.stringKind(param.getIndex()))) {
      return null;
    }
    String name = InfluxQl.identifier(MeasurementColumns.name(schema, ordinal));
    return kind == SqlKind.EQUALS
        ? InfluxCondition.of(name + " = ", param.getIndex())
        // SQL's <> is false for NULL (absent) tags; InfluxDB's != would keep them.
        : InfluxCondition.of("(" + name + " != ", param.getIndex(), " AND " + name + " != '')");
  }

  private String literalComparison(SqlKind kind, int ordinal, RexLiteral value) {
    String name = InfluxQl.identifier(MeasurementColumns.name(schema, ordinal));
    switch (MeasurementColumns.kind(schema, ordinal)) {
      case TAG -> {
        String s = value.getValueAs(String.class);
        if (s == null || s.isEmpty() || !SqlTypeUtil.inCharFamily(value.getType())) {
          return null; // no tag value is '': InfluxDB means "absent" by it
        }
        return switch (kind) {
          case EQUALS -> name + " = " + InfluxQl.string(s);
          // SQL's <> is false for NULL (absent) tags; InfluxDB's != would keep them.
          case NOT_EQUALS -> "(" + name + " != " + InfluxQl.string(s) + " AND " + name + " != '')";
          default -> null;
        };
      }
      case FIELD -> {
        FieldType type = MeasurementColumns.fieldType(schema, ordinal);
        String literal = fieldLiteral(type, value);
        if (literal == null) {
          return null;
        }
        String op =
            switch (kind) {
              case EQUALS -> "=";
              case LESS_THAN -> "<";
              case LESS_THAN_OR_EQUAL -> "<=";
              case GREATER_THAN -> ">";
              case GREATER_THAN_OR_EQUAL -> ">=";
              default -> null; // InfluxDB's != on a field also matches points without the field
            };
        if (op == null
            || (type == FieldType.BOOLEAN || type == FieldType.STRING) && !op.equals("=")) {
          return null;
        }
        return name + " " + op + " " + literal;
      }
      default -> {
        return null;
      }
    }
  }

  /** {@code tag LIKE 'pattern'} as an anchored regular expression (no ESCAPE clause). */
  private String like(RexCall call) {
    if (call.getOperands().size() != 2) {
      return null;
    }
    Integer tag = tagColumn(call.getOperands().get(0));
    RexLiteral pattern = literal(call.getOperands().get(1));
    if (tag == null || pattern == null || pattern.isNull()) {
      return null;
    }
    String p = pattern.getValueAs(String.class);
    StringBuilder regex = new StringBuilder("(?s)^");
    for (char c : p.toCharArray()) {
      switch (c) {
        case '%' -> regex.append(".*");
        case '_' -> regex.append('.');
        case '/' -> regex.append("\\/");
        default -> {
          if ("\\.[]{}()*+-?^$|".indexOf(c) >= 0) {
            regex.append('\\');
          }
          if (c == '\n') {
            regex.append("\\n");
          } else {
            regex.append(c);
          }
        }
      }
    }
    regex.append('$');
    String name = InfluxQl.identifier(MeasurementColumns.name(schema, tag));
    return "(" + name + " =~ /" + regex + "/ AND " + name + " != '')";
  }

  private static String fieldLiteral(FieldType type, RexLiteral value) {
    if (type.isNumeric() && SqlTypeUtil.isNumeric(value.getType())) {
      BigDecimal n = value.getValueAs(BigDecimal.class);
      return n == null ? null : n.toPlainString();
    }
    if (type == FieldType.STRING && SqlTypeUtil.inCharFamily(value.getType())) {
      return InfluxQl.string(value.getValueAs(String.class));
    }
    if (type == FieldType.BOOLEAN && value.getType().getFamily() == SqlTypeFamily.BOOLEAN) {
      return Boolean.TRUE.equals(value.getValueAs(Boolean.class)) ? "true" : "false";
    }
    return null;
  }

  private Integer tagColumn(RexNode node) {
    Integer ordinal = column(node);
    return ordinal != null
            && MeasurementColumns.kind(schema, ordinal) == MeasurementColumns.Kind.TAG
        ? ordinal
        : null;
  }

  /** The column a node reads, looking through casts that keep every value as it is (widening). */
  private static Integer column(RexNode node) {
    if (node instanceof RexInputRef ref) {
      return ref.getIndex();
    }
    if (node instanceof RexCall call
        && call.getKind() == SqlKind.CAST
        && call.getOperands().get(0) instanceof RexInputRef ref) {
      var from = ref.getType();
      var to = call.getType();
      // Only casts that keep every value: to an unbounded string, or to DOUBLE.
      boolean chars =
          SqlTypeUtil.inCharFamily(from)
              && to.getSqlTypeName() == SqlTypeName.VARCHAR
              && to.getPrecision() == RelDataType.PRECISION_NOT_SPECIFIED;
      boolean widening = SqlTypeUtil.isNumeric(from) && to.getSqlTypeName() == SqlTypeName.DOUBLE;
      return chars || widening ? ref.getIndex() : null;
    }
    return null;
  }

  private static RexLiteral literal(RexNode node) {
    return node instanceof RexLiteral l
        ? l
        : null; // a cast literal may change its value: left to Calcite
  }
}
