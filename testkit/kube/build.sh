#!/usr/bin/env bash
# Builds the real Kubernetes binaries Flagstaff's real-API-server tests and `./flagstaff up` use:
# kube-apiserver, etcd and kubectl (from this Go module) and helm (go install), into
#   ${FLAGSTAFF_KUBE_ASSETS:-$HOME/.kubeapitest/k8s/<version>-linux-amd64}
# which is where Fabric8's kube-api-test looks for them. A no-op when they are already there.
# Existing binaries are accepted instead: KUBEBUILDER_ASSETS (controller-runtime envtest) or any
# ~/.kubeapitest/k8s/<version>-linux-amd64/ holding kube-apiserver, etcd and kubectl.
#
#   testkit/kube/build.sh           build if missing, print the folder on stdout
#   testkit/kube/build.sh --find    print the folder if binaries exist, exit 1 otherwise (never builds)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="$(sed -n 's/^\s*k8s.io\/kubernetes v\([0-9.]*\)$/\1/p' "$here/go.mod" | head -1)"
helm_version="v3.22.0"
minor="${version#*.}"; minor="${minor%%.*}"

complete() { [[ -x "$1/kube-apiserver" && -x "$1/etcd" && -x "$1/kubectl" ]]; }
log() { echo "kube-build: $*" >&2; }

find_assets() {
  if [[ -n "${FLAGSTAFF_KUBE_ASSETS:-}" ]] && complete "$FLAGSTAFF_KUBE_ASSETS"; then echo "$FLAGSTAFF_KUBE_ASSETS"; return 0; fi
  if [[ -n "${KUBEBUILDER_ASSETS:-}" ]] && complete "$KUBEBUILDER_ASSETS"; then echo "$KUBEBUILDER_ASSETS"; return 0; fi
  local d best=""
  for d in "$HOME"/.kubeapitest/k8s/*-linux-amd64; do
    complete "$d" && best="$d"   # glob order: the last is the newest of equal-length names
  done
  [[ -n "$best" ]] && { echo "$best"; return 0; }
  return 1
}

if [[ "${1:-}" == "--find" ]]; then find_assets; exit $?; fi

export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin"
out="${FLAGSTAFF_KUBE_ASSETS:-$HOME/.kubeapitest/k8s/$version-linux-amd64}"
start=$SECONDS
if ! assets="$(find_assets)"; then
  command -v go >/dev/null 2>&1 || { log "Go is needed to build the Kubernetes binaries (go not found); or set KUBEBUILDER_ASSETS to a folder with kube-apiserver, etcd and kubectl"; exit 1; }
  mkdir -p "$out"
  cd "$here"
  ldflags="-s -w -X k8s.io/component-base/version.gitVersion=v$version -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
  for b in kube-apiserver etcd kubectl; do
    if [[ ! -x "$out/$b" ]]; then
      log "building $b v$version (the first build takes a while; see README)"
      CGO_ENABLED=0 go build -mod=readonly -trimpath -ldflags "$ldflags" -o "$out/$b.tmp" "./cmd/$b"
      mv "$out/$b.tmp" "$out/$b"
    fi
  done
  assets="$out"
fi
# helm, for the chart tests: beside the others, else on the PATH, else installed beside the others.
if [[ ! -x "$assets/helm" ]] && ! command -v helm >/dev/null 2>&1; then
  command -v go >/dev/null 2>&1 || { log "helm not found and Go is not there to install it"; exit 1; }
  log "installing helm $helm_version"
  tmp="$(mktemp -d)"
  CGO_ENABLED=0 GOBIN="$tmp" go install -trimpath -ldflags "-s -w" "helm.sh/helm/v3/cmd/helm@$helm_version"
  mv "$tmp/helm" "$assets/helm"; rmdir "$tmp"
fi
(( SECONDS - start > 1 )) && log "binaries in $assets ($((SECONDS - start)) s)"
echo "$assets"
