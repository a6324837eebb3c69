package io.tidewater.lifecycle.store.azure;

import java.net.URI;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * How to reach Azure beyond the lake URI. Exactly one credential: a connection string, an account
 * key or a SAS token.
 *
 * @param blobEndpoint the account's Blob endpoint when it is not {@code
 *     https://<account>.blob.<suffix>} (Azurite: {@code http://127.0.0.1:10000/devstoreaccount1})
 * @param singleUploadLimit files up to this size go in one request; larger ones in blocks
 * @param blockSize the size of each block of a block upload
 */
public record AzureStoreConfig(
    Optional<URI> blobEndpoint,
    Optional<String> connectionString,
    Optional<String> accountKey,
    Optional<String> sasToken,
    long singleUploadLimit,
    long blockSize) {

  public static final long MIB = 1024 * 1024;

  public AzureStoreConfig {
    long credentials =
        Stream.of(connectionString, accountKey, sasToken).filter(Optional::isPresent).count();
    if (credentials != 1) {
      throw new IllegalArgumentException(
          "Azure needs exactly one of a connection string, an account key or a SAS token"
              + " (found "
              + credentials
              + ")");
    }
    if (blockSize < 1 || singleUploadLimit < 1) {
      throw new IllegalArgumentException(
          "Azure block size and single-upload limit must be positive");
    }
  }

  public static AzureStoreConfig withConnectionString(String connectionString) {
    return new AzureStoreConfig(
        Optional.empty(),
        Optional.of(connectionString),
        Optional.empty(),
        Optional.empty(),
        64 * MIB,
        16 * MIB);
  }
}
