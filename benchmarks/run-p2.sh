#!/usr/bin/env bash
# P2 — propagation (issue 12, item 5): API write of a FeatureFlag change → (a) the endpoint's /flags/{key} decision
# flipped and (b) the next App Home visit's views.publish carrying the fallback view, 200 flips per mode, across real
# processes on loopback: a real kube-apiserver 1.37.2 + etcd (testkit RealApiServer; build the binaries once with
# testkit/kube/build.sh), the operator and endpoint jars as their own JVMs and ServiceAccounts, the Slack Web API as
# testkit SlackApiStub. Modes (--modes a,b,...):
#   api-shipped          the jars with no JVM flags; the decision polled over one kept-alive socket every 0.5 ms
#   api-shipped-jdkpoll  the same, polled with java.net.http back to back, as runs 1 and 2 measured
#   api-chart            the jars with the Helm chart's JVM flags (SerialGC, C1 only, heap half the chart's limit, 1 CPU)
#   api-chart-http11     the same, Fabric8's client on HTTP/1.1 instead of HTTP/2
#   api-trace            api-chart with µs log lines of each step and GC logs: where each flip's time goes
#   api-home             api-chart with signed app_home_opened visits every 10 ms (--visit-period-us), item 5 (b)
#   file                 no API: the endpoint reading a kubelet-style mounted directory (250 ms poll)
# Every API mode splits each flip into steps from the audit log's µs timestamps (p2-flips-steps.csv); `--audit false`
# runs the API server without an audit log (its default), and then without the split. Each mode
# reports the CPU other processes used while it ran.
#
#   benchmarks/run-p2.sh                 # builds, runs (about 9 minutes), writes benchmarks/results/p2-*.json|csv
#   P2_SKIP_BUILD=1 benchmarks/run-p2.sh --flips 20 --warmup 4   # extra arguments go to the driver
#
# OPERATOR_JAR / ENDPOINT_JAR choose other jars (default: the ones the root build makes). Everything stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${P2_SKIP_BUILD:-}" != 1 ]]; then
  mvn -B -q -pl operator,slack-endpoint -am package -DskipTests
  mvn -B -q -Pbenchmarks -pl benchmarks/ops -am package -DskipTests
fi
exec java -Xmx1g -Dsun.net.httpserver.nodelay=true -cp benchmarks/ops/target/ops.jar dev.flagstaff.bench.ops.P2Propagation \
  --operator-jar "${OPERATOR_JAR:-operator/target/flagstaff-operator.jar}" \
  --endpoint-jar "${ENDPOINT_JAR:-slack-endpoint/target/flagstaff-slack-endpoint.jar}" \
  --out benchmarks/results/p2-propagation.json --csv benchmarks/results/p2-flips.csv "$@"
