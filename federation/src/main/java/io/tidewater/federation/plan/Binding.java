package io.tidewater.federation.plan;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.util.TimestampString;

/**
 * The values of a statement's parameters ({@code ?}, numbered from 0), as Calcite holds them
 * (TIMESTAMP as epoch milliseconds). A plan made for one query shape is run with many bindings: its
 * rules decide by the binding it was planned with ({@link #planning()}), its scans read by the one
 * it runs with ({@link #of(DataContext)}).
 */
public interface Binding {

  /** No values: a statement without parameters, or one explained without its values. */
  Binding NONE =
      new Binding() {
        @Override
        public Object value(int index) {
          throw new IllegalStateException("no value bound to parameter ?" + index);
        }

        @Override
        public boolean has(int index) {
          return false;
        }
      };

  /** The value of parameter {@code index}. */
  Object value(int index);

  /** Whether parameter {@code index} has a value here (a condition on it bounds nothing if not). */
  default boolean has(int index) {
    return true;
  }

  /** The parameter values of the statement being run, from its execution context. */
  static Binding of(DataContext root) {
    return index -> root.get("?" + index);
  }

  /** Fixed values. */
  static Binding of(List<Object> values) {
    // Not List.copyOf: a parameter's value may be null.
    List<Object> copy = Collections.unmodifiableList(new ArrayList<>(values));
    return new Binding() {
      @Override
      public Object value(int index) {
        if (!has(index)) {
          throw new IllegalStateException("no value bound to parameter ?" + index);
        }
        return copy.get(index);
      }

      @Override
      public boolean has(int index) {
        return index >= 0 && index < copy.size();
      }
    };
  }

  /**
   * A TIMESTAMP parameter's value as epoch milliseconds: a number of them, an ISO-8601 instant, or
   * SQL's {@code 'yyyy-MM-dd HH:mm:ss[.fff]'} in UTC; BAD_REQUEST naming the value otherwise.
   */
  static long millis(Object value) {
    if (value instanceof Number n) {
      return n.longValue();
    }
    if (value instanceof String text) {
      try {
        return Instant.parse(text).toEpochMilli();
      } catch (DateTimeParseException e) {
        try {
          return new TimestampString(text).getMillisSinceEpoch();
        } catch (RuntimeException notSql) {
          // reported below
        }
      }
    }
    throw new TidewaterException(
        ErrorCode.BAD_REQUEST,
        "a TIMESTAMP parameter takes epoch milliseconds, an ISO-8601 instant or"
            + " 'yyyy-MM-dd HH:mm:ss', not "
            + value);
  }

  /** The binding the statement being planned on this thread was planned with; NONE outside. */
  static Binding planning() {
    Binding b = Planning.CURRENT.get();
    return b == null ? NONE : b;
  }

  /**
   * Sets the binding rules decide by while this thread plans, until the returned handle is closed.
   */
  static Planning.Scope planWith(Binding binding) {
    Binding before = Planning.CURRENT.get();
    Planning.CURRENT.set(binding);
    return () -> Planning.CURRENT.set(before);
  }

  /** Where the planning binding is kept. */
  final class Planning {
    private static final ThreadLocal<Binding> CURRENT = new ThreadLocal<>();

    private Planning() {}

    /** Restores the binding before. */
    public interface Scope extends AutoCloseable {
      @Override
      void close();
    }
  }
}
