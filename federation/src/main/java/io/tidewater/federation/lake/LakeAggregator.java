package io.tidewater.federation.lake;

import io.tidewater.federation.Executions;
import io.tidewater.federation.plan.ScanColumn;
import io.tidewater.lifecycle.lake.DataFile;
import io.tidewater.lifecycle.parquet.ColumnBatch;
import io.tidewater.lifecycle.parquet.ScanSpec;
import io.tidewater.lifecycle.parquet.StoreInputFile;
import io.tidewater.lifecycle.parquet.TimeSeriesReader;
import io.tidewater.lifecycle.store.ObjectInfo;
import io.tidewater.policy.rollup.FieldType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.calcite.DataContext;

/**
 * Computes a lake scan's GROUP BY (time bucket, tags) and COUNT/SUM/MIN/MAX/AVG while decoding,
 * without an object per row. Files hold rows sorted by series then time, so consecutive rows mostly
 * fall in the same group: the group is looked up only when the bucket or a group tag changes, and
 * values are added straight from the decoded column arrays.
 */
final class LakeAggregator {

  private static final int ROWS = 0;
  private static final int COUNT = 1;
  private static final int SUM = 2;
  private static final int MIN = 3;
  private static final int MAX = 4;
  private static final int MEAN = 5;

  private final LakeQuery query;
  private final DataContext root;
  private int unchargedGroups;
  private final ScanSpec spec;
  private final int[] kind;
  private final int[] field; // index in spec.fields(), -1 for COUNT(*)
  private final boolean[] isFloat;
  private final int[] groupTag; // index in spec.tags() of each GROUP BY tag
  private final int[] slotField; // the distinct fields aggregated: index in spec.fields()
  private final boolean[] slotFloat;
  private final boolean[] slotNumeric;
  private final int[] slot; // per aggregate: its field's slot, -1 for COUNT(*)
  private final List<Map<String, Integer>> globalIds = new ArrayList<>();
  private final List<List<String>> globalValues = new ArrayList<>();
  private final Map<Key, Group> groups = new LinkedHashMap<>();
  private boolean[] dense; // per slot: the current batch has no NULL in it

  LakeAggregator(LakeQuery query, ScanSpec spec, DataContext root) {
    this.root = root;
    this.query = query;
    this.spec = spec;
    List<ScanColumn.Aggregate> aggregates =
        query.columns().stream()
            .filter(c -> c instanceof ScanColumn.Aggregate)
            .map(c -> (ScanColumn.Aggregate) c)
            .toList();
    kind = new int[aggregates.size()];
    field = new int[aggregates.size()];
    isFloat = new boolean[aggregates.size()];
    for (int j = 0; j < kind.length; j++) {
      ScanColumn.Aggregate a = aggregates.get(j);
      field[j] = a.field() == null ? -1 : spec.fields().indexOf(a.field());
      isFloat[j] =
          field[j] >= 0 && spec.schema().field(a.field()).orElseThrow().type() == FieldType.FLOAT;
      kind[j] =
          switch (a.function()) {
            case COUNT -> field[j] < 0 ? ROWS : COUNT;
            case SUM -> SUM;
            case MIN -> MIN;
            case MAX -> MAX;
            case MEAN -> MEAN;
            case FIRST, LAST ->
                throw new IllegalArgumentException("no lake aggregate " + a.function());
          };
    }
    groupTag = query.groupTags().stream().mapToInt(t -> spec.tags().indexOf(t)).toArray();
    int[] distinct = Arrays.stream(field).filter(f -> f >= 0).distinct().toArray();
    slotField = distinct;
    slotFloat = new boolean[distinct.length];
    slotNumeric = new boolean[distinct.length];
    slot = new int[kind.length];
    for (int k = 0; k < distinct.length; k++) {
      FieldType type = spec.schema().field(spec.fields().get(distinct[k])).orElseThrow().type();
      slotFloat[k] = type == FieldType.FLOAT;
      slotNumeric[k] = type.isNumeric();
    }
    for (int j = 0; j < kind.length; j++) {
      int f = field[j];
      slot[j] = f < 0 ? -1 : Arrays.stream(distinct).boxed().toList().indexOf(f);
    }
    for (int t = 0; t < groupTag.length; t++) {
      globalIds.add(new HashMap<>());
      globalValues.add(new ArrayList<>());
    }
  }

  /** The single row of an aggregate without groups over no rows (COUNT 0, SUM NULL). */
  Object[] emptyRow() {
    return row(new Key(0, new int[0]), new Group(kind.length, slotField.length));
  }

