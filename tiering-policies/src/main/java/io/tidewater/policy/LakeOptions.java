package io.tidewater.policy;

import java.util.List;
import java.util.Objects;

/** How a policy's data is laid out in the lake: partitioning, codec and timestamp precision. */
public record LakeOptions(
    PartitionGranularity partitionBy,
    List<String> tagPartitions,
    Compression compression,
    TimestampPrecision timestampPrecision) {

  public static final LakeOptions DEFAULTS =
      new LakeOptions(
          PartitionGranularity.DAY, List.of(), Compression.ZSTD, TimestampPrecision.MICROS);

  public LakeOptions {
    Objects.requireNonNull(partitionBy, "partitionBy");
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(timestampPrecision, "timestampPrecision");
    tagPartitions = List.copyOf(tagPartitions);
  }
}
