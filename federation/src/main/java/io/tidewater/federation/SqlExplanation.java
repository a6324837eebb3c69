package io.tidewater.federation;

import io.tidewater.federation.route.Place;
import java.util.List;

/** A query's plan as text, and each part of it that reads a source. */
public record SqlExplanation(String plan, List<Part> parts) {

  /**
   * One read of one place: the measurement ({@code database.measurement}), the time range it
   * covers, the resolution it reads and exactly what is sent there (InfluxQL, or the lake scan with
   * its pruning conditions).
   */
  public record Part(Place place, String table, String range, String resolution, String pushed) {}
}
