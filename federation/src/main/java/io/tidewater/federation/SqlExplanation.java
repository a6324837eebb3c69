package io.tidewater.federation;

import io.tidewater.federation.route.Place;
import java.util.List;

/**
 * A query's plan as text, each part of it that reads a source, and its query shape.
 *
 * @param shape the statement with its time bounds and compared strings as parameters ({@code ?}),
 *     as it is planned once and reused; the statement itself where it has none
 * @param parameters the values of the shape's parameters in this statement (TIMESTAMPs as ISO
 *     instants, strings as they are)
 * @param planKept whether running the statement now would reuse a kept plan of its shape (one made
 *     for other values whose decisions hold for these), rather than plan it
 */
public record SqlExplanation(
    String plan, List<Part> parts, String shape, List<String> parameters, boolean planKept) {

  /**
   * One read of one place: the measurement ({@code database.measurement}), the time range it
   * covers, the resolution it reads and exactly what is sent there (InfluxQL, or the lake scan with
   * its pruning conditions).
   */
  public record Part(Place place, String table, String range, String resolution, String pushed) {}
}