  /**
   * A new group, charged to the statement's memory budget 256 at a time (a map entry, its key and
   * the group's running values).
   */
  private Group newGroup() {
    if (++unchargedGroups == 256) {
      Executions.checkpoint(root, 256L * (160 + 56L * slotField.length));
      unchargedGroups = 0;
    }
    return new Group(kind.length, slotField.length);
  }

  List<Object[]> run(List<DataFile> files) {
    ColumnBatch batch = new ColumnBatch(spec);
    long width = query.bucketMillis();
    int[][] remap = new int[groupTag.length][];
    int[] ids = new int[groupTag.length];
    dense = new boolean[slotField.length];
    for (DataFile f : files) {
      ObjectInfo info =
          new ObjectInfo(f.key(), f.size(), f.etag(), Instant.EPOCH, Optional.empty());
      try (TimeSeriesReader reader =
          TimeSeriesReader.open(
              new StoreInputFile(query.table().ledger().store(), info), f.key(), spec)) {
        while (reader.next(batch)) {
          Executions.checkpoint(root, 0); // stopped statements stop between batches
          for (int t = 0; t < groupTag.length; t++) {
            remap[t] = remap(t, batch.tag(groupTag[t]).dictionary());
          }
          int n = batch.size();
          long[] times = batch.times();
          int[][] tagIds = new int[groupTag.length][];
          boolean[][] tagNulls = new boolean[groupTag.length][];
          for (int t = 0; t < groupTag.length; t++) {
            tagIds[t] = batch.tag(groupTag[t]).ids();
            tagNulls[t] = batch.tag(groupTag[t]).nulls();
          }
          for (int k = 0; k < slotField.length; k++) {
            dense[k] = noNulls(batch.field(slotField[k]).nulls(), n);
          }
          int r = 0;
          while (r < n) {
            // The group of row r, then the run of rows after it in the same group (same bucket,
            // same tags).
            long bucket = width > 0 ? Math.floorDiv(Math.floorDiv(times[r], 1_000_000L), width) : 0;
            for (int t = 0; t < groupTag.length; t++) {
              ids[t] = tagNulls[t][r] ? -1 : remap[t][tagIds[t][r]];
            }
            Group group = groups.computeIfAbsent(new Key(bucket, ids.clone()), k -> newGroup());
            int end = runEnd(tagIds, tagNulls, r, n);
            if (width > 0) {
              long from = Math.multiplyExact(bucket * width, 1_000_000L);
              long to = from + width * 1_000_000L;
              int e = r + 1;
              while (e < end && times[e] >= from && times[e] < to) {
                e++;
              }
              end = e;
            }
            addRun(group, batch, r, end);
            r = end;
          }
        }
      }
    }
    List<Object[]> rows = new ArrayList<>(groups.size());
    if (groups.isEmpty() && width == 0 && groupTag.length == 0) {
      rows.add(emptyRow());
    }
    groups.forEach((key, group) -> rows.add(row(key, group)));
    return rows;
  }

  /**
   * The end of the run of rows from {@code r} with the same group tags: one tight loop per tag
   * (rows are sorted by series, so runs are long), not a comparison of every tag per row.
   */
  private static int runEnd(int[][] ids, boolean[][] nulls, int r, int n) {
    int end = n;
    for (int t = 0; t < ids.length; t++) {
      int[] id = ids[t];
      boolean[] isNull = nulls[t];
      int value = id[r];
      boolean none = isNull[r];
      int e = r + 1;
      while (e < end && id[e] == value && isNull[e] == none) {
        e++;
      }
      end = e;
    }
    return end;
  }

  /**
   * Adds rows {@code [from, to)} of one group, field by field in tight loops over the decoded
   * arrays.
   */
  private void addRun(Group g, ColumnBatch batch, int from, int to) {
    g.rows += to - from;
    for (int k = 0; k < slotField.length; k++) {
      ColumnBatch.Vector v = batch.field(slotField[k]);
      boolean[] nulls = v.nulls();
      long count = 0;
      if (!slotNumeric[k]) {
        for (int r = from; r < to; r++) {
          if (!nulls[r]) {
            count++; // strings and booleans: only COUNT is pushed
          }
        }
      } else if (slotFloat[k] && dense[k]) {
        addDense(g, k, v.doubles(), from, to);
        continue;
      } else if (slotFloat[k]) {
        double[] x = v.doubles();
        double sum = 0;
        double min = g.dmin[k];
        double max = g.dmax[k];
        for (int r = from; r < to; r++) {
          if (!nulls[r]) {
            double d = x[r];
            sum += d;
            min = Math.min(min, d);
            max = Math.max(max, d);
            count++;
          }
        }
        g.dsum[k] += sum;
        g.dmin[k] = min;
        g.dmax[k] = max;
      } else {
        long[] x = v.longs();
        long sum = 0;
        long min = g.lmin[k];
        long max = g.lmax[k];
        for (int r = from; r < to; r++) {
          if (!nulls[r]) {
            long d = x[r];
            sum += d;
            min = Math.min(min, d);
            max = Math.max(max, d);
            count++;
          }
        }
        g.lsum[k] += sum;
        g.lmin[k] = min;
        g.lmax[k] = max;
      }
      g.count[k] += count;
    }
  }

