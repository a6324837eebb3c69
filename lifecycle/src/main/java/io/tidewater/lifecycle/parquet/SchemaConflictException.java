package io.tidewater.lifecycle.parquet;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;

/**
 * Columns of one measurement disagree: a field typed differently, or a tag and a field with one
 * name.
 */
public final class SchemaConflictException extends TidewaterException {
  private static final long serialVersionUID = 1L;

  public SchemaConflictException(String message) {
    super(ErrorCode.SCHEMA_CONFLICT, message);
  }
}
