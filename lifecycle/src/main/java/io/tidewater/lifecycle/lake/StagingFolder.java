package io.tidewater.lifecycle.lake;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The local folder where one gateway stages Parquet files before they reach the lake: a folder of
 * its own under the configured one, named after its gateway id and locked while the gateway runs. A
 * gateway that gets the lock knows that the staged files ({@link WindowWriter}'s {@code
 * tw-*.parquet}) in it are a killed process's, and deletes them; one that does not (another live
 * process with the same id, which also breaks leases) leaves them and says so.
 */
public final class StagingFolder implements Closeable {

  /** The prefix of every staged file {@link WindowWriter} creates. */
  static final String PREFIX = "tw-";

  private static final System.Logger LOG = System.getLogger(StagingFolder.class.getName());

  private final Path folder;
  private final int removed;
  private final FileChannel lockFile;
  private final FileLock lock;

  private StagingFolder(Path folder, int removed, FileChannel lockFile, FileLock lock) {
    this.folder = folder;
    this.removed = removed;
    this.lockFile = lockFile;
    this.lock = lock;
  }

  /**
   * Creates (if needed) and locks {@code base/<folder of gatewayId>}, then deletes the staged files
   * an earlier process with the same id left in it. Never fails: a folder that cannot be created or
   * locked is used as it is (writing to it fails later, for each window, with the reason).
   */
  public static StagingFolder claim(Path base, String gatewayId) {
    Path folder = base.resolve(folderName(gatewayId));
    FileChannel channel = null;
    FileLock lock = null;
    try {
      Files.createDirectories(folder);
      channel =
          FileChannel.open(
              folder.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      lock = channel.tryLock();
    } catch (OverlappingFileLockException sameJvm) {
      lock = null; // another gateway of this JVM (tests) holds it
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Cannot prepare the staging folder " + folder + ": " + e.getMessage());
    }
    if (lock == null) {
      if (channel != null) {
        LOG.log(
            System.Logger.Level.WARNING,
            "The staging folder "
                + folder
                + " is locked by another live process with gateway id "
                + gatewayId
                + ": its files are left alone (gateway ids must be distinct among running"
                + " gateways; their leases depend on it too)");
      }
      return new StagingFolder(folder, 0, channel, null);
    }
    return new StagingFolder(folder, deleteLeftovers(folder), channel, lock);
  }

  private static int deleteLeftovers(Path folder) {
    int removed = 0;
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(folder, PREFIX + "*.parquet")) {
      for (Path leftover : leftovers) {
        if (Files.deleteIfExists(leftover)) {
          removed++;
        }
      }
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Cannot delete staged files left in " + folder + ": " + e.getMessage());
    }
    return removed;
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

  /** Where to stage files. */
  public Path folder() {
    return folder;
  }

  /** How many files of an earlier process were deleted. */
  public int removed() {
    return removed;
  }

  /** Whether this process holds the folder (and so cleaned it). */
  public boolean locked() {
    return lock != null;
  }

  /** Releases the folder for the next process with this gateway id. */
  @Override
  public void close() throws IOException {
    if (lockFile != null) {
      lockFile.close(); // releases the lock too
    }
  }
}
