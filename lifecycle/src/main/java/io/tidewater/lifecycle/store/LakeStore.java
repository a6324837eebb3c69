package io.tidewater.lifecycle.store;

import io.tidewater.policy.StorageClass;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The few operations the lake needs from a storage back end (local folder, S3, Azure). Keys are
 * '/'-separated paths relative to the lake's root. Every write becomes visible only when complete:
 * readers and listings see the old object or the new one, never a part.
 */
public interface LakeStore extends AutoCloseable {

  LakeLocation location();

  /** Writes (or replaces) {@code key} with the file's content, in {@code storageClass}. */
  ObjectInfo put(String key, Path content, StorageClass storageClass);

  /**
   * As {@link #put(String, Path, StorageClass)} for a file the caller is done with: it may be moved
   * into the lake instead of copied (a local lake on the same file system renames it), so it may be
   * gone afterwards.
   */
  default ObjectInfo putMoving(String key, Path content, StorageClass storageClass) {
    return put(key, content, storageClass);
  }

  /** Writes (or replaces) {@code key} with {@code content}, in {@code storageClass}. */
  ObjectInfo put(String key, byte[] content, StorageClass storageClass);

  /**
   * Creates {@code key} only if no object has that key: the ledger's commit primitive. Of several
   * concurrent callers exactly one succeeds; the others get {@link LakeStoreException.Conflict}. An
   * object with exactly these bytes already there counts as success: it is what a retried request
   * finds when its first attempt landed but the answer was lost.
   */
  ObjectInfo putIfAbsent(String key, byte[] content);

  Optional<ObjectInfo> stat(String key);

  /** The whole object. */
  byte[] read(String key);

  /**
   * {@code length} bytes from {@code offset} (fewer at the end of the object). With {@code
   * expectedEtag} set, fails with {@link LakeStoreException.Conflict} if the object was replaced
   * since that ETag was seen.
   */
  byte[] readRange(String key, long offset, int length, Optional<String> expectedEtag);

  /** Every object whose key starts with {@code prefix}, at any depth, sorted by key. */
  List<ObjectInfo> list(String prefix);

  /**
   * The names of the folders directly under {@code prefix} (which ends in '/') that hold at least
   * one object, sorted: a delimiter listing, which costs one request per thousand folders where
   * {@link #list} costs one per thousand objects below them. By default from {@link #list}.
   */
  default List<String> folders(String prefix) {
    TreeSet<String> names = new TreeSet<>();
    for (ObjectInfo o : list(prefix)) {
      int slash = o.key().indexOf('/', prefix.length());
      if (slash > prefix.length()) {
        names.add(o.key().substring(prefix.length(), slash));
      }
    }
    return List.copyOf(names);
  }

  /** Deletes {@code key}; deleting what is not there is not an error. */
  void delete(String key);

  /** Whether objects have storage classes here (a local folder has one kind of storage). */
  boolean supportsStorageClasses();

  /** Moves {@code key} to another storage class; does nothing where classes are not supported. */
  void changeStorageClass(String key, StorageClass storageClass);

  @Override
  void close();

  /**
   * Removes what writes under {@code prefix} that never finished (a crash mid-write) left behind,
   * if started before {@code olderThan}, and says what it removed. Nothing by default: stores whose
   * half-written objects are invisible and expire on their own (Azure drops uncommitted blocks
   * after seven days).
   */
  default List<String> collectStaging(String prefix, Instant olderThan) {
    return List.of();
  }
}
