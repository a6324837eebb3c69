package io.tidewater.lifecycle.store.s3;

import java.net.URI;
import java.util.Optional;

/**
 * How to reach S3 beyond the lake URI.
 *
 * @param endpoint an S3-compatible endpoint (MinIO, s3proxy); empty for AWS
 * @param pathStyle address buckets as {@code endpoint/bucket} rather than {@code bucket.endpoint}
 * @param region empty: from the default region chain (AWS_REGION, profile), else us-east-1
 * @param accessKey with {@code secretKey}: static keys; empty: the AWS default credential chain
 * @param multipartThreshold files larger than this are uploaded in parts
 * @param partSize the size of each part (S3 requires at least 5 MiB except for the last)
 */
public record S3StoreConfig(
    Optional<URI> endpoint,
    boolean pathStyle,
    Optional<String> region,
    Optional<String> accessKey,
    Optional<String> secretKey,
    long multipartThreshold,
    long partSize) {

  public static final long MIB = 1024 * 1024;

  public static S3StoreConfig defaults() {
    return new S3StoreConfig(
        Optional.empty(),
        false,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        64 * MIB,
        16 * MIB);
  }

  public S3StoreConfig {
    if (accessKey.isPresent() != secretKey.isPresent()) {
      throw new IllegalArgumentException(
          "S3 static credentials need both an access key and a secret key");
    }
    if (partSize < 5 * MIB || multipartThreshold < partSize) {
      throw new IllegalArgumentException(
          "S3 parts must be at least 5 MiB and the multipart threshold at least one part");
    }
  }
}
