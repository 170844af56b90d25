#!/usr/bin/env bash
# P5 — footprint: resident memory and time to ready of the operator and endpoint jars with 1,000 flags, default JVM
# flags and -Xmx256m, 3 starts each, against a fresh mock API server (in the driver JVM) each time.
#
#   benchmarks/run-p5.sh                 # builds, runs (about 3 minutes), writes benchmarks/results/p5-footprint.json
#   P5_SKIP_BUILD=1 benchmarks/run-p5.sh --starts 1   # extra arguments go to the driver
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${P5_SKIP_BUILD:-}" != 1 ]]; then
  mvn -B -q package -DskipTests
  mvn -B -q -Pbenchmarks -pl benchmarks/ops -am package -DskipTests
fi
exec java -Xmx1g -cp benchmarks/ops/target/ops.jar dev.flagstaff.bench.ops.P5Footprint \
  --operator-jar "${OPERATOR_JAR:-operator/target/flagstaff-operator.jar}" \
  --endpoint-jar "${ENDPOINT_JAR:-slack-endpoint/target/flagstaff-slack-endpoint.jar}" \
  --out benchmarks/results/p5-footprint.json "$@"
