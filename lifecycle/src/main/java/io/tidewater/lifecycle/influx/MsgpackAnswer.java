package io.tidewater.lifecycle.influx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Decodes InfluxDB's MessagePack answers value by value: the same structure as its JSON ({@code
 * results} / {@code series} / {@code values}) with numbers in binary, so nothing is parsed as text.
 * With {@code epoch=ns}, times are integers.
 */
final class MsgpackAnswer {

  private MsgpackAnswer() {}

  static void decode(InputStream body, String influxql, InfluxClient.RowSink sink)
      throws IOException {
    try (MessageUnpacker u = MessagePack.newDefaultUnpacker(body)) {
      PackCell cell = new PackCell();
      while (u.hasNext()) {
        int entries = u.unpackMapHeader();
        for (int i = 0; i < entries; i++) {
          String name = u.unpackString();
          if (name.equals("error")) {
            throw new InfluxException(
                "InfluxDB rejected " + influxql + ": " + u.unpackString(), null);
          } else if (name.equals("results")) {
            int results = u.unpackArrayHeader();
            for (int r = 0; r < results; r++) {
              result(u, influxql, sink, cell);
            }
          } else {
            u.skipValue();
          }
        }
      }
    }
  }

  /** The {@code error} of an error answer, or null. */
  static String error(InputStream body) throws IOException {
    try (MessageUnpacker u = MessagePack.newDefaultUnpacker(body)) {
      if (!u.hasNext() || u.getNextFormat().getValueType() != ValueType.MAP) {
        return null;
      }
      int entries = u.unpackMapHeader();
      for (int i = 0; i < entries; i++) {
        if (u.unpackString().equals("error")) {
          return u.unpackString();
        }
        u.skipValue();
      }
      return null;
    }
  }

  private static void result(
      MessageUnpacker u, String influxql, InfluxClient.RowSink sink, PackCell cell)
      throws IOException {
    int entries = u.unpackMapHeader();
    for (int i = 0; i < entries; i++) {
      String name = u.unpackString();
      if (name.equals("error")) {
        throw InfluxException.statementError(influxql, u.unpackString());
      } else if (name.equals("series")) {
        int series = u.unpackArrayHeader();
        for (int s = 0; s < series; s++) {
          series(u, sink, cell);
        }
      } else {
        u.skipValue();
      }
    }
  }

  private static void series(MessageUnpacker u, InfluxClient.RowSink sink, PackCell cell)
      throws IOException {
    Map<String, String> tags = new HashMap<>();
    List<String> columns = new ArrayList<>();
    String measurement = "";
    int entries = u.unpackMapHeader();
    for (int i = 0; i < entries; i++) {
      String name = u.unpackString();
      switch (name) {
        case "name" -> measurement = u.unpackString();
        case "tags" -> {
          int n = u.unpackMapHeader();
          for (int t = 0; t < n; t++) {
            tags.put(u.unpackString(), u.unpackString());
          }
        }
        case "columns" -> {
          int n = u.unpackArrayHeader();
          for (int c = 0; c < n; c++) {
            columns.add(u.unpackString());
          }
        }
        case "values" -> {
          sink.series(measurement, tags, columns);
          int rows = u.unpackArrayHeader();
          for (int r = 0; r < rows; r++) {
            int n = u.unpackArrayHeader();
            for (int c = 0; c < n; c++) {
              cell.read(u);
              sink.value(c, cell);
            }
          }
        }
        default -> u.skipValue();
      }
    }
  }

  /** A value read eagerly into primitive fields: no object per number. */
  private static final class PackCell implements InfluxClient.Cell {
    private ValueType type;
    private long longValue;
    private double doubleValue;
    private boolean booleanValue;
    private String stringValue;

    void read(MessageUnpacker u) throws IOException {
      MessageFormat format = u.getNextFormat();
      type = format.getValueType();
      switch (type) {
        case NIL -> u.unpackNil();
        case INTEGER -> longValue = u.unpackLong();
        case FLOAT -> doubleValue = u.unpackDouble();
        case BOOLEAN -> booleanValue = u.unpackBoolean();
        case STRING -> stringValue = u.unpackString();
        case EXTENSION -> {
          // A time.Time (when epoch is not given): 8 bytes of seconds and 4 of nanoseconds.
          int length = u.unpackExtensionTypeHeader().getLength();
          ByteBuffer b = ByteBuffer.wrap(u.readPayload(length));
          longValue = length == 12 ? b.getLong() * 1_000_000_000L + b.getInt() : 0;
          type = ValueType.INTEGER;
        }
        default -> {
          u.skipValue();
          type = ValueType.NIL;
        }
      }
    }

    @Override
    public boolean isNull() {
      return type == ValueType.NIL;
    }

    @Override
    public long asLong() {
      return type == ValueType.FLOAT ? (long) doubleValue : longValue;
    }

    @Override
    public double asDouble() {
      return type == ValueType.INTEGER ? longValue : doubleValue;
    }

    @Override
    public boolean asBoolean() {
      return booleanValue;
    }

    @Override
    public String asString() {
      return stringValue;
    }

    @Override
    public Object asObject() {
      return switch (type) {
        case INTEGER -> longValue;
        case FLOAT -> doubleValue;
        case BOOLEAN -> booleanValue;
        case STRING -> stringValue;
        default -> null;
      };
    }
  }
}
