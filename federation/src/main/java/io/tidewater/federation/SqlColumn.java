package io.tidewater.federation;

/**
 * A column of a query result: its name and SQL type name (TIMESTAMP, VARCHAR, DOUBLE, BIGINT,
 * BOOLEAN, ...).
 */
public record SqlColumn(String name, String type) {}
