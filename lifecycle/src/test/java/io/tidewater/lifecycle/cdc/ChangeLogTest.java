package io.tidewater.lifecycle.cdc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The change log keeps every acknowledged write across restarts, cuts torn tails, and trims what
 * reached the lake.
 */
class ChangeLogTest {

  @TempDir Path dir;

  private static byte[] body(int i) {
    return ("cpu,host=h" + i + " v=" + i + " " + i).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void writesSurviveAReopenInOrderAcrossSegments() {
    try (ChangeLog log = new ChangeLog(dir, 200, 0)) {
      for (int i = 0; i < 10; i++) {
        assertEquals(i, log.append("db", i % 2 == 0 ? null : "rp", "ns", 1000L + i, body(i)));
      }
    }
    try (ChangeLog log = new ChangeLog(dir, 200, 0)) {
      List<ChangeLog.Entry> back = log.recovered();
      assertEquals(10, back.size());
      for (int i = 0; i < 10; i++) {
        assertEquals(i, back.get(i).sequence());
        assertArrayEquals(body(i), back.get(i).body());
        assertEquals(i % 2 == 0 ? null : "rp", back.get(i).retentionPolicy());
        assertEquals(1000L + i, back.get(i).receivedNanos());
      }
      assertEquals(10, log.append("db", null, "ms", 0, body(10)), "sequences continue");
    }
    assertEquals(11, new ChangeLog(dir, 200, 0).recovered().size());
  }

  @Test
  void aTornOrCorruptTailIsCutAndAppendsContinue() throws Exception {
    try (ChangeLog log = new ChangeLog(dir, 1 << 20, 0)) {
      for (int i = 0; i < 5; i++) {
        log.append("db", null, "ns", 0, body(i));
      }
    }
    Path segment = segments().get(0);
    long size = Files.size(segment);
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.truncate(size - 3); // a crash in the middle of the last record
    }
    try (ChangeLog log = new ChangeLog(dir, 1 << 20, 0)) {
      assertEquals(4, log.recovered().size());
      assertEquals(4, log.append("db", null, "ns", 0, body(4)));
    }
    // A flipped byte in the last record: its checksum fails, it is cut.
    Path last = segments().get(segments().size() - 1);
    byte[] bytes = Files.readAllBytes(last);
    bytes[bytes.length - 2] ^= 0x5a;
    Files.write(last, bytes);
    try (ChangeLog log = new ChangeLog(dir, 1 << 20, 0)) {
      assertEquals(4, log.recovered().size());
    }
  }

  /**
   * A damaged record between readable ones is no torn tail: it is reported and skipped, the records
   * after it are replayed, and nothing is cut from the file.
   */
  @Test
  void aCorruptRecordInTheMiddleIsReportedAndSkippedNotCut() throws Exception {
    try (ChangeLog log = new ChangeLog(dir, 1 << 20, 0)) {
      for (int i = 0; i < 5; i++) {
        log.append("db", null, "ns", 0, body(i));
      }
    }
    Path segment = segments().get(0);
    byte[] bytes = Files.readAllBytes(segment);
    int recordLength = bytes.length / 5; // equal bodies: equal records
    bytes[2 * recordLength + recordLength - 3] ^= 0x5a; // inside the third record's body
    Files.write(segment, bytes);
    try (ChangeLog log = new ChangeLog(dir, 1 << 20, 0)) {
      assertEquals(
          List.of(0L, 1L, 3L, 4L),
          log.recovered().stream().map(ChangeLog.Entry::sequence).toList());
      assertEquals(4, log.recoveredCount());
      assertEquals(1, log.problems().size(), log.problems().toString());
      assertTrue(log.problems().get(0).contains("writes 2 to 2 are lost"), log.problems().get(0));
      assertEquals(bytes.length, Files.size(segment), "nothing cut");
      assertEquals(5, log.append("db", null, "ns", 0, body(5)), "sequences continue");
    }
  }

  @Test
  void trimmingDropsSegmentsWhoseWritesReachedTheLake() throws Exception {
    try (ChangeLog log = new ChangeLog(dir, 100, 0)) {
      for (int i = 0; i < 8; i++) {
        log.append("db", null, "ns", 0, body(i));
      }
      int before = segments().size();
      log.trimThrough(5);
      List<ChangeLog.Entry> left = new ChangeLog(dir, 100, 0).recovered();
      assertEquals(true, segments().size() < before);
      assertEquals(7, left.get(left.size() - 1).sequence());
      assertEquals(true, left.get(0).sequence() <= 6, "writes after 5 are all kept");
    }
  }

  @Test
  void aFullDiskRefusesTheWriteAndWritesNothing() {
    try (ChangeLog log = new ChangeLog(dir, 1 << 20, Long.MAX_VALUE / 2)) {
      ChangeLog.FullException e =
          assertThrows(
              ChangeLog.FullException.class, () -> log.append("db", null, "ns", 0, body(1)));
      assertEquals(true, e.getMessage().contains("free"));
    }
    assertEquals(0, new ChangeLog(dir, 1 << 20, 0).recovered().size());
  }

  private List<Path> segments() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }
}
