package io.tidewater.federation.plan;

import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;

/** An adapter's planned scan as generated code runs it. */
public interface ScanQuery {

  /** The rows; {@code root} carries the run's time limit and cancel flag. */
  Enumerable<Object[]> enumerable(DataContext root);

  /** The values of a one-column scan, which Calcite passes as bare values. */
  Enumerable<Object> scalarEnumerable(DataContext root);
}
