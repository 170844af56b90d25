#!/usr/bin/env bash
# P2 at scale — 1,000 flags and 3 endpoint processes on a real kube-apiserver 1.37.2 + etcd (testkit RealApiServer;
# build the binaries once with testkit/kube/build.sh): a rolling restart of the three endpoints (new pod Ready, then
# the old one stopped, one at a time), the operator's status writes per flag it caused (from the audit log), and
# the time `kubectl wait --for=condition=Propagated` takes on one flag after a change, against the time until all
# three endpoints answer it and against kubectl wait on a condition already met.
#
#   benchmarks/run-p2-rolling.sh         # builds, runs (about 6 minutes), writes benchmarks/results/p2-rolling-restart.json
#   P2_SKIP_BUILD=1 benchmarks/run-p2-rolling.sh --flags 100 --changes 2   # extra arguments go to the driver
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${P2_SKIP_BUILD:-}" != 1 ]]; then
  mvn -B -q -pl operator,slack-endpoint -am package -DskipTests
  mvn -B -q -Pbenchmarks -pl benchmarks/ops -am package -DskipTests
fi
exec java -Xmx1g -cp benchmarks/ops/target/ops.jar dev.flagstaff.bench.ops.P2RollingRestart \
  --operator-jar "${OPERATOR_JAR:-operator/target/flagstaff-operator.jar}" \
  --endpoint-jar "${ENDPOINT_JAR:-slack-endpoint/target/flagstaff-slack-endpoint.jar}" \
  --out benchmarks/results/p2-rolling-restart.json "$@"
