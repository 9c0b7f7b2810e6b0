#!/usr/bin/env python3
"""Run storycluster and its Python peers side by side on one generated corpus
and print one comparison table (also written as Markdown).

    python3 peers.py [--corpus out/corpus.jsonl] [--labels out/labels.jsonl]
                     [--storycluster ../../.build/release/storycluster]
                     [--tools a,b,...] [--with-sklearn] [--md out/peers-table.md]

Run with the system python3 it creates ./.venv (next to this file), installs
requirements.txt into it when missing or changed, and re-executes itself
there.  Each tool runs in its own child process, one after the other; the
parent measures the child's peak RSS (ru_maxrss from os.wait4 on that child)
and CPU time (user+sys).

Rows (all at threshold 0.8, 128 permutations)
---------------------------------------------
storycluster        `storycluster dedup CORPUS --threshold 0.8 --format json`;
                    wall = whole process (spawn to exit), incl. JSON parsing.
datasketch (text)   timed: Python shingling of the texts + MinHash.bulk
                    (num_perm=128) + MinHashLSH(threshold=0.8, num_perm=128)
                    insert (insertion_session) + query of every doc + filter of
                    candidates by MinHash.jaccard >= 0.8.
datasketch (shingles)  the same, shingles prepared before the timer starts.
rensa (text)        timed: Python shingling + RMinHash.from_token_sets
                    + RMinHashLSH(0.8, 128, bands).insert_many + query_all
                    + filter of candidates by RMinHash.jaccard >= 0.8.
rensa (shingles)    the same, shingles prepared before the timer.
rensa signatures    RMinHash.digest_matrix_from_token_sets on prepared
                    shingles only (signature step alone; no LSH, no pairs).
rensa flags         digest_matrix_from_token_sets + RMinHashLSH
                    .query_duplicate_flags_matrix_one_shot on prepared
                    shingles: rensa's fastest batch path; it returns one
                    duplicate flag per document, not pairs, so pair recall /
                    precision do not apply (doc-level figures are footnoted).
sklearn tf-idf      (--with-sklearn) story-clustering peer, not dedup:
                    TfidfVectorizer(sublinear_tf=True).fit_transform(texts),
                    then top-10 neighbours per row via linear_kernel on blocks
                    of 1000 rows + argpartition.  Quality: precision@10 of
                    neighbours sharing the doc's story label.

For the Python rows the timer starts after the JSON Lines file is parsed
(parse time is footnoted); the child's interpreter start-up is not timed.
Peak RSS is the whole child's, so it includes the parsed corpus (and the
prepared shingles where they are the input).  docs/s = documents / wall s.
rensa's batch calls may use several threads (Rayon); compare cpu s.

Shingling (the same everywhere): lowercase, split on non-alphanumerics
(regex [\\W_]+), word 3-grams joined by a space, UTF-8 bytes, as a set.  A text
of fewer than 3 words gives one shingle of all its words.

Quality
-------
Family pairs: all pairs of documents with the same `dup` label (planted
duplicate family: the original and its copies).
Gold pairs: family pairs whose *true* Jaccard of their shingle sets is >= the
threshold.
Reported pairs: storycluster -- every pair of members inside each reported
duplicate group; MinHash peers -- every LSH candidate pair (i, j), i != j,
whose own MinHash estimate is >= the threshold (the standard query+verify
step of a dedup tool).
recall    = |reported & gold| / |gold|
precision = |reported pairs that are family pairs| / |reported|
            (a reported pair inside a planted family counts as correct even
            when its true Jaccard is below the threshold)
The footnote also gives recall over all family pairs, for information.
ratio     = storycluster docs/s / tool docs/s  (>1: storycluster is faster).
"""

from __future__ import annotations

import argparse
import array
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(HERE, ".venv")
REQS = os.path.join(HERE, "requirements.txt")

TOOLS = ["storycluster", "storycluster-run", "datasketch-text", "datasketch-shingles", "rensa-text",
         "rensa-shingles", "rensa-sig", "rensa-flags"]
