package io.tidewater.federation;

import org.apache.calcite.rel.type.RelDataTypeSystemImpl;

/** Calcite's type system with one change: string literals of different lengths (CASE, UNION) become VARCHAR, not blank-padded CHAR, as in PostgreSQL and Trino. */
public final class TidewaterTypeSystem extends RelDataTypeSystemImpl {

  public static final TidewaterTypeSystem INSTANCE = new TidewaterTypeSystem();

  @Override
  public boolean shouldConvertRaggedUnionTypesToVarying() {
    return true;
  }
}
