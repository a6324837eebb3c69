package io.tidewater.lifecycle.store;

import io.tidewater.lifecycle.store.s3.S3StoreConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/** Creates buckets on the test S3 server (the store itself never creates buckets). */
public final class S3Buckets {
  private S3Buckets() {}

  /** A plain S3 client of the test server, for what the store itself never does. */
  public static S3Client client(S3StoreConfig config) {
    return S3Client.builder()
        .endpointOverride(config.endpoint().orElseThrow())
        .forcePathStyle(true)
        .region(Region.of(config.region().orElseThrow()))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(
                    config.accessKey().orElseThrow(), config.secretKey().orElseThrow())))
        .build();
  }

  public static void create(S3StoreConfig config, String bucket) {
    try (S3Client s3 = client(config)) {
      s3.createBucket(b -> b.bucket(bucket));
    } catch (BucketAlreadyOwnedByYouException e) {
      // Created by an earlier test class in this JVM.
    }
  }
}
