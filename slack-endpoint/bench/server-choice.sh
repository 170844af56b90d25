#!/usr/bin/env bash
# Measures Jetty 12 (core Handler) against the JDK HttpServer on loopback with wrk: same work per request
# (read ~500 B body, HMAC-SHA256 via the Slack SDK, constant-time compare, small JSON answer). Bounded: each
# run is a 5 s warm-up then a 10 s measurement. Needs `apt-get install wrk` and `mvn -pl slack-endpoint test-compile`.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt -Dmdep.includeScope=test
CP="target/test-classes:target/classes:$(cat target/bench-cp.txt)"
BODY='{"token":"x","team_id":"T1","api_app_id":"A1","event":{"type":"app_home_opened","user":"U1","channel":"D1","tab":"home","event_ts":"1700000000.000100"},"type":"event_callback","event_id":"Ev0000001","event_time":1700000000}'
TS=1700000000
SIG="v0=$(printf 'v0:%s:%s' "$TS" "$BODY" | openssl dgst -sha256 -hmac bench-secret | sed 's/^.* //')"
cat > target/post.lua <<LUA
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Slack-Request-Timestamp"] = "$TS"
wrk.headers["X-Slack-Signature"] = "$SIG"
LUA
for impl in jetty jdk jdk-nodelay; do
  java -Xmx512m -Dsun.net.httpserver.nodelay=$([ "$impl" = jdk-nodelay ] && echo true || echo false) -cp "$CP" dev.flagstaff.endpoint.bench.ServerChoiceBench "${impl%-nodelay}" 18089 & PID=$!
  for _ in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:18089/ && break; sleep 0.2; done
  wrk -t2 -c32 -d5s -s target/post.lua http://127.0.0.1:18089/ > /dev/null
  echo "== $impl"
  wrk -t2 -c32 -d10s --latency -s target/post.lua http://127.0.0.1:18089/ | grep -E 'Requests/sec|50%|99%|Non-2xx|Socket errors'
  kill "$PID"; wait "$PID" 2>/dev/null || true
done
