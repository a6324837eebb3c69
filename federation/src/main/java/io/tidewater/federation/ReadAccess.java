package io.tidewater.federation;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;

/**
 * Which databases a caller may read. The engine asks it of every table a statement reads (routed,
 * {@code influxdb.}, {@code lake.}, {@code lake_<resolution>.}, in joins and subqueries alike)
 * before any row is served, cached results included, and of every table it lists.
 */
@FunctionalInterface
public interface ReadAccess {

  /** Reads everything: for callers that check access themselves or need none (tests, tools). */
  ReadAccess ALL = database -> true;

  /** Whether the caller may read the tables of {@code database}. */
  boolean mayRead(String database);

  /** FORBIDDEN naming the table unless the caller may read its database. */
  default void checkRead(String database, String measurement) {
    if (!mayRead(database)) {
      throw new TidewaterException(
          ErrorCode.FORBIDDEN,
          "not allowed to read "
              + database
              + "."
              + measurement
              + ": the token's scopes do not include read:"
              + database);
    }
  }
}
