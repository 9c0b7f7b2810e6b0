#!/usr/bin/env bash
# Side-by-side peer benchmark: venv + corpus (if missing) + peers.py.
#   Benchmarks/peers/run.sh [--docs N] [--seed S] [peers.py options...]
# e.g. run.sh --docs 10000 --with-sklearn --storycluster /path/to/storycluster
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
docs=100000
seed=42
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --docs) docs="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
py="$here/.venv/bin/python"
if [ ! -x "$py" ]; then
  python3 -m venv "$here/.venv"
fi
stamp="$here/.venv/.requirements.sha256"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  "$py" -m pip install -q -r "$here/requirements.txt"
  echo "$want" > "$stamp"
fi
out="$here/out"
if [ "$docs" != 100000 ] || [ "$seed" != 42 ]; then
  out="$here/out/d${docs}-s${seed}"
fi
if [ ! -s "$out/corpus.jsonl" ] || [ ! -s "$out/labels.jsonl" ]; then
  mkdir -p "$out"
  python3 "$here/generate.py" --docs "$docs" --seed "$seed" --out "$out"
fi
exec "$py" "$here/peers.py" --corpus "$out/corpus.jsonl" "${args[@]+"${args[@]}"}"
