package io.tidewater.lifecycle.store;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;

/** A store operation failed; the message names the object's URI. */
public class LakeStoreException extends TidewaterException {
  private static final long serialVersionUID = 1L;

  public LakeStoreException(String message, Throwable cause) {
    super(ErrorCode.LAKE_UNAVAILABLE, message, cause);
  }

  protected LakeStoreException(ErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }

  /** Put-if-absent found the object already there, or a conditional read found it replaced. */
  public static final class Conflict extends LakeStoreException {
    private static final long serialVersionUID = 1L;

    public Conflict(String message, Throwable cause) {
      super(ErrorCode.LAKE_CONFLICT, message, cause);
    }
  }

  /** The object does not exist. */
  public static final class Missing extends LakeStoreException {
    private static final long serialVersionUID = 1L;

    public Missing(String message, Throwable cause) {
      super(ErrorCode.LAKE_OBJECT_MISSING, message, cause);
    }
  }
}
