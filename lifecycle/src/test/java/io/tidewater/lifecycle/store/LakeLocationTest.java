package io.tidewater.lifecycle.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tidewater.error.ErrorCode;
import io.tidewater.error.TidewaterException;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LakeLocationTest {

  @Test
  void parsesEachKind() {
    assertEquals(new LakeLocation.Local(Path.of("lake")), LakeLocation.parse("file:lake"));
    assertEquals(
        new LakeLocation.Local(Path.of("/var/lib/lake")), LakeLocation.parse("file:/var/lib/lake"));
    assertEquals(
        new LakeLocation.Local(Path.of("/var/lib/lake")),
        LakeLocation.parse("file:///var/lib/lake"));
    assertEquals(
        new LakeLocation.S3("my-bucket", "tidewater/prod"),
        LakeLocation.parse("s3://my-bucket/tidewater/prod/"));
    assertEquals(new LakeLocation.S3("my-bucket", ""), LakeLocation.parse("s3://my-bucket"));
    LakeLocation.Azure azure =
        (LakeLocation.Azure) LakeLocation.parse("abfss://lake@acct01.dfs.core.windows.net/metrics");
    assertEquals(
        new LakeLocation.Azure("lake", "acct01", "dfs.core.windows.net", "metrics"), azure);
    assertEquals(URI.create("https://acct01.blob.core.windows.net/"), azure.blobEndpoint());
    assertEquals("abfss://lake@acct01.dfs.core.windows.net/metrics/db/cpu", azure.uriOf("db/cpu"));
    assertEquals(
        "s3://my-bucket/tidewater/prod/x",
        LakeLocation.parse("s3://my-bucket/tidewater/prod").uriOf("x"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "hdfs://nn/lake | unsupported scheme 'hdfs'; use file:<folder>, s3://bucket/prefix or abfss://filesystem@account.dfs.core.windows.net/prefix",
        "lake | unsupported scheme ''; use file:<folder>, s3://bucket/prefix or abfss://filesystem@account.dfs.core.windows.net/prefix",
        "s3:///prefix | s3 URIs need a bucket: s3://bucket/prefix",
        "s3://My_Bucket/x | 'My_Bucket' is not a valid S3 bucket name (3-63 lower-case letters, digits, '.' and '-')",
        "abfss://acct.dfs.core.windows.net/x | abfss URIs name a file system and an account: abfss://filesystem@account.dfs.core.windows.net/prefix",
        "abfss://lake@acct.blob.core.windows.net/x | abfss URIs use the account's DFS host, e.g. acct.dfs.core.windows.net",
        "abfss://Lake@acct.dfs.core.windows.net | 'Lake' is not a valid file system (container) name (3-63 lower-case letters, digits and single '-')",
        "file://server/share | file URIs name a local folder; 'server' is a host (use file:/path)",
        "s3://bucket/a b | not a URI (Illegal character in path)",
      })
  void rejectsMalformedUrisSayingWhatIsExpected(String uri, String why) {
    TidewaterException e = assertThrows(TidewaterException.class, () -> LakeLocation.parse(uri));
    assertEquals("invalid lake URI '" + uri + "': " + why, e.getMessage());
    assertEquals(ErrorCode.INVALID_LAKE_CONFIG, e.code());
  }
}
