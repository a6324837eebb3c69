package io.tidewater.gateway.auth;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The tokens of the token file, read again when the file changes (looked at no more than once a
 * second), so tokens are added and revoked without a restart. A changed file that does not load
 * leaves the tokens as they were and is logged; the gateway refuses to start with one.
 */
public final class TokenStore {

  private static final System.Logger LOG = System.getLogger(TokenStore.class.getName());
  private static final Duration LOOK_EVERY = Duration.ofSeconds(1);

  private final Path path;
  private final Clock clock;
  private volatile List<TokenFile.Entry> entries;
  private volatile FileTime loadedVersion;
  private volatile Instant lookedAt;

  /** Loads {@code path}; INVALID_AUTH_CONFIG if it does not load. */
  public TokenStore(Path path, Clock clock) {
    this.path = path;
    this.clock = clock;
    this.loadedVersion = modified();
    this.entries = TokenFile.load(path);
    this.lookedAt = clock.instant();
  }

  /** How many tokens there are. */
  public int size() {
    return current().size();
  }

  /** The principal whose token is {@code token}, if any. */
  public Optional<Principal> authenticate(String token) {
    // Every entry is checked, so the time taken does not tell which name a token is close to.
    Principal found = null;
    for (TokenFile.Entry e : current()) {
      if (e.hash().matches(token) && found == null) {
        found = e.principal();
      }
    }
    return Optional.ofNullable(found);
  }

  private List<TokenFile.Entry> current() {
    Instant now = clock.instant();
    if (Duration.between(lookedAt, now).compareTo(LOOK_EVERY) >= 0) {
      synchronized (this) {
        if (Duration.between(lookedAt, now).compareTo(LOOK_EVERY) >= 0) {
          lookedAt = now;
          reloadIfChanged();
        }
      }
    }
    return entries;
  }

  private void reloadIfChanged() {
    FileTime version = modified();
    if (version == null || version.equals(loadedVersion)) {
      return;
    }
    try {
      entries = TokenFile.load(path);
      LOG.log(Level.INFO, "Token file {0} reloaded: {1} tokens", path, entries.size());
    } catch (RuntimeException e) {
      LOG.log(
          Level.ERROR,
          "Token file {0} changed but does not load; the previous tokens stay: {1}",
          path,
          e.getMessage());
    }
    loadedVersion = version;
  }

  private FileTime modified() {
    try {
      return Files.getLastModifiedTime(path);
    } catch (IOException e) {
      return null;
    }
  }
}
