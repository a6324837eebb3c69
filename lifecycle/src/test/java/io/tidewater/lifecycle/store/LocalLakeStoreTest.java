package io.tidewater.lifecycle.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidewater.lifecycle.store.local.LocalLakeStore;
import io.tidewater.policy.StorageClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LocalLakeStoreTest extends LakeStoreContract {

  private final LocalLakeStore store = TestStores.local();
  private final Path root = store.location() instanceof LakeLocation.Local l ? l.root() : null;

  @Override
  protected LakeStore store() {
    return store;
  }

  @Override
  protected long partSize() {
    return 1024 * 1024;
  }

  @Test
  void stagingFilesACrashLeftAreCollectedOnceOlderThanTheCutoff() throws IOException {
    store.put("crash/x/a.parquet", new byte[] {1}, StorageClass.STANDARD);
    Path left = root.resolve("crash/x/.tw-staging-left-by-a-crash");
    Files.write(left, new byte[] {1, 2, 3});
    assertEquals(List.of(), store.collectStaging("crash/", Instant.now().minusSeconds(3600)));
    assertTrue(Files.exists(left));
    assertEquals(
        List.of("crash/x/.tw-staging-left-by-a-crash"),
        store.collectStaging("crash/", Instant.now().plusSeconds(60)));
    assertFalse(Files.exists(left));
    assertTrue(store.stat("crash/x/a.parquet").isPresent(), "committed files stay");
  }

  @Test
  void leavesNoStagingFilesAndNoEmptyFoldersBehind() throws IOException {
    store.put("t/x/y/z.parquet", new byte[] {1}, StorageClass.STANDARD);
    store.put("t/x/y/z.parquet", new byte[] {2}, StorageClass.STANDARD);
    store.delete("t/x/y/z.parquet");
    assertFalse(Files.exists(root.resolve("t")), "empty partition folders are removed");
    try (Stream<Path> all = Files.walk(root)) {
      assertEquals(
          0, all.filter(p -> p.getFileName().toString().startsWith(".tw-staging-")).count());
    }
  }

  @Test
  void keysCannotLeaveTheLakeFolder() {
    assertThrows(
        IllegalArgumentException.class,
        () -> store.put("../outside", new byte[] {1}, StorageClass.STANDARD));
  }
}
