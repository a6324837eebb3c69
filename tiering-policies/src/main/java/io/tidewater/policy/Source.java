package io.tidewater.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a policy takes from InfluxDB: one database, a retention policy (empty: the database's
 * default) and the measurements it claims.
 */
public record Source(
    String database, Optional<String> retentionPolicy, List<MeasurementMatcher> measurements) {

  public Source {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(retentionPolicy, "retentionPolicy");
    measurements = List.copyOf(measurements);
    if (database.isEmpty() || measurements.isEmpty()) {
      throw new IllegalArgumentException("a source needs a database and at least one measurement");
    }
  }

  /**
   * Whether this source claims {@code measurement} of {@code database} / {@code retentionPolicy}.
   */
  public boolean claims(String database, Optional<String> retentionPolicy, String measurement) {
    return this.database.equals(database)
        && this.retentionPolicy.equals(retentionPolicy)
        && claims(measurement);
  }

  /** Whether this source claims {@code measurement} of its own database. */
  public boolean claims(String measurement) {
    return measurements.stream().anyMatch(m -> m.matches(measurement));
  }
}
