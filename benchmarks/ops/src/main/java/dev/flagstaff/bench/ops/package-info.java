/**
 * Operational benchmarks across real processes on loopback: the operator and endpoint jars run as their own JVMs
 * against the Fabric8 mock API server held in the driver's JVM. {@link dev.flagstaff.bench.ops.P2Propagation},
 * {@link dev.flagstaff.bench.ops.P4OperatorScale} and {@link dev.flagstaff.bench.ops.P5Footprint} are the mains;
 * {@code benchmarks/run-p2.sh}, {@code run-p4.sh} and {@code run-p5.sh} run them.
 */
package dev.flagstaff.bench.ops;
