#!/usr/bin/env bash
# Nightly-run benchmark (issue 6): a generated corpus split into 100 files; a first run with --state on 99 of them,
# then the 100th arrives and the nightly run places it, then the same run once more unchanged, then a stateless
# full run over all 100 files for comparison. Prints one Markdown table (wall, peak RSS, stage seconds).
#   Benchmarks/nightly.sh [--docs N] [--seed S] [--storycluster PATH] [--work DIR] [--reuse-first]
# --reuse-first: start from the state the last first run in DIR saved (state-first.sqlite), skipping that run (245 s
# at 1M); its row in the table is the saved one.
# Release build first: bash .ci/quickstart (swift build -c release --static-swift-stdlib --product storycluster)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
docs=100000
seed=42
bin="$here/../.build/release/storycluster"
work=""
reuse_first=0
while [ $# -gt 0 ]; do
  case "$1" in
    --docs) docs="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --storycluster) bin="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --reuse-first) reuse_first=1; shift ;;
    *) echo "unknown option $1" >&2; exit 64 ;;
  esac
done
[ -x "$bin" ] || { echo "no storycluster binary at $bin (swift build -c release --static-swift-stdlib --product storycluster)" >&2; exit 1; }
corpus="$here/peers/out/d${docs}-s${seed}/corpus.jsonl"
[ "$docs" = 100000 ] && [ "$seed" = 42 ] && corpus="$here/peers/out/corpus.jsonl"
if [ ! -f "$corpus" ]; then
  python3 "$here/peers/generate.py" --docs "$docs" --seed "$seed" --out "$(dirname "$corpus")"
fi
work="${work:-$(mktemp -d /tmp/storycluster-nightly-XXXXXX)}"
[ "$reuse_first" = 1 ] && [ ! -f "${work:-/nonexistent}/state-first.sqlite" ] && { echo "--reuse-first: no $work/state-first.sqlite" >&2; exit 1; }
rm -rf "$work/corpus" "$work/hold" "$work"/state.sqlite "$work"/state.sqlite-* "$work"/state.sqlite.lock
mkdir -p "$work/corpus" "$work/hold"
lines=$(( (docs + 99) / 100 ))
split -l "$lines" -d -a 3 --additional-suffix=.jsonl "$corpus" "$work/corpus/part-"
last="$(ls "$work/corpus" | sort | tail -1)"
mv "$work/corpus/$last" "$work/hold/"

# run NAME ARGS...: times one storycluster run and keeps its JSON report as NAME.json
run() {
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -o "$work/$name.time" "$bin" run "$work/corpus" "$@" -q --format json -o "$work/$name.json"
}
if [ "$reuse_first" = 1 ]; then
  cp "$work/state-first.sqlite" "$work/state.sqlite"
else
  run first --state "$work/state.sqlite"
  cp "$work/state.sqlite" "$work/state-first.sqlite"
fi
mv "$work/hold/$last" "$work/corpus/"
run nightly --state "$work/state.sqlite" --since-last
run unchanged --state "$work/state.sqlite" --since-last
run stateless

python3 - "$work" "$docs" <<'EOF'
import json, os, sys
work, docs = sys.argv[1], int(sys.argv[2])
rows = [("first", "first run on 99% of the briefs (full clustering, writes the state)"),
        ("nightly", "nightly run adding the last 1% (incremental)"),
        ("unchanged", "the same run once more, nothing new"),
        ("stateless", "stateless full run over all briefs")]
print(f"{docs:,} generated briefs in 100 files; work folder {work}\n")
print("| run | wall s | peak RSS MiB | new briefs | stage seconds |")
print("|---|---:|---:|---:|---|")
for name, what in rows:
    wall, kb = open(os.path.join(work, name + ".time")).read().split()[-2:]
    report = json.load(open(os.path.join(work, name + ".json")))
    stages = ", ".join(f"{k} {v:.2f}" for k, v in report["meta"]["timings"].items())
    new = report.get("run", {}).get("new_briefs", "")
    new = len(new) if isinstance(new, list) else new
    print(f"| {what} | {float(wall):.2f} | {int(kb) / 1024:,.0f} | {new} | {stages} |")
walls = {name: float(open(os.path.join(work, name + ".time")).read().split()[-2]) for name, _ in rows}
night = json.load(open(os.path.join(work, "nightly.json"))).get("run", {})
print(f"\nnightly path: {night.get('path')}" + (f" ({night.get('full_path_reason')})" if night.get("full_path_reason") else "")
      + f", story placement: {night.get('story_placement')}")
print(f"nightly / stateless wall: {walls['nightly'] / walls['stateless']:.3f} (target < 0.05)")
state = os.path.join(work, "state.sqlite")
size = os.path.getsize(state)
print(f"\nstate file: {size / 1e6:,.1f} MB, {size / docs / 1000:.2f} KB per brief")
EOF
