package io.tidewater.lifecycle.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.policy.StorageClass;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link LakeStore} must do; run against each store with a real server behind it. */
public abstract class LakeStoreContract {

  /** The store under test; large uploads must be split at {@link #partSize()}. */
  protected abstract LakeStore store();

  protected abstract long partSize();

  /**
   * The class a store's server reports after a change to {@code requested} (servers may not keep
   * it).
   */
  protected StorageClass reportedAfterChange(StorageClass requested) {
    return requested;
  }

  private String base;

  @BeforeEach
  void isolate() {
    base = "contract-" + UUID.randomUUID() + "/";
  }

  private String key(String k) {
    return base + k;
  }

  @Test
  void writesReadsRangesAndLists() {
    LakeStore s = store();
    byte[] content = "0123456789abcdef".getBytes(UTF_8);
    ObjectInfo put =
        s.put(key("db/cpu/res=raw/day=2025-01-15/part-1.parquet"), content, StorageClass.STANDARD);
    s.put(
        key("db/cpu/res=raw/day=2025-01-16/part-1.parquet"),
        "x".getBytes(UTF_8),
        StorageClass.STANDARD);
    s.put(
        key("db/cpu/res=1m/day=2025-01-15/part-1.parquet"),
        "y".getBytes(UTF_8),
        StorageClass.STANDARD);
    s.put(
        key("db/mem/res=raw/day=2025-01-15/part-1.parquet"),
        "z".getBytes(UTF_8),
        StorageClass.STANDARD);

    ObjectInfo stat = s.stat(key("db/cpu/res=raw/day=2025-01-15/part-1.parquet")).orElseThrow();
    assertEquals(16, stat.size());
    assertEquals(put.etag(), stat.etag());
    assertArrayEquals(content, s.read(key("db/cpu/res=raw/day=2025-01-15/part-1.parquet")));
    assertEquals(
        "3456",
        new String(
            s.readRange(
                key("db/cpu/res=raw/day=2025-01-15/part-1.parquet"),
                3,
                4,
                Optional.of(stat.etag())),
            UTF_8));
    assertEquals(
        "ef",
        new String(
            s.readRange(
                key("db/cpu/res=raw/day=2025-01-15/part-1.parquet"), 14, 10, Optional.empty()),
            UTF_8),
        "a range past the end is cut short");

    assertEquals(
        List.of(
            key("db/cpu/res=raw/day=2025-01-15/part-1.parquet"),
            key("db/cpu/res=raw/day=2025-01-16/part-1.parquet")),
        keys(s.list(key("db/cpu/res=raw/"))));
    assertEquals(
        List.of(
            key("db/cpu/res=1m/day=2025-01-15/part-1.parquet"),
            key("db/cpu/res=raw/day=2025-01-15/part-1.parquet"),
            key("db/cpu/res=raw/day=2025-01-16/part-1.parquet")),
        keys(s.list(key("db/cpu/res="))),
        "a prefix may end inside a name");
    assertEquals(List.of(), s.list(key("db/nothing/")));
    assertEquals(4, s.list(base).size());
    assertTrue(
        s.list(base).stream()
            .allMatch(o -> o.lastModified().isAfter(Instant.now().minusSeconds(600))));
  }

  @Test
  void foldersAreTheNamesDirectlyBelowAPrefixThatHoldObjects() {
    LakeStore s = store();
    s.put(key("db/cpu/res=raw/w1.json"), "a".getBytes(UTF_8), StorageClass.STANDARD);
    s.put(key("db/cpu/res=1h/w1.json"), "b".getBytes(UTF_8), StorageClass.STANDARD);
    s.put(key("db/cpu/through.json"), "c".getBytes(UTF_8), StorageClass.STANDARD);
    s.put(key("db/a b/res=raw/w1.json"), "d".getBytes(UTF_8), StorageClass.STANDARD);
    s.put(key("db/gone/res=raw/w1.json"), "e".getBytes(UTF_8), StorageClass.STANDARD);
    s.put(key("db/top.json"), "f".getBytes(UTF_8), StorageClass.STANDARD);
    s.delete(key("db/gone/res=raw/w1.json"));

    assertEquals(List.of("a b", "cpu"), s.folders(key("db/")), "objects directly under it are not");
    assertEquals(List.of("res=1h", "res=raw"), s.folders(key("db/cpu/")));
    assertEquals(List.of(), s.folders(key("db/cpu/res=raw/")));
    assertEquals(List.of(), s.folders(key("nothing/")));
    assertEquals(
        s.list(key("db/")).stream()
            .map(o -> o.key().substring(key("db/").length()))
            .filter(k -> k.contains("/"))
            .map(k -> k.substring(0, k.indexOf('/')))
            .distinct()
            .sorted()
            .toList(),
        s.folders(key("db/")),
        "as the full listing says");
  }

  @Test
  void missingObjectsAreReportedAsSuch() {
    LakeStore s = store();
    assertEquals(Optional.empty(), s.stat(key("nope")));
    LakeStoreException.Missing e =
        assertThrows(LakeStoreException.Missing.class, () -> s.read(key("nope")));
    assertTrue(e.getMessage().contains(s.location().uriOf(key("nope"))), e.getMessage());
    assertThrows(
        LakeStoreException.Missing.class, () -> s.readRange(key("nope"), 0, 4, Optional.empty()));
    s.delete(key("nope")); // deleting what is not there is fine
  }

