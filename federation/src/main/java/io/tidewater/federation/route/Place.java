package io.tidewater.federation.route;

/** Where a part of a routed query is answered. */
public enum Place {
  INFLUXDB,
  LAKE
}
