package io.tidewater.testing;

/** A test needs a server whose program is not installed; the message says how to install it. */
public final class MissingServerException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  MissingServerException(String message) {
    super(message);
  }
}
