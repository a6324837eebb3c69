package io.tidewater.policy.rollup;

/**
 * One string or boolean field's rollup bucket: count, and first and last with their times (epoch
 * ns).
 */
public record ValueBucket<T>(long count, long firstTime, T first, long lastTime, T last) {}
