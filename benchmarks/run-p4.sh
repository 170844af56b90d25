#!/usr/bin/env bash
# P4 — operator scale: 100, 1,000 and 10,000 FeatureFlags created at once against the mock API server (in the driver
# JVM); time until the ConfigMap holds every key and every flag is Ready, the operator's API requests per flag by verb
# and resource, its heap after a forced GC; one change among N; 30 s idle at 1,000 flags; and the mock's own floor
# (bare creates, and the operator's request mix replayed by the driver with no operator).
#
#   benchmarks/run-p4.sh                 # builds, runs (about 10 minutes; 10,000 stops at a 240 s deadline),
#                                        # writes benchmarks/results/p4-operator-scale.json
#   P4_JFR=1 benchmarks/run-p4.sh        # also records benchmarks/results/p4-operator-10000.jfr (first 10,000 run)
#   P4_SKIP_BUILD=1 benchmarks/run-p4.sh --sizes 100,1000 --rounds 1,1   # extra arguments go to the driver
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${P4_SKIP_BUILD:-}" != 1 ]]; then
  mvn -B -q package -DskipTests
  mvn -B -q -Pbenchmarks -pl benchmarks/ops -am package -DskipTests
fi
JFR=()
if [[ "${P4_JFR:-}" == 1 ]]; then
  JFR=(--jfr benchmarks/results/p4-operator-10000.jfr)
fi
exec java -Xmx2g -cp benchmarks/ops/target/ops.jar dev.flagstaff.bench.ops.P4OperatorScale \
  --operator-jar "${OPERATOR_JAR:-operator/target/flagstaff-operator.jar}" \
  --out benchmarks/results/p4-operator-scale.json "${JFR[@]}" "$@"
