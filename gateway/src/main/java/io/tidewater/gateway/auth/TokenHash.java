package io.tidewater.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A token as the token file stores it: {@code sha256:<salt>:<digest>}, the digest being SHA-256 of
 * {@code <salt>:<token>} in hex (what {@code scripts/new-token.sh} prints with openssl). Tokens are
 * 32 random bytes, too many to guess, so one salted hash suffices (a slow password hash would only
 * slow every request). Verification compares digests in constant time.
 */
public final class TokenHash {

  /** What every token of the gateway's starts with (JWTs never do). */
  public static final String PREFIX = "tw_";

  private static final String SCHEME = "sha256";
  private static final HexFormat HEX = HexFormat.of();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String salt;
  private final byte[] digest;

  private TokenHash(String salt, byte[] digest) {
    this.salt = salt;
    this.digest = digest;
  }

  /** Parses {@code sha256:<salt>:<hex digest>}; IllegalArgumentException saying what is wrong. */
  public static TokenHash parse(String text) {
    String[] parts = text.strip().split(":", -1);
    if (parts.length != 3
        || !parts[0].equals(SCHEME)
        || parts[1].isEmpty()
        || parts[2].length() != 64) {
      throw new IllegalArgumentException(
          "a hash is sha256:<salt>:<64 hex digits> (scripts/new-token.sh prints one)");
    }
    try {
      return new TokenHash(parts[1], HEX.parseHex(parts[2].toLowerCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a hash's digest is 64 hex digits");
    }
  }

  /** The hash of {@code token} with a new random salt. */
  public static TokenHash of(String token) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    String s = HEX.formatHex(salt);
    return new TokenHash(s, digest(s, token));
  }

  /** A new random token: {@code tw_} and 64 hex digits (32 random bytes). */
  public static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + HEX.formatHex(bytes);
  }

  /** Whether {@code token} is the one hashed (constant time in the digest's comparison). */
  public boolean matches(String token) {
    return MessageDigest.isEqual(digest, digest(salt, token));
  }

  private static byte[] digest(String salt, String token) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest((salt + ":" + token).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return SCHEME + ":" + salt + ":" + HEX.formatHex(digest);
  }
}
