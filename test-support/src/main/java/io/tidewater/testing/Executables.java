package io.tidewater.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the programs the servers need, or explains how to install them. */
final class Executables {

  private Executables() {}

  /**
   * The file named by system property {@code property} if set, else {@code name} on the PATH, else
   * the first existing {@code fallbacks}; fails with {@code installHint} when none exists.
   */
  static Path require(String property, String name, String installHint, Path... fallbacks) {
    String configured = property == null ? null : System.getProperty(property);
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      if (Files.isRegularFile(path)) {
        return path;
      }
      throw new MissingServerException(
          name + " not found at " + path + " (system property " + property + "). " + installHint);
    }
    Optional<Path> found = onPath(name);
    if (found.isPresent()) {
      return found.get();
    }
    for (Path fallback : fallbacks) {
      if (fallback != null && Files.isRegularFile(fallback)) {
        return fallback;
      }
    }
    throw new MissingServerException(
        name
            + " not found on the PATH"
            + (property == null ? "" : " nor in system property " + property)
            + ". "
            + installHint);
  }

  static Optional<Path> onPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** The checkout's root folder: set by the build (testservers.root), else the working folder's. */
  static Path projectRoot() {
    String root = System.getProperty("testservers.root");
    if (root != null && !root.isBlank()) {
      return Path.of(root);
    }
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("test-support")) && Files.isRegularFile(p.resolve("mvnw"))) {
        return p;
      }
    }
    return dir;
  }
}
