#!/usr/bin/env bash
# P3 — the Slack endpoint under load, against Bolt for Java in the same run.
#
#   benchmarks/run-p3.sh            # builds, runs (about 25 minutes), writes benchmarks/results/p3-load.json
#   P3_QUICK=1 benchmarks/run-p3.sh # a 2-minute smoke run of the same machinery (results not for quoting)
#   P3_TAIL=1 benchmarks/run-p3.sh  # issue 12's tail run: 2,000 and 8,000/s only, 3 rounds, no search (~8 min),
#                                   # writes p3-tail.json / .txt
# Extra arguments go to the driver (a later one overrides the script's).
#
# Starts Flagstaff's endpoint jar and the Bolt peer jar as two JVMs with the same flags, on loopback, then runs
# the open-loop driver (dev.flagstaff.bench.load.LoadDriver) against both, alternating between them. Flagstaff
# reads its flags from a file with the App Home flag OFF: the worker evaluates the flag and publishes nothing,
# so both servers do the acknowledgement path only (verify, parse, acknowledge). Everything stops by itself;
# the servers are stopped on exit. P3_JFR=1 records a JFR file of Flagstaff's endpoint into benchmarks/results/.
# Nothing is pinned: the driver shares the machine's cores with the two servers. On a shared machine each run
# first waits (at most 90 s) for a 2-second window where other processes use under P3_QUIET_BELOW cores (0.3),
# and reports the CPU other processes used during it ("other CPU"); a run during which they used more than
# P3_DISTURBED_ABOVE cores (0.5) is recorded as disturbed and repeated, at most 3 runs in all.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

FLAGSTAFF_PORT_=${P3_FLAGSTAFF_PORT:-18080}
MANAGEMENT_PORT_=${P3_MANAGEMENT_PORT:-19090}
BOLT_PORT_=${P3_BOLT_PORT:-13000}
SERVER_JVM=(-Xms512m -Xmx512m -Dfile.encoding=UTF-8)
export SLACK_SIGNING_SECRET=p3-benchmark-signing-secret-0123456789

if [[ "${P3_SKIP_BUILD:-}" != 1 ]]; then
  mvn -B -q -Pbenchmarks -pl slack-endpoint,benchmarks/bolt-peer,benchmarks/drivers -am package -DskipTests
fi

# GC logs: p3-{flagstaff,bolt}-gc.log for the full run, p3-tail-… and p3-quick-… for the others.
GC=p3$([[ "${P3_QUICK:-}" == 1 ]] && echo -quick || { [[ "${P3_TAIL:-}" == 1 ]] && echo -tail || true; })
JFR=()
if [[ "${P3_JFR:-}" == 1 ]]; then
  JFR=(-XX:StartFlightRecording=filename=$RESULTS/p3-flagstaff.jfr,settings=profile)
fi

# The pure acknowledgement path: flag off and no fallback view, so the worker makes no Web API call.
SLACK_BOT_TOKEN=xoxb-p3-unused FLAGSTAFF_HOME_FALLBACK=false \
  env "${ENDPOINT_ENV[@]}" FLAGSTAFF_PORT=$FLAGSTAFF_PORT_ FLAGSTAFF_MANAGEMENT_PORT=$MANAGEMENT_PORT_ \
  java "${SERVER_JVM[@]}" "${JFR[@]}" -Xlog:gc:file=$RESULTS/$GC-flagstaff-gc.log::filecount=0 \
  -jar slack-endpoint/target/flagstaff-slack-endpoint.jar > "$WORK/flagstaff.log" 2>&1 &
PIDS+=($!)
FLAGSTAFF_PID=$!
PORT=$BOLT_PORT_ java "${SERVER_JVM[@]}" -Xlog:gc:file=$RESULTS/$GC-bolt-gc.log::filecount=0 \
  -jar benchmarks/bolt-peer/target/bolt-peer.jar > "$WORK/bolt.log" 2>&1 &
