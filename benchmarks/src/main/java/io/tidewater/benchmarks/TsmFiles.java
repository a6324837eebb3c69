package io.tidewater.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The size of InfluxDB's TSM files: the peer of the lake's bytes per value. */
public final class TsmFiles {

  private TsmFiles() {}

  /**
   * Waits until the TSM files under {@code data} stop changing (influxd started with short
   * compaction delays has fully compacted them) and returns their size; gives up after 4 minutes
   * with the size then.
   */
  public static long awaitCompactedSize(Path data) throws IOException, InterruptedException {
    long last = -1;
    int stable = 0;
    for (int i = 0; i < 240 && stable < 10; i++) {
      Thread.sleep(1000);
      long size = size(data);
      boolean compacting;
      try (Stream<Path> files = Files.walk(data)) {
        compacting = files.anyMatch(p -> p.toString().endsWith(".tsm.tmp"));
      }
      stable = size == last && !compacting && size > 0 ? stable + 1 : 0;
      last = size;
    }
    return last;
  }

  /** The TSM files' size now. */
  public static long size(Path data) throws IOException {
    try (Stream<Path> files = Files.walk(data)) {
      return files
          .filter(p -> p.toString().endsWith(".tsm"))
          .mapToLong(p -> p.toFile().length())
          .sum();
    }
  }
}
