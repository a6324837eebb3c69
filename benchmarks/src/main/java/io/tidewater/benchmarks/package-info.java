/** JMH benchmarks of the hot paths and the end-to-end benchmark runner (DESIGN.md section 11). */
package io.tidewater.benchmarks;
