package io.tidewater.policy;

import java.time.Instant;
import java.util.Optional;

/**
 * A part {@code [from, to)} of a query's time range lying in one tier, with the resolution that
 * answers it exactly (empty: nothing readable there answers it, e.g. expired data).
 */
public record TierSpan(Tier tier, Instant from, Instant to, Optional<Resolution> resolution) {}
