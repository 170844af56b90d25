# Sourced by the run-p*.sh scripts that start the servers under test themselves (run-p3.sh, run-p6.sh):
#   - the repository root as the working directory, ROOT, and RESULTS (benchmarks/results, created);
#   - WORK, a scratch folder removed on exit, after every process whose pid the script added to PIDS is stopped;
#   - $WORK/flags.json, the endpoint's flags file with the App Home flag off (the acknowledgement path only);
#   - ENDPOINT_ENV, the endpoint's environment for that path (put before the ports: env "${ENDPOINT_ENV[@]}" ...);
#   - await_port PORT: waits (at most 20 s) until something listens on 127.0.0.1:PORT.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
RESULTS=$ROOT/benchmarks/results
mkdir -p "$RESULTS"

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

echo '{"slack_events_app_home_opened": {"enabled": false}}' > "$WORK/flags.json"
# Slack's Web API on a port where nothing answers: no Web API server shares the machine with the one measured.
ENDPOINT_ENV=(SLACK_API_URL=http://127.0.0.1:9/api/ FLAGSTAFF_FLAGS_FILE="$WORK/flags.json"
  FLAGSTAFF_BIND_ADDRESS=127.0.0.1 FLAGSTAFF_LOG_LEVEL=WARN)

await_port() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.2
  done
  return 0 # as before: the driver's first requests say it if the server never came up
}
