package io.tidewater.gateway.auth;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * The token a request carries, in any of the forms InfluxDB's clients send: {@code Authorization:
 * Token <t>} (InfluxDB 2.x/3.x, Telegraf), {@code Authorization: Bearer <t>}, {@code Authorization:
 * Basic} with the token as the password (InfluxDB 1.x clients, and subscriptions whose destination
 * is {@code http://<name>:<token>@host:port}), or the {@code u}/{@code p} query parameters with the
 * token as {@code p}.
 */
public final class Credentials {

  private Credentials() {}

  /**
   * The token of a request with this Authorization header and these {@code u}/{@code p} parameters
   * (each may be null); empty if it carries none; UNAUTHENTICATED if the header is malformed.
   */
  public static Optional<String> token(String authorization, String password) {
    if (authorization != null && !authorization.isBlank()) {
      String header = authorization.strip();
      int space = header.indexOf(' ');
      String scheme = (space < 0 ? header : header.substring(0, space)).toLowerCase(Locale.ROOT);
      String value = space < 0 ? "" : header.substring(space + 1).strip();
      switch (scheme) {
        case "token", "bearer" -> {
          return nonEmpty(value);
        }
        case "basic" -> {
          return nonEmpty(basicPassword(value));
        }
        default ->
            throw new TidewaterException(
                ErrorCode.UNAUTHENTICATED,
                "the Authorization header's scheme must be Token, Bearer or Basic");
      }
    }
    return password == null ? Optional.empty() : nonEmpty(password);
  }

  private static String basicPassword(String encoded) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new TidewaterException(
          ErrorCode.UNAUTHENTICATED, "the Basic credentials are not valid base64");
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw new TidewaterException(
          ErrorCode.UNAUTHENTICATED, "Basic credentials are <name>:<token>");
    }
    return decoded.substring(colon + 1);
  }

  private static Optional<String> nonEmpty(String token) {
    if (token.isEmpty()) {
      throw new TidewaterException(ErrorCode.UNAUTHENTICATED, "the credential is empty");
    }
    return Optional.of(token);
  }
}
