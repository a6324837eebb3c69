package io.tidewater.federation.influxql;

/** How a GROUP BY time query fills buckets without values ({@code fill(...)}). */
public enum Fill {
  NULL,
  NONE,
  NUMBER,
  PREVIOUS,
  LINEAR
}
