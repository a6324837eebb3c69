package io.tidewater.benchmarks.endtoend;

/** Something that answers the benchmark's questions: the gateway or one of its peers. */
interface QuerySystem extends AutoCloseable {

  String name();

  /** Whether it can answer {@code q} at all (DuckDB has only what was exported). */
  boolean answers(Question q);

  /** Asks {@code q}, reads the whole answer, and returns its number of rows; fails on any error. */
  long rows(Question q) throws Exception;

  @Override
  default void close() throws Exception {}
}
