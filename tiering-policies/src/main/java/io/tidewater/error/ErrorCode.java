package io.tidewater.error;

/**
 * Every error the product reports, with a stable code and its kind (Trino's convention). The
 * gateway maps them to HTTP statuses: user errors 400 (401 for UNAUTHENTICATED, 403 for FORBIDDEN,
 * 404 for NOT_FOUND, 409 for BUSY, LEASE_HELD and LAKE_CONFLICT, 429 for TOO_BUSY, 503 for
 * QUERY_CANCELLED), external ones 502, internal ones 500.
 */
public enum ErrorCode {
  /** A tiering policy file is malformed or contradicts itself or another policy. */
  INVALID_POLICY(Kind.USER),
  /** A request named something (policy, table, column) that does not exist. */
  NOT_FOUND(Kind.USER),
  /** A request is malformed (bad parameter, bad body). */
  BAD_REQUEST(Kind.USER),
  /** The request conflicts with work in progress (a job already running). */
  BUSY(Kind.USER),
  /**
   * Another live gateway holds the policy's lease (409): the message names it and when its lease
   * runs out.
   */
  LEASE_HELD(Kind.USER),
  /** InfluxDB could not be reached or answered with an error. */
  INFLUXDB_UNAVAILABLE(Kind.EXTERNAL),
  /** The lake's store could not be reached or refused an operation. */
  LAKE_UNAVAILABLE(Kind.EXTERNAL),
  /** A lake object that should exist does not (deleted or never written). */
  LAKE_OBJECT_MISSING(Kind.EXTERNAL),
  /** Another writer got there first: put-if-absent lost, or an object changed under a reader. */
  LAKE_CONFLICT(Kind.EXTERNAL),
  /** A measurement's columns disagree across files or shards (a field with two types). */
  SCHEMA_CONFLICT(Kind.EXTERNAL),
  /** A lake location or store setting is malformed. */
  INVALID_LAKE_CONFIG(Kind.USER),
  /** SQL that does not parse; the message names the line and column. */
  SQL_SYNTAX(Kind.USER),
  /** SQL that parses but is not valid: types, ambiguous columns, wrong arguments. */
  SQL_INVALID(Kind.USER),
  /** SQL that is valid but asks for something the gateway does not do. */
  UNSUPPORTED(Kind.USER),
  /** A query ran longer than the configured limit and was stopped. */
  QUERY_TIMEOUT(Kind.USER),
  /** A query was stopped before its end: its client went away or the gateway is shutting down. */
  QUERY_CANCELLED(Kind.USER),
  /** A query needed more memory than its budget allows; the message names the limit. */
  RESOURCE_EXHAUSTED(Kind.USER),
  /** A query's result has more rows than the request or configuration allows. */
  TOO_MANY_ROWS(Kind.USER),
  /** A request carried no credential, or one the gateway does not know (401). */
  UNAUTHENTICATED(Kind.USER),
  /**
   * The caller's token does not allow what the request asks (403): names the table or action
   * refused.
   */
  FORBIDDEN(Kind.USER),
  /** The token file or another authentication setting is missing or malformed. */
  INVALID_AUTH_CONFIG(Kind.USER),
  /** More statements at once than the gateway admits (429, with Retry-After): retry later. */
  TOO_BUSY(Kind.USER),
  /** A bug or an unexpected state inside the gateway. */
  INTERNAL(Kind.INTERNAL);

  /** Who has to act: the caller, an operator of another system, or us. */
  public enum Kind {
    USER,
    EXTERNAL,
    INTERNAL
  }

  private final Kind kind;

  ErrorCode(Kind kind) {
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
