package io.tidewater.federation.plan;

import java.util.function.Function;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;

/**
 * A scan stashed in a compiled plan: built for each run from the run's parameter values (a plan
 * made once for a query shape reads each run's own time range), or once where it has none. Called
 * by generated code.
 */
public final class BoundScan {

  private final Function<Binding, ? extends ScanQuery> build;
  private final ScanQuery fixed;

  /** {@code parameterized} false: built once now. */
  BoundScan(Function<Binding, ? extends ScanQuery> build, boolean parameterized) {
    this.build = build;
    this.fixed = parameterized ? null : build.apply(Binding.NONE);
  }

  private ScanQuery query(DataContext root) {
    return fixed != null ? fixed : build.apply(Binding.of(root));
  }

  public Enumerable<Object[]> enumerable(DataContext root) {
    return query(root).enumerable(root);
  }

  public Enumerable<Object> scalarEnumerable(DataContext root) {
    return query(root).scalarEnumerable(root);
  }
}
