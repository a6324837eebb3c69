package io.tidewater.lifecycle.store;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobServiceClientBuilder;
import io.tidewater.lifecycle.store.azure.AzureLakeStore;
import io.tidewater.lifecycle.store.azure.AzureStoreConfig;
import io.tidewater.lifecycle.store.local.LocalLakeStore;
import io.tidewater.lifecycle.store.s3.S3LakeStore;
import io.tidewater.lifecycle.store.s3.S3StoreConfig;
import io.tidewater.testing.AzuriteServer;
import io.tidewater.testing.S3Server;
import io.tidewater.testing.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Optional;

/**
 * One store of each kind per test JVM, on the harness's real servers; tests isolate by key prefix.
 */
public final class TestStores {

  private static LocalLakeStore local;
  private static S3LakeStore s3;
  private static S3StoreConfig s3Config;
  private static AzureLakeStore azure;

  private TestStores() {}

  public static synchronized LocalLakeStore local() {
    if (local == null) {
      try {
        local =
            new LocalLakeStore(
                new LakeLocation.Local(Files.createTempDirectory("tidewater-local-lake-")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return local;
  }

  /** s3proxy through the AWS SDK v2: path-style, static keys, 5 MiB parts. */
  public static synchronized S3LakeStore s3() {
    if (s3 == null) {
      S3Server server = TestServers.s3();
      s3Config =
          new S3StoreConfig(
              Optional.of(server.endpoint()),
              true,
              Optional.of(S3Server.REGION),
              Optional.of(S3Server.ACCESS_KEY),
              Optional.of(S3Server.SECRET_KEY),
              5 * S3StoreConfig.MIB,
              5 * S3StoreConfig.MIB);
      S3Buckets.create(s3Config, "contract");
      s3 =
          new S3LakeStore(
              (LakeLocation.S3) LakeLocation.parse("s3://contract/lake/root"), s3Config);
    }
    return s3;
  }

  public static synchronized S3StoreConfig s3Config() {
    s3();
    return s3Config;
  }

  /** Azurite's Blob API with an abfss:// location, an account key and 1 MiB blocks. */
  public static synchronized AzureLakeStore azure() {
    if (azure == null) {
      AzuriteServer server = TestServers.azurite();
      new BlobServiceClientBuilder()
          .connectionString(server.connectionString())
          .httpClient(new JdkHttpClientBuilder().build())
          .buildClient()
          .getBlobContainerClient("contract")
          .createIfNotExists();
      AzureStoreConfig config =
          new AzureStoreConfig(
              Optional.of(server.blobEndpoint()),
              Optional.empty(),
              Optional.of(AzuriteServer.ACCOUNT_KEY),
              Optional.empty(),
              AzureStoreConfig.MIB,
              AzureStoreConfig.MIB);
      azure =
          new AzureLakeStore(
              (LakeLocation.Azure)
                  LakeLocation.parse(
                      "abfss://contract@"
                          + AzuriteServer.ACCOUNT
                          + ".dfs.core.windows.net/lake/root"),
              config);
    }
    return azure;
  }
}
