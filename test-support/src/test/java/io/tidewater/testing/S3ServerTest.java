package io.tidewater.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

class S3ServerTest {

  private static S3Client s3;

  @BeforeAll
  static void client() {
    S3Server server = TestServers.s3();
    s3 =
        S3Client.builder()
            .endpointOverride(server.endpoint())
            .forcePathStyle(true)
            .region(Region.of(S3Server.REGION))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(S3Server.ACCESS_KEY, S3Server.SECRET_KEY)))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  @AfterAll
  static void close() {
    s3.close();
  }

  @Test
  void putGetListAndConditionalPut() {
    s3.createBucket(b -> b.bucket("harness"));
    byte[] body = "0123456789".getBytes(StandardCharsets.UTF_8);
    s3.putObject(
        p -> p.bucket("harness").key("lake/day=2025-01-15/part-0.parquet"),
        RequestBody.fromBytes(body));
    s3.putObject(
        p -> p.bucket("harness").key("lake/day=2025-01-16/part-0.parquet"),
        RequestBody.fromString("x"));
    s3.putObject(p -> p.bucket("harness").key("other/a"), RequestBody.fromString("y"));

    assertArrayEquals(
        body,
        s3.getObjectAsBytes(g -> g.bucket("harness").key("lake/day=2025-01-15/part-0.parquet"))
            .asByteArray());
    assertEquals(
        "234",
        s3.getObjectAsBytes(
                g ->
                    g.bucket("harness")
                        .key("lake/day=2025-01-15/part-0.parquet")
                        .range("bytes=2-4"))
            .asUtf8String());

    List<String> keys =
        s3.listObjectsV2(l -> l.bucket("harness").prefix("lake/")).contents().stream()
            .map(S3Object::key)
            .toList();
    assertEquals(
        List.of("lake/day=2025-01-15/part-0.parquet", "lake/day=2025-01-16/part-0.parquet"), keys);

    // Put-if-absent: the ledger's commit primitive. The first wins, the second gets 412.
    try {
      s3.putObject(
          p -> p.bucket("harness").key("_ledger/v1").ifNoneMatch("*"),
          RequestBody.fromString("first"));
    } catch (S3Exception e) {
      // The SDK retries a PUT whose answer was lost; the retry then meets its own first attempt.
      assertEquals(412, e.statusCode());
      assertEquals(
          "first", s3.getObjectAsBytes(g -> g.bucket("harness").key("_ledger/v1")).asUtf8String());
    }
    S3Exception conflict =
        assertThrows(
            S3Exception.class,
            () ->
                s3.putObject(
                    p -> p.bucket("harness").key("_ledger/v1").ifNoneMatch("*"),
                    RequestBody.fromString("second")));
    assertEquals(412, conflict.statusCode());
    assertEquals(
        "first", s3.getObjectAsBytes(g -> g.bucket("harness").key("_ledger/v1")).asUtf8String());
  }
}
