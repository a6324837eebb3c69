package io.tidewater.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class AzuriteServerTest {

  @Test
  void uploadListReadAndConditionalUpload() {
    BlobContainerClient container =
        new BlobServiceClientBuilder()
            .connectionString(TestServers.azurite().connectionString())
            .httpClient(new JdkHttpClientBuilder().build())
            .buildClient()
            .getBlobContainerClient("harness");
    container.create();

    container
        .getBlobClient("lake/day=2025-01-15/part-0.parquet")
        .upload(BinaryData.fromString("0123456789"));
    container
        .getBlobClient("lake/day=2025-01-16/part-0.parquet")
        .upload(BinaryData.fromString("x"));
    container.getBlobClient("other/a").upload(BinaryData.fromString("y"));

    List<String> names =
        container.listBlobsByHierarchy("lake/").stream().map(BlobItem::getName).toList();
    assertEquals(List.of("lake/day=2025-01-15/", "lake/day=2025-01-16/"), names);
    List<String> flat =
        container.listBlobs(new ListBlobsOptions().setPrefix("lake/"), null).stream()
            .map(BlobItem::getName)
            .toList();
    assertEquals(
        List.of("lake/day=2025-01-15/part-0.parquet", "lake/day=2025-01-16/part-0.parquet"), flat);
    assertEquals(
        "0123456789",
        container.getBlobClient("lake/day=2025-01-15/part-0.parquet").downloadContent().toString());

    // Put-if-absent (If-None-Match: *): the second upload of the same name is refused with 409.
    container.getBlobClient("_ledger/v1").upload(BinaryData.fromString("first"), false);
    BlobStorageException conflict =
        assertThrows(
            BlobStorageException.class,
            () ->
                container
                    .getBlobClient("_ledger/v1")
                    .upload(BinaryData.fromString("second"), false));
    assertEquals(409, conflict.getStatusCode());
    assertEquals("first", container.getBlobClient("_ledger/v1").downloadContent().toString());
  }
}