LABEL = {
    "storycluster": "storycluster (whole process)",
    "storycluster-run": "storycluster run: dedup + stories (whole process)",
    "datasketch-text": "datasketch MinHash.bulk+LSH (text)",
    "datasketch-shingles": "datasketch MinHash.bulk+LSH (shingles)",
    "rensa-text": "rensa RMinHash+LSH (text)",
    "rensa-shingles": "rensa RMinHash+LSH (shingles)",
    "rensa-sig": "rensa digest_matrix only (shingles)",
    "rensa-flags": "rensa matrix+one-shot flags (shingles)",
    "sklearn": "sklearn tf-idf + top-10 linear_kernel",
}


# --------------------------------------------------------------------- venv
def ensure_venv(argv):
    """Create .venv, install requirements when changed, re-exec inside it."""
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    py = os.path.join(VENV, "bin", "python")
    if not os.path.exists(py):
        print("creating %s" % VENV, file=sys.stderr)
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
    stamp = os.path.join(VENV, ".requirements.sha256")
    want = hashlib.sha256(open(REQS, "rb").read()).hexdigest()
    have = open(stamp).read().strip() if os.path.exists(stamp) else ""
    if want != have:
        print("installing %s into %s" % (REQS, VENV), file=sys.stderr)
        subprocess.check_call([py, "-m", "pip", "install", "-q", "-r", REQS])
        with open(stamp, "w") as f:
            f.write(want + "\n")
    os.execv(py, [py, os.path.abspath(__file__)] + argv)


# --------------------------------------------------------------------- shared
_split = re.compile(r"[\W_]+").split


def shingles(text: str) -> list:
    """Word 3-shingles as a deduplicated list of UTF-8 bytes."""
    w = [t for t in _split(text.lower()) if t]
    if len(w) < 3:
        return [" ".join(w).encode()] if w else []
    return list({("%s %s %s" % x).encode() for x in zip(w, w[1:], w[2:])})


def load_texts(path):
    texts = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            texts.append(json.loads(line)["text"])
    return texts


