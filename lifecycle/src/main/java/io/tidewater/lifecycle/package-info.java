/** Moving data: InfluxDB reader, lake stores, Parquet codec, ledger, export, rollup, retention, CDC log, catalog. */
package io.tidewater.lifecycle;
