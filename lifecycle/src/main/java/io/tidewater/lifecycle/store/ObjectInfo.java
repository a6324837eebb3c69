package io.tidewater.lifecycle.store;

import io.tidewater.policy.StorageClass;
import java.time.Instant;
import java.util.Optional;

/**
 * What a store knows of one object. The ETag changes whenever the object is replaced, so a reader
 * holding it detects a file replaced under it.
 *
 * @param storageClass empty where the store has no classes (a local folder)
 */
public record ObjectInfo(
    String key,
    long size,
    String etag,
    Instant lastModified,
    Optional<StorageClass> storageClass) {}
