/**
 * Querying: Calcite schemas and rules for InfluxDB and the lake, routed tables, rollup selection,
 * result cache.
 */
package io.tidewater.federation;