  /**
   * A run of a FLOAT field without NULLs: no test per row (most fields are written on every point).
   */
  private static void addDense(Group g, int k, double[] x, int from, int to) {
    double sum = 0;
    double min = g.dmin[k];
    double max = g.dmax[k];
    for (int r = from; r < to; r++) {
      double d = x[r];
      sum += d;
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    g.dsum[k] += sum;
    g.dmin[k] = min;
    g.dmax[k] = max;
    g.count[k] += to - from;
  }

  private static final boolean[] NO_NULLS = new boolean[4096];

  /** Whether the first {@code n} of {@code nulls} are all false, compared a block at a time. */
  private static boolean noNulls(boolean[] nulls, int n) {
    for (int at = 0; at < n; at += NO_NULLS.length) {
      int len = Math.min(NO_NULLS.length, n - at);
      if (Arrays.mismatch(nulls, at, at + len, NO_NULLS, 0, len) >= 0) {
        return false;
      }
    }
    return true;
  }

  private int[] remap(int t, List<String> dictionary) {
    int[] map = new int[dictionary.size()];
    for (int i = 0; i < map.length; i++) {
      String value = dictionary.get(i);
      Integer id = globalIds.get(t).get(value);
      if (id == null) {
        id = globalValues.get(t).size();
        globalIds.get(t).put(value, id);
        globalValues.get(t).add(value);
      }
      map[i] = id;
    }
    return map;
  }

  private Object[] row(Key key, Group g) {
    List<ScanColumn> columns = query.columns();
    Object[] row = new Object[columns.size()];
    int j = 0;
    int tag = 0;
    for (int i = 0; i < row.length; i++) {
      ScanColumn c = columns.get(i);
      if (c instanceof ScanColumn.Bucket b) {
        row[i] = key.bucket * b.widthMillis();
      } else if (c instanceof ScanColumn.Tag) {
        int id = key.tags[tag++];
        row[i] = id < 0 ? null : globalValues.get(tag - 1).get(id);
      } else if (c instanceof ScanColumn.Aggregate a) {
        row[i] = value(a, g, j++);
      }
    }
    return row;
  }

  private Object value(ScanColumn.Aggregate a, Group g, int j) {
    boolean asDouble = a.resultType() == FieldType.FLOAT;
    if (kind[j] == ROWS) {
      return g.rows;
    }
    int k = slot[j];
    switch (kind[j]) {
      case COUNT:
        return g.count[k];
      case MEAN:
        return g.count[k] == 0 ? null : g.dsum[k] / g.count[k];
      default:
        break;
    }
    if (g.count[k] == 0) {
      return a.zeroWhenEmpty() ? (asDouble ? (Object) 0.0 : (Object) 0L) : null;
    }
    if (isFloat[j]) {
      return switch (kind[j]) {
        case SUM -> g.dsum[k];
        case MIN -> g.dmin[k];
        default -> g.dmax[k];
      };
    }
    return switch (kind[j]) {
      case SUM -> g.lsum[k];
      case MIN -> g.lmin[k];
      default -> g.lmax[k];
    };
  }

  /** A group: its bucket and the global ids of its tag values (-1: NULL). */
  private record Key(long bucket, int[] tags) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.bucket == bucket && Arrays.equals(k.tags, tags);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(bucket) * 31 + Arrays.hashCode(tags);
    }
  }

  /** The running aggregates of one group. */
  private static final class Group {
    long rows;
    final long[] count;
    final double[] dsum;
    final double[] dmin;
    final double[] dmax;
    final long[] lsum;
    final long[] lmin;
    final long[] lmax;

    Group(int aggregates, int n) {
      count = new long[n];
      dsum = new double[n];
      dmin = new double[n];
      dmax = new double[n];
      lsum = new long[n];
      lmin = new long[n];
      lmax = new long[n];
      Arrays.fill(dmin, Double.POSITIVE_INFINITY);
      Arrays.fill(dmax, Double.NEGATIVE_INFINITY);
      Arrays.fill(lmin, Long.MAX_VALUE);
      Arrays.fill(lmax, Long.MIN_VALUE);
    }
  }
}