# --------------------------------------------------------------------- workers
def worker(a):
    t0 = time.perf_counter()
    texts = load_texts(a.corpus)
    n = len(texts)
    load_s = time.perf_counter() - t0
    thr, perm = a.threshold, a.num_perm
    prep_s = 0.0
    prepared = None
    if a.worker.endswith("-shingles") or a.worker in ("rensa-sig", "rensa-flags"):
        t1 = time.perf_counter()
        prepared = [shingles(t) for t in texts]
        prep_s = time.perf_counter() - t1
    pairs = array.array("q")
    extra = {}
    out_extra = None

    if a.worker.startswith("datasketch"):
        from datasketch import MinHash, MinHashLSH
        start, cstart = time.perf_counter(), time.process_time()
        sets = prepared if prepared is not None else [shingles(t) for t in texts]
        mhs = MinHash.bulk(sets, num_perm=perm)
        lsh = MinHashLSH(threshold=thr, num_perm=perm)
        with lsh.insertion_session() as s:
            for i, m in enumerate(mhs):
                s.insert(i, m, check_duplication=False)
        cand = 0
        for i, m in enumerate(mhs):
            for j in lsh.query(m):
                if j > i:
                    cand += 1
                    if m.jaccard(mhs[j]) >= thr:
                        pairs.append(i)
                        pairs.append(j)
        wall, cpu = time.perf_counter() - start, time.process_time() - cstart
        extra = {"lsh_b_r": [lsh.b, lsh.r], "candidates": cand}

    elif a.worker in ("rensa-text", "rensa-shingles"):
        from rensa import RMinHash, RMinHashLSH
        start, cstart = time.perf_counter(), time.process_time()
        sets = prepared if prepared is not None else [shingles(t) for t in texts]
        mhs = RMinHash.from_token_sets(sets, perm, a.seed)
        lsh = RMinHashLSH(thr, perm, a.rensa_bands)
        lsh.insert_many(mhs)
        cand = 0
        for i, cs in enumerate(lsh.query_all(mhs)):
            m = mhs[i]
            for j in cs:
                if j > i:
                    cand += 1
                    if m.jaccard(mhs[j]) >= thr:
                        pairs.append(i)
                        pairs.append(j)
        wall, cpu = time.perf_counter() - start, time.process_time() - cstart
        extra = {"bands": a.rensa_bands, "candidates": cand}

    elif a.worker == "rensa-sig":
        from rensa import RMinHash
        start, cstart = time.perf_counter(), time.process_time()
        mat = RMinHash.digest_matrix_from_token_sets(prepared, perm, a.seed)
        wall, cpu = time.perf_counter() - start, time.process_time() - cstart
        extra = {"rows": mat.len()}

    elif a.worker == "rensa-flags":
        from rensa import RMinHash, RMinHashLSH
        start, cstart = time.perf_counter(), time.process_time()
        mat = RMinHash.digest_matrix_from_token_sets(prepared, perm, a.seed)
        lsh = RMinHashLSH(thr, perm, a.rensa_bands)
        flags = lsh.query_duplicate_flags_matrix_one_shot(mat)
        wall, cpu = time.perf_counter() - start, time.process_time() - cstart
        extra = {"bands": a.rensa_bands, "flagged": sum(flags)}
        out_extra = array.array("b", [1 if f else 0 for f in flags])

    elif a.worker == "sklearn":
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.metrics.pairwise import linear_kernel
        k, block = a.sk_topk, a.sk_block
        start, cstart = time.perf_counter(), time.process_time()
        X = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
        nbrs = np.empty((n, k), dtype=np.int64)
        for lo in range(0, n, block):
            hi = min(n, lo + block)
            S = linear_kernel(X[lo:hi], X)
            S[np.arange(hi - lo), np.arange(lo, hi)] = -np.inf  # not yourself
            kk = min(k, n - 1)
            nbrs[lo:hi, :kk] = np.argpartition(-S, kk - 1, axis=1)[:, :kk]
            del S
        wall, cpu = time.perf_counter() - start, time.process_time() - cstart
        extra = {"vocab": X.shape[1], "k": k, "block": block}
        out_extra = array.array("q", nbrs[:, :min(k, n - 1)].ravel().tolist())
    else:
        raise SystemExit("unknown worker %s" % a.worker)

    with open(a.result + ".pairs", "wb") as f:
        pairs.tofile(f)
    if out_extra is not None:
        with open(a.result + ".extra", "wb") as f:
            out_extra.tofile(f)
    with open(a.result, "w") as f:
        json.dump({"n": n, "wall": wall, "cpu": cpu, "load_s": load_s, "prep_s": prep_s,
                   "pairs": len(pairs) // 2, "extra": extra}, f)


# --------------------------------------------------------------------- gold
class Gold:
    def __init__(self, corpus, labels, threshold):
        t0 = time.perf_counter()
        self.ids, fam_of, self.story = [], [], []
        fam_index = {}
        with open(labels, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                self.ids.append(r["id"])
                fam_of.append(fam_index.setdefault(r["dup"], len(fam_index)))
                self.story.append(r["story"])
        self.n = len(self.ids)
        self.index = {d: i for i, d in enumerate(self.ids)}
        self.fam = fam_of
        members = {}
        for i, fmy in enumerate(fam_of):
            members.setdefault(fmy, []).append(i)
        families = [m for m in members.values() if len(m) > 1]
        need = {i for m in families for i in m}
        sh = {}
        with open(corpus, encoding="utf-8") as f:
            for i, line in enumerate(f):
                if i in need:
                    r = json.loads(line)
                    if r["id"] != self.ids[i]:
                        raise SystemExit("corpus and labels are not aligned at line %d" % (i + 1))
                    sh[i] = set(shingles(r["text"]))
        self.family_pairs, self.gold = set(), set()
        n = self.n
        for m in families:
            for x in range(len(m)):
                for y in range(x + 1, len(m)):
                    i, j = m[x], m[y]
                    key = i * n + j
                    self.family_pairs.add(key)
                    A, B = sh[i], sh[j]
                    u = len(A | B)
                    if u and len(A & B) / u >= threshold:
                        self.gold.add(key)
        self.families = len(families)
        # docs that have at least one gold partner (for doc-level flag scores)
        self.gold_docs = {k // n for k in self.gold} | {k % n for k in self.gold}
        self.family_docs = need
        self.seconds = time.perf_counter() - t0

    def score_pairs(self, keys):
        rep = len(keys)
        fam = self.fam
        n = self.n
        correct = sum(1 for k in keys if fam[k // n] == fam[k % n])
        return {
            "reported": rep,
            "recall": len(keys & self.gold) / len(self.gold) if self.gold else float("nan"),
            "recall_all": len(keys & self.family_pairs) / len(self.family_pairs) if self.family_pairs else float("nan"),
            "precision": correct / rep if rep else float("nan"),
        }


def read_pairs(path, n):
    arr = array.array("q")
    with open(path, "rb") as f:
        arr.frombytes(f.read())
    keys = set()
    for x in range(0, len(arr), 2):
        i, j = arr[x], arr[x + 1]
        if i > j:
            i, j = j, i
        keys.add(i * n + j)
    return keys


# --------------------------------------------------------------------- driver
def run_child(cmd, stdout=None):
    """Run one child; return (exit code, wall s, peak RSS MiB, cpu s, stderr tail)."""
    with tempfile.TemporaryFile() as errf:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=stdout, stderr=errf)
        _, status, ru = os.wait4(p.pid, 0)  # rusage of this child only
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        errf.seek(0)
        err = errf.read()[-4000:].decode(errors="replace")
    return p.returncode, wall, ru.ru_maxrss / 1024.0, ru.ru_utime + ru.ru_stime, err


def fmt(x, spec):
    if x is None or (isinstance(x, float) and x != x):
        return "—"
    return format(x, spec)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=os.path.join(HERE, "out", "corpus.jsonl"))
    ap.add_argument("--labels", default=None, help="default: labels.jsonl beside the corpus")
    ap.add_argument("--storycluster", default=os.path.normpath(os.path.join(HERE, "..", "..", ".build", "release", "storycluster")))
    ap.add_argument("--threshold", type=float, default=0.8)
    ap.add_argument("--num-perm", type=int, default=128)
    ap.add_argument("--seed", type=int, default=42, help="MinHash seed for rensa")
    ap.add_argument("--rensa-bands", type=int, default=8,
                    help="RMinHashLSH bands (default 8 = rensa's own default for threshold 0.8)")
    ap.add_argument("--tools", default=",".join(TOOLS), help="comma list from: " + ",".join(TOOLS + ["sklearn"]))
    ap.add_argument("--with-sklearn", action="store_true",
                    help="add the scikit-learn tf-idf top-k story-clustering row")
    ap.add_argument("--sk-topk", type=int, default=10)
    ap.add_argument("--sk-block", type=int, default=1000)
    ap.add_argument("--md", default=None, help="Markdown output (default: out/peers-table.md beside the corpus)")
    ap.add_argument("--no-venv", action="store_true", help="run in the current interpreter")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        return worker(a)
    if not a.no_venv:
        ensure_venv(argv)

    a.corpus = os.path.abspath(a.corpus)
    labels = a.labels or os.path.join(os.path.dirname(a.corpus), "labels.jsonl")
    md_path = a.md or os.path.join(os.path.dirname(a.corpus), "peers-table.md")
    tools = [t for t in a.tools.split(",") if t]
    if a.with_sklearn and "sklearn" not in tools:
        tools.append("sklearn")
    for t in tools:
        if t not in LABEL:
            raise SystemExit("unknown tool %r" % t)

    gold = Gold(a.corpus, labels, a.threshold)
    n = gold.n
    print("corpus %s: %d docs, %d duplicate families, %d family pairs, %d gold pairs (true J >= %.2f); gold built in %.1fs"
          % (a.corpus, n, gold.families, len(gold.family_pairs), len(gold.gold), a.threshold, gold.seconds),
          flush=True)

    rows, notes = [], []
    tmp = tempfile.mkdtemp(prefix="peers-")
    for tool in tools:
        row = {"tool": LABEL[tool], "key": tool}
        if tool == "storycluster":
            exe = a.storycluster
            if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
                print("skip storycluster: no executable at %s (build it with swift build -c release --static-swift-stdlib --product storycluster)" % exe, flush=True)
                continue
            outp = os.path.join(tmp, "storycluster.json")
            cmd = [exe, "dedup", a.corpus, "--threshold", str(a.threshold), "--format", "json"]
            print("run: %s > %s" % (" ".join(cmd), outp), flush=True)
            with open(outp, "wb") as fo:
                rc, wall, rss, cpu, err = run_child(cmd, stdout=fo)
            if rc != 0:
                print("storycluster failed (exit %d):\n%s" % (rc, err[-2000:]), flush=True)
                continue
            with open(outp, encoding="utf-8") as f:
                res = json.load(f)
            keys, unknown = set(), 0
            for g in res.get("duplicates", []):
                idx = []
                for m in g["members"]:
                    if m in gold.index:
                        idx.append(gold.index[m])
                    else:
                        unknown += 1
                idx.sort()
                for x in range(len(idx)):
                    for y in range(x + 1, len(idx)):
                        keys.add(idx[x] * n + idx[y])
            row.update(wall=wall, cpu=cpu, rss=rss, **gold.score_pairs(keys))
            groups = len(res.get("duplicates", []))
            notes.append("storycluster: %d groups, %d pairs reported%s" % (
                groups, len(keys), ", %d unknown ids" % unknown if unknown else ""))
        elif tool == "storycluster-run":
            exe = a.storycluster
            if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
                continue
            outp = os.path.join(tmp, "storycluster-run.json")
            cmd = [exe, "run", a.corpus, "--threshold", str(a.threshold), "--format", "json", "-q", "-o", outp]
            print("run: %s" % " ".join(cmd), flush=True)
            rc, wall, rss, cpu, err = run_child(cmd)
            if rc not in (0, 3):
                print("storycluster run failed (exit %d):\n%s" % (rc, err[-2000:]), flush=True)
                continue
            with open(outp, encoding="utf-8") as f:
                res = json.load(f)
            # B-cubed F1 of the stories against the generator's story labels.
            pred = {}
            for st in res["stories"]:
                for b in st["briefs"]:
                    pred[b] = st["id"]
            from collections import Counter
            items = [(pred.get(i, "missing:" + i), gold.story[gold.index[i]]) for i in gold.index]
            cell = Counter(items)
            ps, gs = Counter(p for p, _ in items), Counter(g for _, g in items)
            bp = sum(m * m / ps[p] for (p, g), m in cell.items()) / len(items)
            br = sum(m * m / gs[g] for (p, g), m in cell.items()) / len(items)
            f1 = 2 * bp * br / (bp + br)
            row.update(wall=wall, cpu=cpu, rss=rss, story_f1=f1)
            t = res["meta"]["timings"]
            notes.append("storycluster run: %d stories (gold %d), story B-cubed P %.3f R %.3f F1 %.3f; stage seconds %s" % (
                len(res["stories"]), len(gs), bp, br, f1, ", ".join("%s %.2f" % kv for kv in t.items())))
        else:
            resf = os.path.join(tmp, tool + ".json")
            cmd = [sys.executable, os.path.abspath(__file__), "--worker", tool, "--result", resf,
                   "--corpus", a.corpus, "--threshold", str(a.threshold), "--num-perm", str(a.num_perm),
                   "--seed", str(a.seed), "--rensa-bands", str(a.rensa_bands),
                   "--sk-topk", str(a.sk_topk), "--sk-block", str(a.sk_block)]
            print("run: %s" % tool, flush=True)
            rc, pwall, rss, cpu, err = run_child(cmd)
            if rc != 0:
                print("%s failed (exit %d):\n%s" % (tool, rc, err[-3000:]), flush=True)
                continue
            with open(resf) as f:
                res = json.load(f)
            row.update(wall=res["wall"], cpu=res["cpu"], rss=rss, process_wall=pwall)
            ex = res["extra"]
            note = "%s: JSONL parse %.1fs (untimed)" % (tool, res["load_s"])
            if res["prep_s"]:
                note += ", shingle preparation %.1fs (untimed)" % res["prep_s"]
            note += ", child process wall %.1fs, child cpu %.1fs" % (pwall, cpu)
            if tool in ("datasketch-text", "datasketch-shingles", "rensa-text", "rensa-shingles"):
                keys = read_pairs(resf + ".pairs", n)
                row.update(gold.score_pairs(keys))
                lsh = ("b,r=%s" % ex["lsh_b_r"]) if "lsh_b_r" in ex else ("bands=%d" % ex["bands"])
                note += "; LSH %s, %d candidate pairs, %d pairs reported" % (lsh, ex["candidates"], len(keys))
            elif tool == "rensa-flags":
                flags = array.array("b")
                with open(resf + ".extra", "rb") as f:
                    flags.frombytes(f.read())
                flagged = {i for i, v in enumerate(flags) if v}
                dr = len(flagged & gold.gold_docs) / len(gold.gold_docs) if gold.gold_docs else float("nan")
                dp = len(flagged & gold.family_docs) / len(flagged) if flagged else float("nan")
                note += ("; bands=%d, %d docs flagged; doc-level: recall %.3f of docs with a gold partner, "
                         "precision %.3f flagged docs in a planted family" % (ex["bands"], len(flagged), dr, dp))
            elif tool == "sklearn":
                import numpy as np
                nb = np.fromfile(resf + ".extra", dtype=np.int64)
                k = min(ex["k"], n - 1)
                nb = nb.reshape(n, k)
                _, st = np.unique(np.array(gold.story), return_inverse=True)
                row["p_at_k"] = float((st[nb] == st[:, None]).mean())
                note += "; vocabulary %d terms, top-%d, block %d rows; story precision@%d %.3f" % (
                    ex["vocab"], k, ex["block"], k, row["p_at_k"])
            notes.append(note)
        row["dps"] = n / row["wall"] if row["wall"] > 0 else float("inf")
        rows.append(row)
        print("  %s: %.2fs, %.0f docs/s, peak RSS %.0f MiB" % (row["tool"], row["wall"], row["dps"], row["rss"]), flush=True)

    sc = next((r for r in rows if r["key"] == "storycluster"), None)
    header = ["tool", "docs/s", "wall s", "cpu s", "peak RSS MiB", "ratio (storycluster ÷ tool docs/s)", "recall", "precision"]
    lines = []
    for r in rows:
        ratio = sc["dps"] / r["dps"] if sc else None
        prec = r.get("precision")
        prec_s = fmt(prec, ".3f")
        if "p_at_k" in r:
            prec_s = "story P@%d %.3f" % (a.sk_topk, r["p_at_k"])
        if "story_f1" in r:
            prec_s = "story B³ F1 %.3f" % r["story_f1"]
        lines.append([r["tool"], fmt(r["dps"], ",.0f"), fmt(r["wall"], ".2f"), fmt(r["cpu"], ".1f"),
                      fmt(r["rss"], ",.0f"), fmt(ratio, ".2f"), fmt(r.get("recall"), ".3f"), prec_s])

    widths = [max(len(h), *(len(l[c]) for l in lines)) if lines else len(h) for c, h in enumerate(header)]
    def plain(cells):
        return "  ".join(c.ljust(w) if k == 0 else c.rjust(w) for k, (c, w) in enumerate(zip(cells, widths)))
    print()
    print(plain(header))
    print(plain(["-" * w for w in widths]))
    for l in lines:
        print(plain(l))
    foot = [
        "docs: %d; threshold %.2f; %d permutations; gold pairs %d (family pairs %d)" % (
            n, a.threshold, a.num_perm, len(gold.gold), len(gold.family_pairs)),
    ]
    for r in rows:
        if "recall_all" in r:
            foot.append("%s: recall over all family pairs %.3f, %d pairs reported" % (r["tool"], r["recall_all"], r["reported"]))
    foot += notes
    print()
    for fl in foot:
        print("* " + fl)

    try:
        from importlib.metadata import version as _v
        vers = ", ".join("%s %s" % (p, _v(p)) for p in ("datasketch", "rensa", "scikit-learn", "numpy"))
    except Exception:  # noqa: BLE001
        vers = "?"
    cpu_model = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    os.makedirs(os.path.dirname(os.path.abspath(md_path)), exist_ok=True)
    with open(md_path, "w", encoding="utf-8") as f:
        f.write("# storycluster vs peers — %s\n\n" % os.path.basename(a.corpus))
        f.write("%d docs (`%s`), %s, %d cores, Python %s; %s.\n\n" % (
            n, a.corpus, cpu_model or platform.machine(), os.cpu_count() or 0, platform.python_version(), vers))
        f.write("| " + " | ".join(header) + " |\n")
        f.write("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|\n")
        for l in lines:
            f.write("| " + " | ".join(l) + " |\n")
        f.write("\n")
        for fl in foot:
            f.write("* " + fl + "\n")
    print("\nwrote %s" % md_path)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
