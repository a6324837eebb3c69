package io.tidewater.federation;

import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.rel.type.RelDataType;

/**
 * The generated code of both adapters' converters: the planned scan is stashed in the statement's
 * context and asked for its rows ({@code enumerable()}: Object[] rows, or {@code scalarEnumerable()}
 * for one-column rows, which Calcite passes as bare values).
 */
public final class ScanToEnumerable {

  private ScanToEnumerable() {}

  public static <T> EnumerableRel.Result implement(EnumerableRelImplementor implementor, EnumerableRel.Prefer pref,
      RelDataType rowType, T scan, Class<T> type) {
    PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), rowType, pref.prefer(JavaRowFormat.ARRAY));
    Expression stashed = implementor.stash(scan, type);
    BlockBuilder block = new BlockBuilder();
    block.add(Expressions.return_(null, Expressions.call(stashed,
        physType.getFormat() == JavaRowFormat.SCALAR ? "scalarEnumerable" : "enumerable")));
    return implementor.result(physType, block.toBlock());
  }
}