PIDS+=($!)
BOLT_PID=$!

await_port "$FLAGSTAFF_PORT_"
await_port "$BOLT_PORT_"

PATH_=/api/v4/integrations/slack/events
if [[ "${P3_QUICK:-}" == 1 ]]; then
  ARGS=(--rates 500,2000 --duration 5 --rounds 1 --warmup 5 --search 4000 --search-duration 5 --search-steps 1
        --out "$RESULTS/p3-quick.json")
elif [[ "${P3_TAIL:-}" == 1 ]]; then
  ARGS=(--rates 2000,8000 --duration 20 --rounds 3 --warmup 20 --warmup-rate 2000 --search ""
        --out "$RESULTS/p3-tail.json")
else
  ARGS=(--rates 500,1000,2000,4000 --duration 20 --rounds 3 --warmup 30 --warmup-rate 1000
        --search 6000,8000,12000,16000,24000,32000 --search-duration 15 --search-steps 6
        --out "$RESULTS/p3-load.json")
fi

java -Xms256m -Xmx256m -cp benchmarks/drivers/target/drivers.jar dev.flagstaff.bench.load.LoadDriver \
  --target flagstaff=http://127.0.0.1:$FLAGSTAFF_PORT_$PATH_ \
  --target bolt=http://127.0.0.1:$BOLT_PORT_$PATH_ \
  --connections 64 --timeout-ms 3000 --p99-limit-ms 20 \
  --server-pids "$FLAGSTAFF_PID,$BOLT_PID" --quiet-below-cores "${P3_QUIET_BELOW:-0.3}" --quiet-wait-max 90 \
  --disturbed-above-cores "${P3_DISTURBED_ABOVE:-0.5}" --attempts 3 \
  "${ARGS[@]}" "$@" | tee "$WORK/driver.txt"

# A last full collection of each server, so its GC log accounts for every byte allocated during the run.
jcmd "$FLAGSTAFF_PID" GC.run > /dev/null
jcmd "$BOLT_PID" GC.run > /dev/null
sleep 1
SCHEDULED=$(grep '^Requests scheduled per target' "$WORK/driver.txt" || true)
{
  echo "# GC pauses (from -Xlog:gc): count, median and longest young pause; allocation over the whole run"
  echo "# (the sum, over the log's collections, of heap-before minus the previous heap-after), per request scheduled"
  for s in flagstaff bolt; do
    n=$(sed -n "s/.* $s=\([0-9]*\).*/\1/p" <<< "$SCHEDULED")
    awk -v s=$s -v n="${n:-0}" '
      /Pause Young/ { v=$NF; sub("ms","",v); y[++ny]=v+0; if (v+0>m) m=v+0 }
      /Pause/ { np++ }
      match($0, /[0-9]+M->[0-9]+M/) { split(substr($0, RSTART, RLENGTH), a, /M->|M/); alloc+=a[1]-prev; prev=a[2] }
      END {
        for (i = 2; i <= ny; i++) { v = y[i]; for (j = i - 1; j > 0 && y[j] > v; j--) y[j+1] = y[j]; y[j+1] = v }
        med = ny ? (ny % 2 ? y[(ny+1)/2] : (y[ny/2] + y[ny/2+1]) / 2) : 0
        printf "%s: %d pauses (%d young), young median %.1f ms, longest %.1f ms; allocated %d MB", s, np, ny, med, m, alloc
        if (n>0) printf ", %.1f KB per request (%d scheduled)", alloc*1024/n, n
        printf "\n" }' "$RESULTS/$GC-$s-gc.log"
  done
} | tee "$WORK/gc.txt"
NAME=$([[ "${P3_QUICK:-}" == 1 ]] && echo p3-quick || { [[ "${P3_TAIL:-}" == 1 ]] && echo p3-tail || echo p3-load; })
cat "$WORK/driver.txt" "$WORK/gc.txt" > "$RESULTS/$NAME.txt"
