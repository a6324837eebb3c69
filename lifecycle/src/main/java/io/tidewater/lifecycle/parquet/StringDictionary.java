package io.tidewater.lifecycle.parquet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Distinct strings of a column, each stored once and referred to by a dense id. */
final class StringDictionary {

  private final Map<String, Integer> ids = new HashMap<>();
  private final List<String> values = new ArrayList<>();

  int id(String value) {
    Integer id = ids.get(value);
    if (id == null) {
      id = values.size();
      ids.put(value, id);
      values.add(value);
    }
    return id;
  }

  String value(int id) {
    return values.get(id);
  }

  int size() {
    return values.size();
  }

  /** rank[id] is the position of value id in sorted (UTF-16 code unit) order. */
  int[] ranks() {
    Integer[] order = new Integer[values.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> values.get(a).compareTo(values.get(b)));
    int[] rank = new int[order.length];
    for (int r = 0; r < order.length; r++) {
      rank[order[r]] = r;
    }
    return rank;
  }
}
