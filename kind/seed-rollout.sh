#!/usr/bin/env bash
# Flagstaff on kind, for your own CI: creates a kind cluster, builds and loads the two images, installs the chart,
# then walks the seed rollout (examples/seed-rollout) with kubectl, checking each step's status and ConfigMap
# entry, and deletes the cluster. Needs Docker, kind, kubectl, helm, Java 17 and Maven.
# Flagstaff's own CI has no Docker and does not run this script (it runs the same walk on a real
# kube-apiserver + etcd on loopback: kube-tests/ChartOnRealServerIT).
#
#   kind/seed-rollout.sh            KEEP_CLUSTER=1 to keep the cluster afterwards
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cluster="${CLUSTER_NAME:-flagstaff}"
namespace=flagstaff
tag=0.1.0
flag=slack-events-app-home-opened
key=slack_events_app_home_opened

for tool in docker kind kubectl helm mvn; do
  command -v "$tool" >/dev/null 2>&1 || { echo "kind/seed-rollout.sh: $tool is required" >&2; exit 1; }
done

cleanup() {
  if [[ -z "${KEEP_CLUSTER:-}" ]]; then kind delete cluster --name "$cluster" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

(cd "$root" && mvn -B -q package -DskipTests)
docker build -q -t "flagstaff/operator:$tag" -f "$root/kind/operator.Dockerfile" "$root"
docker build -q -t "flagstaff/slack-endpoint:$tag" -f "$root/kind/slack-endpoint.Dockerfile" "$root"

kind create cluster --name "$cluster" --wait 120s
kind load docker-image --name "$cluster" "flagstaff/operator:$tag" "flagstaff/slack-endpoint:$tag"
kubectl create namespace "$namespace"
helm install flagstaff "$root/helm/flagstaff" -n "$namespace" --wait --timeout 180s \
  --set environment=production \
  --set slack.createSecret=true \
  --set slack.signingSecret="kind-$RANDOM$RANDOM" \
  --set slack.botToken=xoxb-not-a-real-token

expect() { # file state enabled
  kubectl -n "$namespace" apply -f "$root/examples/seed-rollout/$1"
  kubectl -n "$namespace" wait --for=condition=Ready --timeout=60s "ff/$flag"
  kubectl -n "$namespace" wait --for=jsonpath='{.status.state}'="$2" --timeout=60s "ff/$flag"
  local entry
  entry="$(kubectl -n "$namespace" get configmap feature-flags -o "jsonpath={.data.$key}")"
  [[ "$entry" == "{\"enabled\":$3"* ]] || { echo "step $1: ConfigMap entry is '$entry'" >&2; exit 1; }
  kubectl -n "$namespace" wait --for=condition=Propagated --timeout=60s "ff/$flag"
  echo "ok: $1 → $2"
}
expect 01-define.yaml Disabled false
expect 02-enable-non-production.yaml Disabled false
expect 03-production-10-percent.yaml "10% of time" true
expect 04-production-50-percent.yaml "50% of time" true
expect 05-enable-globally.yaml Enabled true
expect 06-rollback.yaml Disabled false
kubectl -n "$namespace" delete -f "$root/examples/seed-rollout/01-define.yaml" --wait --timeout=60s
if kubectl -n "$namespace" get configmap feature-flags -o "jsonpath={.data}" | grep -q "$key"; then
  echo "cleanup: the key is still in the ConfigMap" >&2; exit 1
fi
kubectl -n "$namespace" get ff
echo "ok: the seed rollout passed on kind"