  @Test
  void replacingChangesTheEtagAndConditionalReadsNoticeIt() {
    LakeStore s = store();
    ObjectInfo first = s.put(key("f"), "version one".getBytes(UTF_8), StorageClass.STANDARD);
    ObjectInfo second = s.put(key("f"), "version two!".getBytes(UTF_8), StorageClass.STANDARD);
    assertNotEquals(first.etag(), second.etag());
    assertArrayEquals("version two!".getBytes(UTF_8), s.read(key("f")));
    LakeStoreException.Conflict e =
        assertThrows(
            LakeStoreException.Conflict.class,
            () -> s.readRange(key("f"), 0, 4, Optional.of(first.etag())));
    assertTrue(e.getMessage().contains("was replaced"), e.getMessage());
    assertEquals(
        "vers", new String(s.readRange(key("f"), 0, 4, Optional.of(second.etag())), UTF_8));
  }

  @Test
  void putIfAbsentRefusesAnExistingKey() {
    LakeStore s = store();
    s.putIfAbsent(key("_ledger/v1"), "first".getBytes(UTF_8));
    LakeStoreException.Conflict e =
        assertThrows(
            LakeStoreException.Conflict.class,
            () -> s.putIfAbsent(key("_ledger/v1"), "second".getBytes(UTF_8)));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    assertArrayEquals("first".getBytes(UTF_8), s.read(key("_ledger/v1")));
    // The same bytes again is what a retried request sees after its first attempt landed: success.
    assertEquals(5, s.putIfAbsent(key("_ledger/v1"), "first".getBytes(UTF_8)).size());
  }

  @Test
  void ofConcurrentCommittersExactlyOneWins() throws Exception {
    LakeStore s = store();
    int committers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(committers);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < committers; i++) {
        String content = "committer-" + i;
        Callable<String> commit =
            () -> {
              start.await();
              try {
                s.putIfAbsent(key("_ledger/window"), content.getBytes(UTF_8));
                return content;
              } catch (LakeStoreException.Conflict lost) {
                return null;
              }
            };
        results.add(pool.submit(commit));
      }
      start.countDown();
      List<String> winners = new ArrayList<>();
      for (Future<String> f : results) {
        String won = f.get();
        if (won != null) {
          winners.add(won);
        }
      }
      assertEquals(1, winners.size(), "winners: " + winners);
      assertEquals(winners.get(0), new String(s.read(key("_ledger/window")), UTF_8));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void largeFilesUploadInPartsAndReadBackEqual(@TempDir Path tmp) throws Exception {
    LakeStore s = store();
    byte[] content = new byte[(int) (partSize() * 2 + 12345)];
    new Random(1).nextBytes(content);
    Path file = Files.write(tmp.resolve("big.parquet"), content);
    ObjectInfo info = s.put(key("big.parquet"), file, StorageClass.STANDARD);
    assertEquals(content.length, info.size());
    assertEquals(content.length, s.stat(key("big.parquet")).orElseThrow().size());
    assertArrayEquals(content, s.read(key("big.parquet")));
    byte[] tail =
        s.readRange(
            key("big.parquet"),
            content.length - 100,
            100,
            Optional.of(s.stat(key("big.parquet")).orElseThrow().etag()));
    assertArrayEquals(Arrays.copyOfRange(content, content.length - 100, content.length), tail);
  }

  @Test
  void storageClassesAreSetOnWriteAndChangedLater() {
    LakeStore s = store();
    s.put(key("cool"), "data".getBytes(UTF_8), StorageClass.COOL);
    s.put(key("std"), "data".getBytes(UTF_8), StorageClass.STANDARD);
    if (!s.supportsStorageClasses()) {
      assertEquals(Optional.empty(), s.stat(key("cool")).orElseThrow().storageClass());
      s.changeStorageClass(key("cool"), StorageClass.COLD); // a no-op, not an error
      assertArrayEquals("data".getBytes(UTF_8), s.read(key("cool")));
      return;
    }
    assertEquals(Optional.of(StorageClass.COOL), s.stat(key("cool")).orElseThrow().storageClass());
    assertEquals(
        Optional.of(StorageClass.STANDARD), s.stat(key("std")).orElseThrow().storageClass());
    for (StorageClass c : List.of(StorageClass.COLD, StorageClass.ARCHIVE)) {
      s.put(key("put-" + c), "data".getBytes(UTF_8), c);
      assertEquals(Optional.of(c), s.stat(key("put-" + c)).orElseThrow().storageClass());
      assertEquals(
          Optional.of(c),
          s.list(key("put-" + c)).get(0).storageClass(),
          "listings report the class too");
    }
    s.changeStorageClass(key("std"), StorageClass.COLD);
    assertEquals(
        Optional.of(reportedAfterChange(StorageClass.COLD)),
        s.stat(key("std")).orElseThrow().storageClass());
    assertArrayEquals(
        "data".getBytes(UTF_8), s.read(key("std")), "a cold object is still readable");
  }

  @Test
  void deleteRemovesTheObject() {
    LakeStore s = store();
    s.put(key("a/b/c.parquet"), "x".getBytes(UTF_8), StorageClass.STANDARD);
    s.put(key("a/d.parquet"), "y".getBytes(UTF_8), StorageClass.STANDARD);
    s.delete(key("a/b/c.parquet"));
    assertEquals(List.of(key("a/d.parquet")), keys(s.list(base)));
    assertEquals(Optional.empty(), s.stat(key("a/b/c.parquet")));
  }

  private static List<String> keys(List<ObjectInfo> infos) {
    return infos.stream().map(ObjectInfo::key).toList();
  }
}
