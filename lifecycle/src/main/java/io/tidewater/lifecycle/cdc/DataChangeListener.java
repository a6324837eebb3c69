package io.tidewater.lifecycle.cdc;

/**
 * Told when what the lake holds for a measurement, or whether it can be trusted, changed: a window
 * became dirty or was re-committed. Federation subscribes to drop its cached routes and results.
 */
@FunctionalInterface
public interface DataChangeListener {

  DataChangeListener NONE = (database, measurement) -> {};

  void changed(String database, String measurement);
}
