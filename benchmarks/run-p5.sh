#!/usr/bin/env bash
# P5 — footprint on a real kube-apiserver 1.37.2 + etcd on loopback (testkit RealApiServer; build the binaries once
# with testkit/kube/build.sh): resident memory and time to ready of the operator and the endpoint jar with 1,000
# flags, each as its own ServiceAccount, under each JVM configuration of P5Configs (the chart's flags before issue
# 12, then one choice added at a time: SerialGC and the new memory limit, stack and code-cache sizes, C1 only,
# AppCDS, a smaller young generation, tighter heap-free ratios, a larger first heap, MALLOC_ARENA_MAX=2), the
# configurations alternating start by start. The
# AppCDS archives are made as the images make them (benchmarks/p5-image-archives.sh: the Dockerfiles' step, from
# the class lists in helm/images/), next to copies of the jars, which are the ones measured.
#
#   benchmarks/run-p5.sh                 # builds, runs (about 20 minutes), writes benchmarks/results/p5-footprint.json
#   P5_SKIP_BUILD=1 benchmarks/run-p5.sh --starts 1 --configs before,arena   # extra arguments go to the driver
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${P5_SKIP_BUILD:-}" != 1 ]]; then
  mvn -B -q -pl operator,slack-endpoint -am package -DskipTests
  mvn -B -q -Pbenchmarks -pl benchmarks/ops -am package -DskipTests
fi
images=benchmarks/ops/target/p5-image
benchmarks/p5-image-archives.sh "$images" > /dev/null
exec java -Xmx1g -cp benchmarks/ops/target/ops.jar dev.flagstaff.bench.ops.P5Footprint \
  --operator-jar "$images/flagstaff-operator.jar" --endpoint-jar "$images/flagstaff-slack-endpoint.jar" \
  --archives "$images/flagstaff-operator.jsa,$images/flagstaff-slack-endpoint.jsa" \
  --out benchmarks/results/p5-footprint.json "$@"
