package io.tidewater.federation.route;

import io.tidewater.federation.TimeRange;
import java.util.List;

/**
 * One part of a routed table's time line and the place that answers it.
 *
 * @param lakeToo ranges of an InfluxDB part that the lake holds completely too (exported, clean,
 *     still hot), in time order: a query wholly inside one may be read from the lake instead where
 *     that costs less ({@link PlaceChoiceRule})
 */
public record Route(Place place, TimeRange range, List<TimeRange> lakeToo) {

  public Route {
    lakeToo = List.copyOf(lakeToo);
    if (!lakeToo.isEmpty() && place != Place.INFLUXDB) {
      throw new IllegalArgumentException("only an InfluxDB part has the lake as an alternative");
    }
  }

  public Route(Place place, TimeRange range) {
    this(place, range, List.of());
  }
}
