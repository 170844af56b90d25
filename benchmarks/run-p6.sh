#!/usr/bin/env bash
# P6 — slow clients: signed events acknowledged while 200 connections trickle their bodies.
#
#   benchmarks/run-p6.sh                 # builds, runs (about 35 s), writes benchmarks/results/p6-slow-clients-3s.txt
#   P6_DEADLINE=60s benchmarks/run-p6.sh # the same 200 connections stay open for the whole run
#
# Starts the endpoint jar on loopback (flags from a file, App Home flag off: the acknowledgement path only) and runs
# dev.flagstaff.bench.load.SlowClientsDriver against it: a 5 s warm-up, 10 s of signed events at 200/s alone, then
# 10 s of the same with 200 trickling connections. With the default request deadline (3s) the slow connections are
# answered 408 and replaced all along. Everything stops by itself; the server is stopped on exit.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
PORT_=${P6_PORT:-18081}
MANAGEMENT_PORT_=${P6_MANAGEMENT_PORT:-19091}
export SLACK_SIGNING_SECRET=p6-benchmark-signing-secret-0123456789

if [[ "${P6_SKIP_BUILD:-}" != 1 ]]; then
  mvn -B -q -Pbenchmarks -pl slack-endpoint,benchmarks/drivers -am package -DskipTests
fi

: > "$WORK/out.txt"
for deadline in "${P6_DEADLINE:-3s}"; do
  SLACK_BOT_TOKEN=xoxb-p6-unused FLAGSTAFF_REQUEST_DEADLINE=$deadline \
    env "${ENDPOINT_ENV[@]}" FLAGSTAFF_PORT=$PORT_ FLAGSTAFF_MANAGEMENT_PORT=$MANAGEMENT_PORT_ \
    java -Xms256m -Xmx256m -jar slack-endpoint/target/flagstaff-slack-endpoint.jar > "$WORK/endpoint.log" 2>&1 &
  PID=$!
  PIDS=("$PID")
  await_port "$PORT_"
  echo "## FLAGSTAFF_REQUEST_DEADLINE=$deadline" | tee -a "$WORK/out.txt"
  java -Xmx256m -cp benchmarks/drivers/target/drivers.jar dev.flagstaff.bench.load.SlowClientsDriver \
    --target "http://127.0.0.1:$PORT_/api/v4/integrations/slack/events" --slow 200 --rate 200 --duration 10 \
    --server-pids "$PID" --quiet-below-cores "${P6_QUIET_BELOW:-0.5}" --quiet-wait-max 10 \
    "$@" | tee -a "$WORK/out.txt"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PIDS=()
done
cp "$WORK/out.txt" "$RESULTS/p6-slow-clients-${P6_DEADLINE:-3s}.txt"
