package io.tidewater.lifecycle.lake;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import io.tidewater.policy.PartitionGranularity;
import io.tidewater.policy.Resolution;
import io.tidewater.policy.Window;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where things live in the lake (docs/architecture.md, lake layout): Hive-style partition folders
 * that Athena, Trino, Spark and DuckDB read directly, one deterministically named file set per
 * window and resolution, and the ledger under {@code _ledger/}, which those engines skip.
 *
 * <pre>
 * db/measurement/res=raw/day=2025-01-15[/hour=07][/tag=value]/part-20250115T070000Z-0.parquet
 * _ledger/db/measurement/res=raw/20250115T070000Z/v000001.json
 * </pre>
 */
public final class LakeLayout {

  public static final String LEDGER_ROOT = "_ledger/";

  /** Hive's name for a partition whose value is NULL (an absent tag). */
  public static final String NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__";

  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter HOUR =
      DateTimeFormatter.ofPattern("HH").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter COMPACT =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** The longest key every store takes (S3's and Azure Blob's limit), in UTF-8 bytes. */
  public static final int MAX_KEY_BYTES = 1024;

  /**
   * The longest folder or file name every store takes (local file systems' and ADLS Gen2's limit),
   * in UTF-8 bytes.
   */
  public static final int MAX_NAME_BYTES = 255;

  /**
   * Room kept after a measurement's prefix for what every window adds to it (resolution, day, hour,
   * ledger entry or file name), so that a measurement whose names fit has keys that fit too.
   */
  static final int SUFFIX_BYTES = 200;

  /**
   * A database, measurement, tag key or tag value whose escaped name makes a key longer than the
   * lake's stores take: never shortened (engines reading the lake decode names from the folders),
   * refused where it occurs and reported, so other measurements and windows go on.
   */
  public static final class NameTooLong extends TidewaterException {
    NameTooLong(String message) {
      super(ErrorCode.UNSUPPORTED, message);
    }
  }

  private LakeLayout() {}

  /**
   * Why the lake cannot hold a measurement (its escaped database or measurement name past {@link
   * #MAX_NAME_BYTES}, or its prefix leaving less than {@link #SUFFIX_BYTES} of {@link
   * #MAX_KEY_BYTES}); empty if it can.
   */
  public static Optional<String> unstorable(String database, String measurement) {
    for (String name : new String[] {database, measurement}) {
      int bytes = bytes(escape(name));
      if (bytes > MAX_NAME_BYTES) {
        return Optional.of(
            "the name "
                + abbreviated(name)
                + " is "
                + bytes
                + " bytes as a lake folder name; stores take at most "
                + MAX_NAME_BYTES);
      }
    }
    int prefix = bytes(LEDGER_ROOT + measurementPrefix(database, measurement));
    if (prefix + SUFFIX_BYTES > MAX_KEY_BYTES) {
      return Optional.of(
          "its database and measurement names take "
              + prefix
              + " bytes of the lake's "
              + MAX_KEY_BYTES
              + "-byte keys");
    }
    return Optional.empty();
  }

  /** {@code key}, if every store takes it: no name past MAX_NAME_BYTES, at most MAX_KEY_BYTES. */
  static String checked(String key) {
    if (bytes(key) > MAX_KEY_BYTES) {
      throw new NameTooLong(
          "the lake key "
              + abbreviated(key)
              + " is "
              + bytes(key)
              + " bytes; stores take at most "
              + MAX_KEY_BYTES);
    }
    for (String name : key.split("/")) {
      if (bytes(name) > MAX_NAME_BYTES) {
        throw new NameTooLong(
            "the lake folder name "
                + abbreviated(name)
                + " is "
                + bytes(name)
                + " bytes; stores take at most "
                + MAX_NAME_BYTES
                + " (a partition tag's value that long cannot be a partition folder)");
      }
    }
    return key;
  }

  private static int bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static String abbreviated(String s) {
    return s.length() <= 60 ? "'" + s + "'" : "'" + s.substring(0, 60) + "...'";
  }

  /** {@code db/measurement/res=raw/}: every file of one resolution of a measurement. */
  public static String resolutionPrefix(
      String database, String measurement, Resolution resolution) {
    return escape(database) + "/" + escape(measurement) + "/res=" + resolution.name() + "/";
  }

