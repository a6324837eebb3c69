package io.tidewater.policy;

/** Where data of an age lives, by policy: youngest first. */
public enum Tier implements PolicyKeyword {
  /** Young data: in InfluxDB; the lake may hold a raw copy once its window is exported. */
  HOT,
  /** Lake, full resolution plus the warm rollups. */
  WARM,
  /** Lake, the cold rollups; full resolution in a cheaper storage class or dropped. */
  COLD,
  /** Past the policy's expiry: deleted everywhere. */
  EXPIRED
}
