#!/usr/bin/env bash
# Records the class lists the images' AppCDS archives are made from (helm/images/flagstaff-*.classlist): one P5
# start of each jar on the real API server with 1,000 flags, C1-only flags as the chart's, with
# -XX:DumpLoadedClassList: the operator through its start, informers and 30 s of reconciling, the endpoint until it
# serves the ConfigMap's 1,000 keys. Run it again when the jars' start-up path changes (a class the list names that
# the jar no longer has is only skipped; a new one is just not archived).
#
#   P5_SKIP_BUILD=1 flock /tmp/bench.lock benchmarks/p5-classlists.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work="$PWD/benchmarks/ops/target/p5-classlists"
rm -rf "$work" && mkdir -p "$work"
benchmarks/run-p5.sh --starts 1 --operator-seconds 30 --configs c1 --work "$work" \
  --jvm-extra "-XX:DumpLoadedClassList=$work/{jvm}.classlist" --out "$work/p5-classlists.json"
cp "$work/operator-c1.classlist" helm/images/flagstaff-operator.classlist
cp "$work/endpoint-c1.classlist" helm/images/flagstaff-slack-endpoint.classlist
wc -l helm/images/flagstaff-*.classlist
