package io.tidewater.error;

/** An error with a stable {@link ErrorCode} and a message that names the problem. */
public class TidewaterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public TidewaterException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public TidewaterException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
