#!/usr/bin/env bash
# Installs kubectl flagstaff: builds the plugin's jar and puts it, with its launcher kubectl-flagstaff, in DIR
# (default ~/.local/bin, which must be on your PATH for kubectl to find the plugin).
#
#   chatops/install.sh [DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-$HOME/.local/bin}"
command -v java >/dev/null 2>&1 || { echo "install: Java 17 or newer is required (java not found)" >&2; exit 1; }
command -v mvn >/dev/null 2>&1 || { echo "install: Maven is required to build (mvn not found)" >&2; exit 1; }
echo "install: building the plugin (mvn package, tests skipped)..." >&2
(cd "$root" && mvn -B -q -pl chatops -am package -Dmaven.test.skip=true) >&2
mkdir -p "$dir"
install -m 0644 "$root/chatops/target/kubectl-flagstaff.jar" "$dir/kubectl-flagstaff.jar"
install -m 0755 "$root/chatops/bin/kubectl-flagstaff" "$dir/kubectl-flagstaff"
echo "install: $dir/kubectl-flagstaff" >&2
case ":$PATH:" in
  *":$dir:"*) echo "install: try: kubectl flagstaff list" >&2 ;;
  *) echo "install: $dir is not on your PATH: add it (export PATH=\"$dir:\$PATH\"), then: kubectl flagstaff list" >&2 ;;
esac
