package io.tidewater.lifecycle.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The local folder where one gateway stages Parquet files before they reach the lake: a folder of
 * its own under the configured one, named after its gateway id, so that the files a killed process
 * left ({@link WindowWriter}'s {@code tw-*.parquet}) are known to be nobody's once a gateway with
 * that id starts again, and are deleted then. Gateway ids are unique among running gateways (their
 * leases depend on it), so no live writer's file is ever removed.
 */
public final class StagingFolder {

  /** The prefix of every staged file {@link WindowWriter} creates. */
  static final String PREFIX = "tw-";

  private StagingFolder() {}

  /**
   * Creates (if needed) and returns {@code base/<folder of gatewayId>}, after deleting the staged
   * files an earlier process with the same id left in it; returns how many through {@code removed}.
   */
  public static Claimed claim(Path base, String gatewayId) {
    Path folder = base.resolve(folderName(gatewayId));
    int removed = 0;
    try {
      Files.createDirectories(folder);
      try (DirectoryStream<Path> leftovers =
          Files.newDirectoryStream(folder, PREFIX + "*.parquet")) {
        for (Path leftover : leftovers) {
          if (Files.deleteIfExists(leftover)) {
            removed++;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the staging folder " + folder, e);
    }
    return new Claimed(folder, removed);
  }

  /**
   * A file name for a gateway id: its safe characters for reading, then a digest of the whole id so
   * that ids differing only in unsafe characters ({@code a:1}, {@code a/1}) get different folders.
   */
  static String folderName(String gatewayId) {
    String readable = gatewayId.replaceAll("[^A-Za-z0-9._-]", "_");
    if (readable.length() > 64) {
      readable = readable.substring(0, 64);
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(gatewayId.getBytes(StandardCharsets.UTF_8));
      return readable + "-" + HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /** The folder claimed and how many files of an earlier process were deleted from it. */
  public record Claimed(Path folder, int removed) {}
}
