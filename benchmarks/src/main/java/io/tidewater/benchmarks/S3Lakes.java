package io.tidewater.benchmarks;

import io.tidewater.lifecycle.store.LakeLocation;
import io.tidewater.lifecycle.store.s3.S3LakeStore;
import io.tidewater.lifecycle.store.s3.S3StoreConfig;
import io.tidewater.testing.S3Server;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Lakes in s3proxy buckets for the benchmarks. */
public final class S3Lakes {

  private S3Lakes() {}

  /** A new bucket {@code bucket} of {@code server}, as a lake under the prefix {@code lake}. */
  public static S3LakeStore create(S3Server server, String bucket) {
    try (S3Client client =
        S3Client.builder()
            .endpointOverride(server.endpoint())
            .forcePathStyle(true)
            .region(Region.of(S3Server.REGION))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(S3Server.ACCESS_KEY, S3Server.SECRET_KEY)))
            .build()) {
      client.createBucket(b -> b.bucket(bucket));
    }
    return new S3LakeStore(
        new LakeLocation.S3(bucket, "lake"),
        new S3StoreConfig(
            Optional.of(server.endpoint()),
            true,
            Optional.of(S3Server.REGION),
            Optional.of(S3Server.ACCESS_KEY),
            Optional.of(S3Server.SECRET_KEY),
            64 * S3StoreConfig.MIB,
            16 * S3StoreConfig.MIB));
  }
}
