package io.tidewater.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A temporary folder holding one server's configuration, data and log; deleted on stop. */
record ServerHome(Path dir) {

  static ServerHome create(String name) {
    try {
      return new ServerHome(Files.createTempDirectory("tidewater-" + name + "-"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary folder for " + name, e);
    }
  }

  Path resolve(String child) {
    return dir.resolve(child);
  }

  Path log() {
    return dir.resolve("server.log");
  }

  Path write(String child, String content) {
    try {
      return Files.writeString(dir.resolve(child), content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(child), e);
    }
  }

  void delete() {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: the folder is under the system's temporary directory.
    }
  }
}
