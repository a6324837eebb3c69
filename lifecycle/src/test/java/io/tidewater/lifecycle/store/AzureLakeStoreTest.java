package io.tidewater.lifecycle.store;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobServiceClientBuilder;
import io.tidewater.lifecycle.store.azure.AzureLakeStore;
import io.tidewater.lifecycle.store.azure.AzureStoreConfig;
import io.tidewater.testing.AzuriteServer;
import io.tidewater.testing.TestServers;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract against Azurite's Blob API, with an abfss:// location and an account key,
 * the endpoint overridden to Azurite's.
 */
class AzureLakeStoreTest extends LakeStoreContract {

  private static AzureLakeStore store;

  @BeforeAll
  static void open() {
    AzuriteServer server = TestServers.azurite();
    new BlobServiceClientBuilder().connectionString(server.connectionString())
        .httpClient(new JdkHttpClientBuilder().build()).buildClient()
        .getBlobContainerClient("contract").createIfNotExists();
    AzureStoreConfig config = new AzureStoreConfig(Optional.of(server.blobEndpoint()), Optional.empty(),
        Optional.of(AzuriteServer.ACCOUNT_KEY), Optional.empty(), AzureStoreConfig.MIB, AzureStoreConfig.MIB);
    store = new AzureLakeStore((LakeLocation.Azure) LakeLocation.parse(
        "abfss://contract@" + AzuriteServer.ACCOUNT + ".dfs.core.windows.net/lake/root"), config);
  }

  @Override
  protected LakeStore store() {
    return store;
  }

  @Override
  protected long partSize() {
    return AzureStoreConfig.MIB;
  }
}
