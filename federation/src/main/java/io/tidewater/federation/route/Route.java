package io.tidewater.federation.route;

import io.tidewater.federation.TimeRange;

/** One part of a routed table's time line and the place that answers it. */
public record Route(Place place, TimeRange range) {}
