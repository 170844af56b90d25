#!/usr/bin/env bash
# Makes the AppCDS archives exactly as helm/images/*.Dockerfile make them (their archive RUN step, run here with
# /app and /tmp replaced by a local folder, as there is no container engine on the benchmark machine), next to
# copies of the jars (OPERATOR_JAR, ENDPOINT_JAR; default the built ones), so that run-p5.sh, which calls it,
# measures the archives the images ship:
#
#   benchmarks/p5-image-archives.sh DIR   # DIR/flagstaff-{operator,slack-endpoint}.{jar,jsa}
set -euo pipefail
cd "$(dirname "$0")/.."
dir="$(mkdir -p "$1" && cd "$1" && pwd)"
cp "${OPERATOR_JAR:-operator/target/flagstaff-operator.jar}" "$dir/flagstaff-operator.jar"
cp "${ENDPOINT_JAR:-slack-endpoint/target/flagstaff-slack-endpoint.jar}" "$dir/flagstaff-slack-endpoint.jar"
for image in operator slack-endpoint; do
  rm -f "$dir/flagstaff-$image.jsa"
  cp "helm/images/flagstaff-$image.classlist" "$dir/tmp-flagstaff-$image.classlist" # the Dockerfile's COPY
  # the RUN step that makes the archive, joined across its continuation lines
  step="$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "helm/images/$image.Dockerfile" | grep '^RUN .*SharedArchiveFile=/app')"
  [[ -n "$step" ]] || { echo "no archive RUN step in helm/images/$image.Dockerfile" >&2; exit 1; }
  step="${step#RUN }"
  step="${step//\/tmp\//$dir/tmp-}" # first, so that a DIR under /tmp is not rewritten again
  step="${step//\/app\//$dir/}"
  ( cd "$dir" && sh -c "$step" )
  [[ -f "$dir/flagstaff-$image.jsa" ]] || { echo "the archive step wrote no $dir/flagstaff-$image.jsa" >&2; exit 1; }
  ls -l "$dir/flagstaff-$image.jsa"
done
