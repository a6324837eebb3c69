package io.tidewater.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tidewater.federation.FederationCatalog;
import io.tidewater.lifecycle.cdc.LineProtocol;
import io.tidewater.lifecycle.lake.WindowVersion;
import io.tidewater.lifecycle.parquet.FieldColumn;
import io.tidewater.policy.rollup.FieldType;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The field types the lake's raw windows hold per measurement, so a write whose field has another
 * type is refused at the door (a micro-batch would otherwise commit it into a window and every
 * query of the measurement would then fail on the conflict). Read from the catalog's window
 * listing, never from InfluxDB: a write does not wait on it. A lake that cannot be listed checks
 * nothing rather than refusing writes.
 */
@ApplicationScoped
class LakeFieldTypes {

  private record Known(List<WindowVersion> from, Map<String, FieldType> types) {}

  private final FederationCatalog catalog;
  private final Cache<List<String>, Known> known =
      Caffeine.newBuilder().maximumSize(10_000).build();

  LakeFieldTypes(FederationCatalog catalog) {
    this.catalog = catalog;
  }

  /** The check for writes into {@code database}. */
  LineProtocol.KnownTypes of(String database) {
    return measurement -> types(database, measurement);
  }

  private Map<String, FieldType> types(String database, String measurement) {
    List<WindowVersion> windows;
    try {
      windows = catalog.rawWindows(database, measurement);
    } catch (RuntimeException unreachable) {
      return Map.of();
    }
    List<String> key = List.of(database, measurement);
    Known k = known.getIfPresent(key);
    if (k != null && k.from() == windows) {
      return k.types(); // the catalog's listing has not changed since
    }
    Map<String, FieldType> types = new HashMap<>();
    for (WindowVersion w : windows) {
      for (FieldColumn f : w.schema().fields()) {
        types.putIfAbsent(f.name(), f.type());
      }
    }
    known.put(key, new Known(windows, Map.copyOf(types)));
    return types;
  }
}