  /** {@code db/measurement/}: every file of a measurement. */
  public static String measurementPrefix(String database, String measurement) {
    return escape(database) + "/" + escape(measurement) + "/";
  }

  /**
   * The partition folder of rows at {@code time} with the given partition tag values (in order).
   */
  public static String partitionPath(
      PartitionGranularity granularity, Instant time, List<Map.Entry<String, String>> tags) {
    StringBuilder path = new StringBuilder("day=").append(DAY.format(time));
    if (granularity == PartitionGranularity.HOUR) {
      path.append("/hour=").append(HOUR.format(time));
    }
    for (Map.Entry<String, String> tag : tags) {
      path.append('/')
          .append(escape(tag.getKey()))
          .append('=')
          .append(tag.getValue() == null ? NULL_PARTITION : escape(tag.getValue()));
    }
    return path.toString();
  }

  /**
   * The name of the {@code n}th data file of a window in one partition folder; {@link NameTooLong}
   * if a store would not take it.
   */
  public static String dataKey(
      String resolutionPrefix, String partitionPath, Window window, int n) {
    return checked(
        resolutionPrefix
            + partitionPath
            + "/part-"
            + COMPACT.format(window.start())
            + "-"
            + n
            + ".parquet");
  }

  /** {@code _ledger/db/measurement/res=raw/}: the ledger of one resolution of a measurement. */
  public static String ledgerPrefix(String database, String measurement, Resolution resolution) {
    return LEDGER_ROOT + resolutionPrefix(database, measurement, resolution);
  }

  /** The marker up to when a measurement is completely in the lake. */
  public static String exportedThroughKey(String database, String measurement) {
    return LEDGER_ROOT + measurementPrefix(database, measurement) + "exported-through.json";
  }

  /** The folder of a window's ledger entries. */
  public static String ledgerWindowPrefix(String ledgerPrefix, Window window) {
    return ledgerPrefix + COMPACT.format(window.start()) + "/";
  }

  /** The ledger entry of one version of a window (zero-padded so names sort by version). */
  public static String ledgerEntryKey(String ledgerPrefix, Window window, long version) {
    // Not String.format: its parsing of the pattern showed in profiles of exports of small windows.
    String digits = Long.toString(version);
    return ledgerWindowPrefix(ledgerPrefix, window)
        + "v"
        + "0".repeat(Math.max(0, 6 - digits.length()))
        + digits
        + ".json";
  }

  /** The window start a ledger window folder name encodes. */
  public static Instant windowStartOf(String folderName) {
    return COMPACT.parse(folderName, Instant::from);
  }

  /**
   * A marker that a write of the window is under way: its files may no longer match its ledger
   * entry.
   */
  public static String intentKey(String ledgerPrefix, Window window, String writer) {
    return ledgerWindowPrefix(ledgerPrefix, window) + "intent-" + writer + ".json";
  }

  /** Whether {@code key} is a write-intent marker. */
  public static boolean isIntent(String key) {
    return key.substring(key.lastIndexOf('/') + 1).startsWith("intent-");
  }

  /** The version of a ledger entry key, or -1 if the key is not one. */
  public static long versionOf(String entryKey) {
    String name = entryKey.substring(entryKey.lastIndexOf('/') + 1);
    if (!name.matches("v\\d{6,}\\.json")) {
      return -1;
    }
    return Long.parseLong(name.substring(1, name.length() - 5));
  }

  /**
   * The name an {@link #escape}d path segment stands for ({@code %XX} escapes only ASCII
   * characters).
   */
  public static String unescape(String segment) {
    StringBuilder out = new StringBuilder(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%' && i + 2 < segment.length() + 1 && i + 3 <= segment.length()) {
        out.append((char) Integer.parseInt(segment.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * Escapes a name for a path segment the way Hive does, so engines decode it back: characters that
   * mean something in paths or partition specs (and control characters) become %XX; a leading '.'
   * or '_' is escaped too, since engines skip such files and folders.
   */
  public static String escape(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean hiddenStart = i == 0 && (c == '.' || c == '_');
      if (c < 0x20 || c == 0x7f || "\"#%'*/:=?\\{[]^".indexOf(c) >= 0 || hiddenStart) {
        out.append('%').append(String.format("%02X", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.length() == 0 ? NULL_PARTITION : out.toString();
  }
}
