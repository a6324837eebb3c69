package io.tidewater.lifecycle.lake;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;

/** Another committer wrote the version this commit meant to write; reload the window and retry. */
public final class LedgerConflictException extends TidewaterException {
  private static final long serialVersionUID = 1L;

  public LedgerConflictException(String message, Throwable cause) {
    super(ErrorCode.LAKE_CONFLICT, message, cause);
  }
}
