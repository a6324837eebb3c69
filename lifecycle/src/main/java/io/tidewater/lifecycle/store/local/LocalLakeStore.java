package io.tidewater.lifecycle.store.local;

import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.LakeStore;
import io.tidewater.lifecycle.store.LakeStoreException;
import io.tidewater.lifecycle.store.ObjectInfo;
import io.tidewater.policy.StorageClass;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The lake in a local folder (the embedded default). Writes go to a hidden staging file in the
 * target's folder, are forced to disk, then renamed into place; put-if-absent links the staging
 * file to its name, which fails atomically if the name exists.
 */
public final class LocalLakeStore implements LakeStore {

  /** Staging files start with '.', which Athena, Trino, Spark and DuckDB's globs skip. */
  static final String STAGING_PREFIX = ".tw-staging-";

  private final LakeLocation.Local location;
  private final Path root;

  public LocalLakeStore(LakeLocation.Local location) {
    this.location = location;
    this.root = location.root().toAbsolutePath().normalize();
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new LakeStoreException(
          "cannot create the lake folder " + root + ": " + e.getMessage(), e);
    }
  }

  @Override
  public LakeLocation location() {
    return location;
  }

  private Path path(String key) {
    Path p = root.resolve(key).normalize();
    if (!p.startsWith(root) || p.equals(root) || key.startsWith("/")) {
      throw new IllegalArgumentException("key '" + key + "' leaves the lake folder");
    }
    return p;
  }

  @Override
  public ObjectInfo put(String key, Path content, StorageClass storageClass) {
    return write(
        key,
        staging -> {
          Files.copy(content, staging, StandardCopyOption.REPLACE_EXISTING);
          force(staging);
        },
        false);
  }

  /** Renames the file into the lake's staging name (a copy across file systems). */
  @Override
  public ObjectInfo putMoving(String key, Path content, StorageClass storageClass) {
    return write(
        key,
        staging -> {
          Files.move(content, staging, StandardCopyOption.REPLACE_EXISTING);
          force(staging);
        },
        false);
  }

  @Override
  public ObjectInfo put(String key, byte[] content, StorageClass storageClass) {
    return write(key, staging -> writeDurably(staging, content), false);
  }

  @Override
  public ObjectInfo putIfAbsent(String key, byte[] content) {
    try {
      return write(key, staging -> writeDurably(staging, content), true);
    } catch (LakeStoreException.Conflict e) {
      if (Arrays.equals(read(key), content)) {
        return stat(key).orElseThrow(() -> e);
      }
      throw e;
    }
  }

  /** Puts the complete content at the staging path, on disk (forced) before it returns. */
  private interface Filler {
    void fill(Path staging) throws IOException;
  }

  /** Writes and forces a new file through one open channel. */
  private static void writeDurably(Path staging, byte[] content) throws IOException {
    try (FileChannel channel =
        FileChannel.open(staging, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
  }

  private static void force(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  private ObjectInfo write(String key, Filler filler, boolean ifAbsent) {
    Path target = path(key);
    Path staging = target.resolveSibling(STAGING_PREFIX + UUID.randomUUID());
    boolean moved = false;
    try {
      for (int attempt = 1; ; attempt++) {
        try {
          // Most writes go to a folder that exists: a stat, not createDirectories' failing mkdir
          // and its exception.
          if (!Files.isDirectory(target.getParent())) {
            Files.createDirectories(target.getParent());
          }
          filler.fill(staging);
          break;
        } catch (NoSuchFileException e) {
          // A concurrent delete removed the folder as it became empty: create it again.
          if (attempt == 3) {
            throw e;
          }
        }
      }
      if (ifAbsent) {
        Files.createLink(target, staging);
      } else {
        try {
          Files.move(
              staging, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          moved = true;
        } catch (AtomicMoveNotSupportedException e) {
          throw new LakeStoreException(
              location.uriOf(key) + ": the lake folder does not support atomic renames", e);
        }
      }
      forceDirectory(target.getParent());
      return info(key, target);
    } catch (FileAlreadyExistsException e) {
      throw new LakeStoreException.Conflict(location.uriOf(key) + " already exists", e);
    } catch (IOException e) {
      throw new LakeStoreException(
          "cannot write " + location.uriOf(key) + ": " + e.getMessage(), e);
    } finally {
      if (!moved) {
        deleteQuietly(staging);
      }
    }
  }

  /** Makes the rename itself durable: a crash after this keeps the new name. */
  private static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some file systems refuse to open folders; the rename is still atomic, only less durable.
    }
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    Path p = path(key);
    try {
      return Optional.of(info(key, p));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new LakeStoreException("cannot stat " + location.uriOf(key) + ": " + e.getMessage(), e);
    }
  }

  private static ObjectInfo info(String key, Path p) throws IOException {
    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
    if (!a.isRegularFile()) {
      throw new NoSuchFileException(p.toString());
    }
    return new ObjectInfo(
        key, a.size(), etag(a), a.lastModifiedTime().toInstant(), Optional.empty());
  }

  /** Identity of this version of the file: a rename-replaced file has another inode. */
  private static String etag(BasicFileAttributes a) {
    return Long.toHexString(String.valueOf(a.fileKey()).hashCode() & 0xffffffffL)
        + "-"
        + Long.toHexString(a.size())
        + "-"
        + Long.toHexString(a.lastModifiedTime().toInstant().toEpochMilli());
  }

  @Override
  public byte[] read(String key) {
    try {
      return Files.readAllBytes(path(key));
    } catch (NoSuchFileException e) {
      throw new LakeStoreException.Missing(location.uriOf(key) + " does not exist", e);
    } catch (IOException e) {
      throw new LakeStoreException("cannot read " + location.uriOf(key) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] readRange(String key, long offset, int length, Optional<String> expectedEtag) {
    Path p = path(key);
    // Open first, then check: the open channel keeps reading the version whose ETag matched even
    // if the file is replaced afterwards; a replacement before the check fails the check.
    try (FileChannel channel = FileChannel.open(p, StandardOpenOption.READ)) {
      if (expectedEtag.isPresent()) {
        String now = etag(Files.readAttributes(p, BasicFileAttributes.class));
        if (!now.equals(expectedEtag.get())) {
          throw new LakeStoreException.Conflict(
              location.uriOf(key)
                  + " was replaced (ETag "
                  + expectedEtag.get()
                  + " expected, "
                  + now
                  + " found)",
              null);
        }
      }
      int n = (int) Math.max(0, Math.min(length, channel.size() - offset));
      ByteBuffer buffer = ByteBuffer.allocate(n);
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, offset + buffer.position()) < 0) {
          break;
        }
      }
      return buffer.array();
    } catch (NoSuchFileException e) {
      throw new LakeStoreException.Missing(location.uriOf(key) + " does not exist", e);
    } catch (IOException e) {
      throw new LakeStoreException("cannot read " + location.uriOf(key) + ": " + e.getMessage(), e);
    }
  }

  /** Staging files of writes a crash interrupted (renames that never happened). */
  @Override
  public List<String> collectStaging(String prefix, Instant olderThan) {
    List<String> removed = new ArrayList<>();
    walk(
        prefix,
        (p, key, a) -> {
          if (p.getFileName().toString().startsWith(STAGING_PREFIX)
              && a.lastModifiedTime().toInstant().isBefore(olderThan)) {
            try {
              Files.deleteIfExists(p);
              removed.add(key);
            } catch (IOException e) {
              // Not removable now: the next collection tries again.
            }
          }
        });
    return removed;
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    List<ObjectInfo> out = new ArrayList<>();
    walk(
        prefix,
        (p, key, a) -> {
          if (key.startsWith(prefix) && !p.getFileName().toString().startsWith(STAGING_PREFIX)) {
            out.add(
                new ObjectInfo(
                    key, a.size(), etag(a), a.lastModifiedTime().toInstant(), Optional.empty()));
          }
        });
    out.sort(Comparator.comparing(ObjectInfo::key));
    return out;
  }

  @Override
  public List<String> folders(String prefix) {
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      return LakeStore.super.folders(prefix);
    }
    Path dir = prefix.isEmpty() ? root : path(prefix.substring(0, prefix.length() - 1));
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path child : children) {
        if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS) && holdsAnObject(child)) {
          out.add(child.getFileName().toString());
        }
      }
    } catch (NoSuchFileException | NotDirectoryException none) {
      return List.of();
    } catch (IOException e) {
      throw new LakeStoreException(
          "cannot list " + location.uriOf(prefix) + ": " + e.getMessage(), e);
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  /** Whether a folder holds an object (not a staging file) at any depth; stops at the first. */
  private static boolean holdsAnObject(Path dir) throws IOException {
    boolean[] found = {false};
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path p, BasicFileAttributes a) {
            if (a.isRegularFile() && !p.getFileName().toString().startsWith(STAGING_PREFIX)) {
              found[0] = true;
              return FileVisitResult.TERMINATE;
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE; // removed meanwhile
            }
            throw e;
          }
        });
    return found[0];
  }

  /** A regular file met by {@link #walk}, with its key. */
  private interface FileVisit {
    void visit(Path path, String key, BasicFileAttributes attributes);
  }

  /** Every regular file in the folder of {@code prefix} and below. */
  private void walk(String prefix, FileVisit visit) {
    int slash = prefix.lastIndexOf('/');
    Path dir = slash < 0 ? root : path(prefix.substring(0, slash));
    if (!Files.isDirectory(dir)) {
      return;
    }
    try {
      // Files.walk gives up when an entry vanishes mid-walk (a concurrent staging rename or
      // delete); a visitor can skip it instead.
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path p, BasicFileAttributes a) {
              if (a.isRegularFile()) {
                visit.visit(p, root.relativize(p).toString().replace('\\', '/'), a);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
              if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
              }
              throw e;
            }
          });
    } catch (NoSuchFileException gone) {
      // the folder itself was removed meanwhile
    } catch (IOException e) {
      throw new LakeStoreException(
          "cannot list " + location.uriOf(prefix) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(String key) {
    Path p = path(key);
    try {
      Files.deleteIfExists(p);
      // Empty partition folders would show as empty partitions to external engines.
      for (Path dir = p.getParent(); dir != null && !dir.equals(root); dir = dir.getParent()) {
        Files.delete(dir);
      }
    } catch (DirectoryNotEmptyException | NoSuchFileException e) {
      // Stop at the first folder still in use (or already removed by a concurrent delete).
    } catch (IOException e) {
      throw new LakeStoreException(
          "cannot delete " + location.uriOf(key) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean supportsStorageClasses() {
    return false;
  }

  @Override
  public void changeStorageClass(String key, StorageClass storageClass) {
    // A local folder has one kind of storage.
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // A leftover staging file is hidden from listings and engines.
    }
  }

  @Override
  public void close() {}
}
