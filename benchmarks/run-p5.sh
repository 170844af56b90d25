#!/usr/bin/env bash
# P5 — footprint on a real kube-apiserver 1.37.2 + etcd on loopback (testkit RealApiServer; build the binaries once
# with testkit/kube/build.sh): resident memory and time to ready of the operator and the endpoint jar with 1,000
# flags, each as its own ServiceAccount, under each JVM configuration of P5Configs (the chart's flags before issue
# 12, then one choice added at a time: SerialGC and the new memory limit, stack and code-cache sizes, C1 only,
# AppCDS, MALLOC_ARENA_MAX=2), the configurations alternating start by start.
#
#   benchmarks/run-p5.sh                 # builds, runs (about 15 minutes), writes benchmarks/results/p5-footprint.json
#   P5_SKIP_BUILD=1 benchmarks/run-p5.sh --starts 1 --configs before,arena   # extra arguments go to the driver
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${P5_SKIP_BUILD:-}" != 1 ]]; then
  mvn -B -q -pl operator,slack-endpoint -am package -DskipTests
  mvn -B -q -Pbenchmarks -pl benchmarks/ops -am package -DskipTests
fi
exec java -Xmx1g -cp benchmarks/ops/target/ops.jar dev.flagstaff.bench.ops.P5Footprint \
  --operator-jar "${OPERATOR_JAR:-operator/target/flagstaff-operator.jar}" \
  --endpoint-jar "${ENDPOINT_JAR:-slack-endpoint/target/flagstaff-slack-endpoint.jar}" \
  --out benchmarks/results/p5-footprint.json "$@"
