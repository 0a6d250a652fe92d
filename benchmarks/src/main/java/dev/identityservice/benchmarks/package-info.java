/** JMH benchmarks; each measures a product path against a raw reference in the same run, so ratios survive noisy machines. */
package dev.identityservice.benchmarks;
