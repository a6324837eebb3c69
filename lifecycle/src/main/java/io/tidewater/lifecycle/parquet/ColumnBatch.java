package io.tidewater.lifecycle.parquet;

import io.tidewater.policy.rollup.FieldType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rows of one row group decoded column by column into primitive arrays that are reused from batch
 * to batch: times in epoch ns, tags and string fields as dictionary ids with the batch's
 * dictionary, numbers and booleans unboxed, and a null flag per value.
 */
public final class ColumnBatch {

  /** One column's values for the batch. */
  public static final class Vector {
    final FieldType type; // null for tags (strings)
    double[] doubles = new double[0];
    long[] longs = new long[0];
    int[] ids = new int[0];
    boolean[] nulls = new boolean[0];
    final List<String> dictionary = new ArrayList<>();

    Vector(FieldType type) {
      this.type = type;
    }

    void ensure(int n) {
      if (nulls.length < n) {
        int cap = Math.max(n, nulls.length * 2);
        nulls = Arrays.copyOf(nulls, cap);
        if (type == FieldType.FLOAT) {
          doubles = Arrays.copyOf(doubles, cap);
        } else if (type == null || type == FieldType.STRING) {
          ids = Arrays.copyOf(ids, cap);
        } else {
          longs = Arrays.copyOf(longs, cap);
        }
      }
    }

    /**
     * The null flags of the rows, for loops over a run of rows (valid until the next batch is
     * read).
     */
    public boolean[] nulls() {
      return nulls;
    }

    /** Float values of the rows (valid until the next batch is read). */
    public double[] doubles() {
      return doubles;
    }

    /** Integer and boolean values of the rows (valid until the next batch is read). */
    public long[] longs() {
      return longs;
    }

    /** Dictionary ids of the rows' strings (valid until the next batch is read). */
    public int[] ids() {
      return ids;
    }

    public boolean isNull(int row) {
      return nulls[row];
    }

    public double doubleAt(int row) {
      return doubles[row];
    }

    /** Integers, unsigned integers (as their 64 bits) and booleans (0 or 1). */
    public long longAt(int row) {
      return longs[row];
    }

    public boolean booleanAt(int row) {
      return longs[row] != 0;
    }

    /** The dictionary id of a tag or string value: equal ids within a batch mean equal values. */
    public int idAt(int row) {
      return ids[row];
    }

    public List<String> dictionary() {
      return dictionary;
    }

    public String stringAt(int row) {
      return nulls[row] ? null : dictionary.get(ids[row]);
    }

    /** The value as an object (NULL as null), for tests and slow paths. */
    public Object valueAt(int row) {
      if (nulls[row]) {
        return null;
      }
      if (type == null || type == FieldType.STRING) {
        return dictionary.get(ids[row]);
      }
      return switch (type) {
        case FLOAT -> doubles[row];
        case BOOLEAN -> longs[row] != 0;
        default -> longs[row];
      };
    }
  }

  int size;
  long[] times = new long[0];
  final Vector[] tags;
  final Vector[] fields;

  public ColumnBatch(ScanSpec spec) {
    tags = new Vector[spec.tags().size()];
    for (int t = 0; t < tags.length; t++) {
      tags[t] = new Vector(null);
    }
    fields = new Vector[spec.fields().size()];
    for (int f = 0; f < fields.length; f++) {
      fields[f] = new Vector(spec.schema().field(spec.fields().get(f)).orElseThrow().type());
    }
  }

  void reset(int n) {
    size = n;
    if (times.length < n) {
      times = new long[Math.max(n, times.length * 2)];
    }
    for (Vector v : tags) {
      v.ensure(n);
      v.dictionary.clear();
    }
    for (Vector v : fields) {
      v.ensure(n);
      v.dictionary.clear();
    }
  }

  public int size() {
    return size;
  }

  /** The rows' times in epoch nanoseconds (valid until the next batch is read). */
  public long[] times() {
    return times;
  }

  public long timeAt(int row) {
    return times[row];
  }

  /** The tag at position {@code i} of the spec's tags. */
  public Vector tag(int i) {
    return tags[i];
  }

  /** The field at position {@code i} of the spec's fields. */
  public Vector field(int i) {
    return fields[i];
  }

  /** Keeps the rows whose flag is set, in order. */
  void compact(boolean[] keep) {
    int n = 0;
    for (int r = 0; r < size; r++) {
      if (keep[r]) {
        times[n] = times[r];
        for (Vector v : tags) {
          move(v, r, n);
        }
        for (Vector v : fields) {
          move(v, r, n);
        }
        n++;
      }
    }
    size = n;
  }

  private static void move(Vector v, int from, int to) {
    v.nulls[to] = v.nulls[from];
    if (v.type == FieldType.FLOAT) {
      v.doubles[to] = v.doubles[from];
    } else if (v.type == null || v.type == FieldType.STRING) {
      v.ids[to] = v.ids[from];
    } else {
      v.longs[to] = v.longs[from];
    }
  }
}
