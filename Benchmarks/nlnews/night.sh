#!/usr/bin/env bash
# A night on the real Dutch stream: a state holding everything before DAY, then DAY's items appended with
# --since-last (the append path), compared with a stateless full run over the same corpus. Prints the night's
# timings and how far its thread (and story) assignments of the new briefs agree with the full run's (B-cubed over
# the new briefs, each brief's cluster taken over all briefs of the history).
#   bash Benchmarks/nlnews/night.sh /work/nl/corpus.jsonl [DAY=2019-05-13] [WORK=/tmp/sc-night]
set -euo pipefail
corpus=${1:?usage: night.sh CORPUS.jsonl [DAY] [WORK]}
day=${2:-2019-05-13}
work=${3:-/tmp/sc-night}
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$root/.build/release/storycluster
[ -x "$bin" ] || (cd "$root" && swift build -c release --product storycluster)
rm -rf "$work"; mkdir -p "$work/c"
python3 - "$corpus" "$day" "$work" <<'PY'
import json, sys
corpus, day, work = sys.argv[1:]
with open(f"{work}/c/base.jsonl", "w") as base, open(f"{work}/night.jsonl", "w") as night:
    for line in open(corpus):
        t = json.loads(line).get("published", "")[:10]
        if t < day: base.write(line)
        elif t == day: night.write(line)
PY
echo "state before $day:"; /usr/bin/time -f "  %e s, %M KB" "$bin" run "$work/c" --state "$work/state.sqlite" -f json -o "$work/first.json"
cp "$work/night.jsonl" "$work/c/"
echo "night $day (append, --since-last):"; /usr/bin/time -f "  %e s, %M KB" "$bin" run "$work/c" --state "$work/state.sqlite" --since-last -f json -o "$work/night.json"
echo "stateless full run:"; /usr/bin/time -f "  %e s, %M KB" "$bin" run "$work/c" -f json -o "$work/full.json"
python3 - "$work" <<'PY'
import json, sqlite3, sys
from collections import defaultdict
work = sys.argv[1]
night = json.load(open(f"{work}/night.json"))
print("  timings:", {k: round(v, 2) for k, v in night["meta"]["timings"].items()})
run = night["run"]
print(f"  {len(run['new_stories'])} new stories, {len(run['new_threads'])} new threads, {len(run['grown_threads'])} threads grew")
full = json.load(open(f"{work}/full.json"))
new = {json.loads(l)["id"] for l in open(f"{work}/night.jsonl")}
db = sqlite3.connect(f"{work}/state.sqlite")
rows = db.execute("SELECT b.id, b.story, coalesce(s.thread, s.id) FROM briefs b JOIN stories s ON s.id = b.story").fetchall()
for level, k_state, k_full in (("stories", 1, "story"), ("threads", 2, "thread")):
    a = {r[0]: r[k_state] for r in rows}
    f = {b["id"]: b[k_full] for b in full["briefs"]}
    A, F = defaultdict(set), defaultdict(set)
    for b, c in a.items(): A[c].add(b)
    for b, c in f.items(): F[c].add(b)
    ids = [b for b in f if b.split("#")[-1] in new or b in new]
    P = R = 0.0
    for b in ids:
        x, y = A[a[b]], F[f[b]]
        P += len(x & y) / len(x); R += len(x & y) / len(y)
    P /= len(ids); R /= len(ids)
    print(f"  {level} of the {len(ids)} new briefs vs the full run: B3 P {P:.3f} R {R:.3f} F1 {2*P*R/(P+R):.3f}")
PY
