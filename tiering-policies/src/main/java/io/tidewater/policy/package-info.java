/** The tiering policy model: parsing, validation, and tier and window arithmetic. */
package io.tidewater.policy;
