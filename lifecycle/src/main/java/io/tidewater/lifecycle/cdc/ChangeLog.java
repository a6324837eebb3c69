package io.tidewater.lifecycle.cdc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The durable log of accepted writes (docs/architecture.md, writes): each write's body is appended
 * as one checksummed record and forced to disk before the write is acknowledged, so nothing
 * acknowledged is lost when the gateway stops. Records live in segment files named by their first
 * sequence number; on open the log is read back and a torn or corrupt tail (a crash mid-append) is
 * cut off. Segments are deleted once every write in them has reached the lake.
 *
 * <p>Record: magic, payload length, CRC32C of sequence and payload, sequence, payload (database,
 * retention policy, precision, receive time, body).
 */
public final class ChangeLog implements AutoCloseable {

  private static final int MAGIC = 0x54574C31; // "TWL1"
  private static final int HEADER = 4 + 4 + 4 + 8;

  /** One accepted write. */
  public record Entry(
      long sequence,
      String database,
      String retentionPolicy,
      String precision,
      long receivedNanos,
      byte[] body) {}

  /**
   * The log refused a write: the disk holds less than the configured reserve. Nothing was written.
   */
  public static final class FullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FullException(String message) {
      super(message);
    }
  }

  private final Path dir;
  private final List<String> problems = new ArrayList<>();
  private long recoveredEnd;
  private long recoveredCount;
  private FileStore store;
  private final long segmentBytes;
  private final long reserveBytes;
  private FileChannel current;
  private Path currentPath;
  private long nextSequence;

  /**
   * Opens (or creates) the log in {@code dir}, recovering what it holds.
   *
   * @param segmentBytes a segment is closed and a new one started past this size
   * @param reserveBytes appends are refused while the disk has less free space than this
   */
  public ChangeLog(Path dir, long segmentBytes, long reserveBytes) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.reserveBytes = reserveBytes;
    try {
      Files.createDirectories(dir);
      recover();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "the change log in " + dir + " cannot be opened: " + e.getMessage(), e);
    }
  }

  /**
   * Hands every write the log held when it was opened to {@code each}, in order, reading one
   * segment at a time (a big log is never in memory whole).
   */
  public synchronized void replay(Consumer<Entry> each) {
    try {
      for (Path segment : segments()) {
        if (firstSequence(segment) >= recoveredEnd) {
          break; // written since the log was opened
        }
        scan(
            segment,
            Files.readAllBytes(segment),
            null,
            (sequence, payload) -> {
              if (sequence < recoveredEnd) {
                each.accept(decode(sequence, payload));
              }
            });
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "the change log in " + dir + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** Every write the log held when it was opened, bodies included (see {@link #replay}). */
  public List<Entry> recovered() {
    List<Entry> entries = new ArrayList<>();
    replay(entries::add);
    return entries;
  }

  /** How many writes the log held when it was opened. */
  public synchronized long recoveredCount() {
    return recoveredCount;
  }

  /**
   * What was wrong when the log was opened: records that did not check (frame, checksum or
   * sequence) between readable ones, each with its segment and offset. They are skipped, never cut;
   * the torn tail an interrupted append leaves at the very end is not a problem (it was never
   * acknowledged) and is cut.
   */
  public synchronized List<String> problems() {
    return List.copyOf(problems);
  }

  /** Appends a write and forces it to disk; returns its sequence number. */
  public synchronized long append(
      String database, String retentionPolicy, String precision, long receivedNanos, byte[] body) {
    try {
      if (store == null) {
        store = Files.getFileStore(dir); // found once: finding it reads the mount table
      }
      if (store.getUsableSpace() < reserveBytes + body.length + HEADER + 1024) {
        throw new FullException(
            "the change log's disk ("
                + dir
                + ") has less than "
                + (reserveBytes >> 20)
                + " MiB free; the write was not accepted");
      }
      if (current == null || current.size() >= segmentBytes) {
        roll();
      }
      long sequence = nextSequence;
      // The payload is its fields then the body; the body is written from the request's own array
      // (a gathering write) rather than copied into the record: copies of big bodies were most of
      // a write's garbage, and garbage collections most of its slowest acknowledgements.
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
      DataOutputStream fields = new DataOutputStream(bytes);
      fields.writeUTF(database);
      fields.writeUTF(retentionPolicy == null ? "" : retentionPolicy);
      fields.writeUTF(precision == null ? "" : precision);
      fields.writeLong(receivedNanos);
      fields.writeInt(body.length);
      byte[] f = bytes.toByteArray();
      int length = f.length + body.length;
      ByteBuffer header = ByteBuffer.allocate(HEADER + f.length);
      header
          .putInt(MAGIC)
          .putInt(length)
          .putInt(crc(sequence, f, body))
          .putLong(sequence)
          .put(f)
          .flip();
      ByteBuffer[] record = {header, ByteBuffer.wrap(body)};
      long before = current.size();
      try {
        while (record[1].hasRemaining()) {
          current.write(record);
        }
        current.force(false);
      } catch (IOException e) {
        // A partial record must not sit before later ones: recovery would cut those off with it.
        abandonTail(before);
        throw e;
      }
      nextSequence++;
      return sequence;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "appending to the change log in " + dir + " failed: " + e.getMessage(), e);
    }
  }

  /** Deletes the segments all of whose writes have sequence numbers up to {@code sequence}. */
  public synchronized void trimThrough(long sequence) {
    try {
      List<Path> segments = segments();
      for (int i = 0; i < segments.size(); i++) {
        // A segment ends where the next begins; the last one at the newest record.
        long last =
            i + 1 < segments.size() ? firstSequence(segments.get(i + 1)) - 1 : nextSequence - 1;
        if (last <= sequence) {
          if (segments.get(i).equals(currentPath)) {
            // Everything is accounted for: the next append starts a new segment.
            current.close();
            current = null;
            currentPath = null;
          }
          Files.deleteIfExists(segments.get(i));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "trimming the change log in " + dir + " failed: " + e.getMessage(), e);
    }
  }

  /** The sequence number the next write gets. */
  public synchronized long nextSequence() {
    return nextSequence;
  }

  @Override
  public synchronized void close() {
    try {
      if (current != null) {
        current.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Cuts the current segment back to {@code size}; if even that fails, the next append starts a new
   * segment.
   */
  private void abandonTail(long size) {
    try {
      current.truncate(size);
      current.force(false);
    } catch (IOException e) {
      try {
        current.close();
      } catch (IOException ignored) {
        // closing a channel that failed to write: nothing more to do
      }
      current = null;
      currentPath = null;
    }
  }

  private void roll() throws IOException {
    if (current != null) {
      current.close();
    }
    currentPath = dir.resolve(String.format("segment-%020d.log", nextSequence));
    current =
        FileChannel.open(
            currentPath,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
    // The new file's directory entry must survive a crash too.
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException ignored) {
      // not every file system lets a directory be forced
    }
  }

  /** A record's sequence number and payload. */
  private interface RecordSink {
    void accept(long sequence, byte[] payload) throws IOException;
  }

  /**
   * Checks every segment, counts its writes and finds the next sequence number; only the last
   * segment's torn tail is cut. Bodies are not kept ({@link #replay} reads them again).
   */
  private void recover() throws IOException {
    List<Path> segments = segments();
    long next = 0;
    long count = 0;
    for (int i = 0; i < segments.size(); i++) {
      Path segment = segments.get(i);
      byte[] all = Files.readAllBytes(segment);
      long[] last = {firstSequence(segment) - 1, 0};
      long validEnd =
          scan(
              segment,
              all,
              problems,
              (sequence, payload) -> {
                last[0] = sequence;
                last[1]++;
              });
      count += last[1];
      next = Math.max(next, last[0] + 1);
      if (validEnd < all.length) {
        if (i == segments.size() - 1) {
          // A crash mid-append left a partial record: cut it off so appends continue cleanly.
          try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(validEnd);
            ch.force(true);
          }
        } else {
          problems.add(
              segment.getFileName()
                  + ": "
                  + (all.length - validEnd)
                  + " bytes after offset "
                  + validEnd
                  + " are no readable record (left in place)");
        }
      }
    }
    nextSequence = next;
    recoveredEnd = next;
    recoveredCount = count;
  }

  /**
   * Reads a segment's records to {@code sink} in order. A record that does not check is skipped to
   * the next one that does (with a higher sequence number), reported to {@code problems} (if not
   * null). Returns the end of the last readable record: what follows it is a torn tail, or bytes no
   * record could be read from.
   */
  private static long scan(Path segment, byte[] all, List<String> problems, RecordSink sink)
      throws IOException {
    long expected = firstSequence(segment); // trimmed segments leave a gap before the first one
    int pos = 0;
    long validEnd = 0;
    while (pos + HEADER <= all.length) {
      long sequence = recordAt(all, pos, expected);
      if (sequence != expected) {
        // A readable record further on (a gap) is where reading resumes; else the next one found.
        int resume = sequence > expected ? pos : pos + 1;
        while (resume + HEADER <= all.length && recordAt(all, resume, expected) < 0) {
          resume++;
        }
        if (resume + HEADER > all.length) {
          break; // nothing readable follows: a torn tail, or lost bytes the caller reports
        }
        if (problems != null) {
          long found = recordAt(all, resume, expected);
          problems.add(
              segment.getFileName()
                  + ": bytes "
                  + pos
                  + " to "
                  + resume
                  + " are no readable record; writes "
                  + expected
                  + " to "
                  + (found - 1)
                  + " are lost from the log (skipped, not cut)");
        }
        expected = recordAt(all, resume, expected);
        pos = resume;
        continue;
      }
      int length = ByteBuffer.wrap(all, pos + 4, 4).getInt();
      sink.accept(sequence, Arrays.copyOfRange(all, pos + HEADER, pos + HEADER + length));
      expected = sequence + 1;
      pos += HEADER + length;
      validEnd = pos;
    }
    return validEnd;
  }

  /** The sequence number of a record that checks at {@code pos} (at least {@code min}), or -1. */
  private static long recordAt(byte[] all, int pos, long min) {
    ByteBuffer b = ByteBuffer.wrap(all);
    int magic = b.getInt(pos);
    int length = b.getInt(pos + 4);
    int crc = b.getInt(pos + 8);
    long sequence = b.getLong(pos + 12);
    if (magic != MAGIC || length < 0 || length > all.length - pos - HEADER || sequence < min) {
      return -1;
    }
    CRC32C c = new CRC32C();
    c.update(ByteBuffer.allocate(8).putLong(0, sequence));
    c.update(all, pos + HEADER, length);
    return (int) c.getValue() == crc ? sequence : -1;
  }

  private static Entry decode(long sequence, byte[] p) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(p));
    String db = in.readUTF();
    String rp = in.readUTF();
    String precision = in.readUTF();
    long received = in.readLong();
    byte[] body = new byte[in.readInt()];
    in.readFully(body);
    return new Entry(sequence, db, rp.isEmpty() ? null : rp, precision, received, body);
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().matches("segment-\\d{20}\\.log"))
          .sorted()
          .toList();
    }
  }

  private static long firstSequence(Path segment) {
    String name = segment.getFileName().toString();
    return Long.parseLong(name.substring("segment-".length(), name.length() - ".log".length()));
  }

  private static int crc(long sequence, byte[] payload) {
    return crc(sequence, payload, new byte[0]);
  }

  /**
   * The checksum of record {@code sequence} whose payload is {@code first} followed by {@code
   * second}.
   */
  private static int crc(long sequence, byte[] first, byte[] second) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(8).putLong(0, sequence));
    crc.update(first);
    crc.update(second);
    return (int) crc.getValue();
  }

  @Override
  public String toString() {
    return "change log " + dir;
  }
}
