#!/usr/bin/env bash
# P4 — operator scale on a real kube-apiserver 1.37.2 + etcd on loopback (testkit RealApiServer; build the binaries
# once with testkit/kube/build.sh): 100, 1,000 and 10,000 FeatureFlags created at once. For each size, in the same
# run, the API server's own floor (the same creates plus one status write each, by the driver, no operator), then
# the operator jar as its own JVM and ServiceAccount: time until the ConfigMap holds every key and every flag is
# Ready, the ratio to the floor, the operator's requests per flag by verb and resource (from the audit log, by user),
# one change among N, 30 s idle at 1,000 and 10,000, and the CPU other processes used meanwhile.
#
#   benchmarks/run-p4.sh                 # builds, runs (about 15 minutes; 10,000 stops at a 240 s deadline;
#                                        # the operator gets the chart's JVM options in a 192m pod, and at 10,000
#                                        # a 512m pod with 200 reconcile threads: see --operator-memory),
#                                        # writes benchmarks/results/p4-operator-scale.json
#   P4_JFR=1 benchmarks/run-p4.sh        # also records benchmarks/results/p4-operator-10000.jfr (the 10,000 run)
#                                        # and puts its top frames in the json ("jfr")
#   P4_SKIP_BUILD=1 benchmarks/run-p4.sh --sizes 100,1000 --rounds 1,1   # extra arguments go to the driver
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${P4_SKIP_BUILD:-}" != 1 ]]; then
  mvn -B -q -pl operator -am package -DskipTests
  mvn -B -q -Pbenchmarks -pl benchmarks/ops -am package -DskipTests
fi
JFR=()
if [[ "${P4_JFR:-}" == 1 ]]; then
  JFR=(--jfr benchmarks/results/p4-operator-10000.jfr)
fi
exec java -Xmx2g -cp benchmarks/ops/target/ops.jar dev.flagstaff.bench.ops.P4OperatorScale \
  --operator-jar "${OPERATOR_JAR:-operator/target/flagstaff-operator.jar}" \
  --out benchmarks/results/p4-operator-scale.json "${JFR[@]}" "$@"
