package io.tidewater.federation;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Calcite's type system with the choices of PostgreSQL, DuckDB and Trino where Calcite's own
 * surprise analysts: string literals of different lengths (CASE, UNION) become VARCHAR, not
 * blank-padded CHAR; the mean, variance, standard deviation and covariance of integers are DOUBLE,
 * not integers truncated toward zero (so {@code STDDEV_SAMP} of an integer field is 14.37, not 14,
 * as in InfluxQL, whose {@code mean()} of integers is a float too).
 */
public final class TidewaterTypeSystem extends RelDataTypeSystemImpl {

  public static final TidewaterTypeSystem INSTANCE = new TidewaterTypeSystem();

  @Override
  public boolean shouldConvertRaggedUnionTypesToVarying() {
    return true;
  }

  @Override
  public RelDataType deriveAvgAggType(RelDataTypeFactory typeFactory, RelDataType argumentType) {
    return SqlTypeName.INT_TYPES.contains(argumentType.getSqlTypeName())
        ? asDouble(typeFactory, argumentType)
        : super.deriveAvgAggType(typeFactory, argumentType);
  }

  @Override
  public RelDataType deriveCovarType(
      RelDataTypeFactory typeFactory, RelDataType arg0Type, RelDataType arg1Type) {
    if (SqlTypeName.INT_TYPES.contains(arg0Type.getSqlTypeName())
        || SqlTypeName.INT_TYPES.contains(arg1Type.getSqlTypeName())) {
      return asDouble(typeFactory, arg0Type.isNullable() ? arg0Type : arg1Type);
    }
    return super.deriveCovarType(typeFactory, arg0Type, arg1Type);
  }

  private static RelDataType asDouble(RelDataTypeFactory typeFactory, RelDataType like) {
    return typeFactory.createTypeWithNullability(
        typeFactory.createSqlType(SqlTypeName.DOUBLE), like.isNullable());
  }
}
