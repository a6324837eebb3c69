package io.tidewater.gateway.auth;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a token may do: {@code read:<database>} and {@code write:<database>} (an exact name, or a
 * glob with {@code *} and {@code ?}: {@code read:*}, {@code write:telegraf_*}), {@code admin}
 * (start runs, backfills and reconciliations; see job status) and {@code metrics} (Prometheus
 * metrics and the OpenAPI document).
 *
 * @param action what is allowed
 * @param database the databases it applies to, for READ and WRITE (empty for ADMIN and METRICS)
 * @param text the scope as written in the token file
 */
public record Scope(Action action, Optional<Pattern> database, String text) {

  /** The closed set of actions a scope grants. */
  public enum Action {
    READ,
    WRITE,
    ADMIN,
    METRICS;

    String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Parses {@code read:db}, {@code write:db*}, {@code admin} or {@code metrics}; BAD_REQUEST naming
   * what is wrong.
   */
  public static Scope parse(String text) {
    String s = text.strip();
    int colon = s.indexOf(':');
    String action = (colon < 0 ? s : s.substring(0, colon)).toLowerCase(Locale.ROOT);
    for (Action a : Action.values()) {
      if (!a.key().equals(action)) {
        continue;
      }
      boolean perDatabase = a == Action.READ || a == Action.WRITE;
      if (perDatabase != (colon >= 0) || perDatabase && s.length() == colon + 1) {
        throw new TidewaterException(
            ErrorCode.BAD_REQUEST,
            "scope '"
                + text
                + "': "
                + (perDatabase
                    ? a.key()
                        + " needs a database or a glob, e.g. "
                        + a.key()
                        + ":telegraf or "
                        + a.key()
                        + ":*"
                    : a.key() + " takes no database"));
      }
      return new Scope(
          a, perDatabase ? Optional.of(glob(s.substring(colon + 1))) : Optional.empty(), s);
    }
    throw new TidewaterException(
        ErrorCode.BAD_REQUEST,
        "scope '" + text + "': expected read:<database>, write:<database>, admin or metrics");
  }

  /**
   * Whether this scope allows {@code action} on {@code database} (null for actions on no database).
   */
  public boolean allows(Action action, String database) {
    return this.action == action
        && (database == null
            || this.database.map(p -> p.matcher(database).matches()).orElse(false));
  }

  /**
   * A glob ({@code *} any run of characters, {@code ?} one) as a whole-name pattern; all else
   * literal.
   */
  static Pattern glob(String glob) {
    StringBuilder re = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*' || c == '?') {
        if (literal.length() > 0) {
          re.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        re.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      re.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }

  @Override
  public String toString() {
    return text;
  }
}
