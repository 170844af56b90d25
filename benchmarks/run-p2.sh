#!/usr/bin/env bash
# P2 — propagation: API write of a FeatureFlag change → the endpoint's /flags/{key} decision flipped, 200 flips,
# across real processes on loopback: a real kube-apiserver 1.37.2 + etcd (testkit RealApiServer; build the binaries
# once with testkit/kube/build.sh), the operator and endpoint jars as their own JVMs and ServiceAccounts; then the
# same with the operator left out and the endpoint reading a kubelet-style mounted directory. Each mode reports the
# CPU other processes used while it ran.
#
#   benchmarks/run-p2.sh                 # builds, runs (about 4 minutes), writes benchmarks/results/p2-*.json|csv
#   P2_SKIP_BUILD=1 benchmarks/run-p2.sh --flips 20 --warmup 4   # extra arguments go to the driver
#
# OPERATOR_JAR / ENDPOINT_JAR choose other jars (default: the ones the root build makes). Everything stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${P2_SKIP_BUILD:-}" != 1 ]]; then
  mvn -B -q -pl operator,slack-endpoint -am package -DskipTests
  mvn -B -q -Pbenchmarks -pl benchmarks/ops -am package -DskipTests
fi
exec java -Xmx1g -cp benchmarks/ops/target/ops.jar dev.flagstaff.bench.ops.P2Propagation \
  --operator-jar "${OPERATOR_JAR:-operator/target/flagstaff-operator.jar}" \
  --endpoint-jar "${ENDPOINT_JAR:-slack-endpoint/target/flagstaff-slack-endpoint.jar}" \
  --out benchmarks/results/p2-propagation.json --csv benchmarks/results/p2-flips.csv "$@"
