#!/usr/bin/env bash
# Story quality and speed on the real Dutch stream (nl-news-2019) and the curated sets, in one run.
#
#   bash Benchmarks/nlnews/run.sh CORPUS.jsonl [LABELS_DIR] [-- extra storycluster flags]
#
# CORPUS.jsonl is the stream rebuilt by ../shared/data/nl-news-2019/build_corpus.py (never committed: the texts
# belong to their publishers); LABELS_DIR holds labels-day-2019-05-12.jsonl, labels-middle-east-apr-jun.jsonl and
# score.py (default ../shared/data/nl-news-2019). Needs a release build (bash .ci/quickstart). Prints one line per
# measurement: event and thread B-cubed for the day alone, the day inside the stream, the Middle East items inside
# the stream (the stories, then the report's threads), ECB+ and UCI (eval; UCI also at the thread level), the stream run's wall time and scikit-learn's TfidfVectorizer on the same file.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
corpus="${1:?usage: run.sh CORPUS.jsonl [LABELS_DIR] [-- flags]}"; shift
labels="$root/../shared/data/nl-news-2019"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then labels="$1"; shift; fi
[ "${1:-}" = "--" ] && shift
flags=("$@")
bin="${STORYCLUSTER:-$root/.build/release/storycluster}"
[ -x "$bin" ] || { echo "no storycluster binary at $bin (bash .ci/quickstart)" >&2; exit 1; }
out="${OUT:-$(mktemp -d)}"; mkdir -p "$out"
day="$labels/labels-day-2019-05-12.jsonl"; me="$labels/labels-middle-east-apr-jun.jsonl"

# The day alone: every item of 12 May 2019 (the labels list them all).
python3 - "$corpus" "$day" "$out/day.jsonl" <<'PY'
import json, sys
ids = {json.loads(l)["id"] for l in open(sys.argv[2]) if l.strip()}
with open(sys.argv[3], "w") as w:
    for l in open(sys.argv[1]):
        if json.loads(l)["id"] in ids: w.write(l)
PY

score() { python3 "$labels/score.py" "$1" "$2" | python3 -c "import json,sys; d=json.load(sys.stdin); print('event B3 P/R/F1 %.3f/%.3f/%.3f  thread %.3f/%.3f/%.3f' % tuple(d[l][k] for l in ('event','thread') for k in ('b3_p','b3_r','b3_f1')))"; }
# The report's threads against the thread labels (and, for the Middle East, how the Gulf crisis spreads over them).
threads() { python3 "$labels/score.py" --pred threads "$@" | python3 -c "
import json,sys; d=json.load(sys.stdin); t=d['thread']; g=d.get('th:gulf-crisis-2019')
print('threads: thread B3 P/R/F1 %.3f/%.3f/%.3f' % (t['b3_p'], t['b3_r'], t['b3_f1']) + ('  gulf crisis: largest thread %.3f of its items, purity %.3f' % (g['largest_share'], g['largest_purity']) if g else ''))"; }

"$bin" run "$out/day.jsonl" --format json -o "$out/day.json" -q "${flags[@]}" || true
echo "day alone (751):          $(score "$out/day.json" "$day")"
start=$(date +%s.%N)
"$bin" run "$corpus" --format json -o "$out/stream.json" -q "${flags[@]}" || true
stream_s=$(python3 -c "import time; print('%.1f' % (time.time() - $start))")
echo "day inside the stream:    $(score "$out/stream.json" "$day")"
echo "                          $(threads "$out/stream.json" "$day")"
echo "Middle East in the stream: $(score "$out/stream.json" "$me")"
echo "                          $(threads "$out/stream.json" "$me" th:gulf-crisis-2019)"
python3 - "$out/stream.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); s = d["stories"]
sizes = sorted((len(x["briefs"]) for x in s), reverse=True)
print("stream: %d briefs, %d stories, %d singletons, largest %s" % (d["meta"]["counts"]["briefs"], len(s), sum(1 for x in sizes if x == 1), sizes[:8]))
PY
for set in ecbplus uci-news-dev; do
  printf '%-26s' "$set:"; "$bin" eval "$root/Data/$set/corpus.jsonl" --labels "$root/Data/$set/labels.jsonl" "${flags[@]}" | sed -n 2p
done
printf '%-26s' "uci-news-dev threads:"; "$bin" eval "$root/Data/uci-news-dev/corpus.jsonl" --labels "$root/Data/uci-news-dev/labels.jsonl" --level thread "${flags[@]}" | sed -n 2p
echo "stream run: $stream_s s (timings: $(python3 -c "import json; t=json.load(open('$out/stream.json'))['meta']['timings']; print(', '.join('%s %.1f' % kv for kv in t.items()))"))"
if [ -z "${SKIP_SKLEARN:-}" ]; then
  venv="$root/Benchmarks/peers/.venv"
  [ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" -q install -r "$root/Benchmarks/peers/requirements.txt"; }
  "$venv/bin/python" - "$corpus" <<'PY'
import json, sys, time
from sklearn.feature_extraction.text import TfidfVectorizer
t = time.time(); docs = [json.loads(l)["text"] for l in open(sys.argv[1])]; read = time.time() - t
t = time.time(); TfidfVectorizer(sublinear_tf=True).fit_transform(docs); fit = time.time() - t
print("scikit-learn TfidfVectorizer(sublinear_tf=True).fit_transform: %.1f s (+ %.1f s reading JSON)" % (fit, read))
PY
fi
echo "reports in $out"
