#!/usr/bin/env python3
"""Compares a Spark job's output with a single run's: exits 1 naming the first differences.

    compare.py dedup SINGLE.jsonl SPARK_OUT_DIR     duplicate groups (canonical, members, latest, links) must be equal
    compare.py run SINGLE.jsonl SPARK_OUT_DIR [--min-b3 0.98] [--labels LABELS.jsonl --field story]
        stories and threads: B-cubed agreement of the Spark job with the single run (`run -f jsonl`), at least
        --min-b3; with labels, both scored against them (B-cubed F1 within 0.01 of each other)
"""
import glob
import json
import os
import sys


def read_lines(paths):
    out = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            out += [json.loads(l) for l in f if l.strip()]
    return out


def dedup(single_path, spark_dir):
    single = read_lines([single_path])
    spark = read_lines(sorted(glob.glob(os.path.join(spark_dir, "duplicates", "part-*"))))
    a = {g["canonical"]: g for g in single}
    b = {g["canonical"]: g for g in spark}
    only_a = sorted(set(a) - set(b))
    only_b = sorted(set(b) - set(a))
    differ = sorted(c for c in set(a) & set(b) if a[c] != b[c])
    members = sum(len(g["members"]) - 1 for g in single)
    print("single run: %d groups (%d duplicates); spark: %d groups; only single %d, only spark %d, different %d"
          % (len(a), members, len(b), len(only_a), len(only_b), len(differ)))
    for c in (only_a + only_b + differ)[:5]:
        print("  differs:", json.dumps(a.get(c), ensure_ascii=False)[:300], "|", json.dumps(b.get(c), ensure_ascii=False)[:300])
    return 0 if not (only_a or only_b or differ) and len(spark) == len(b) else 1


def bcubed(pred, gold):
    """B-cubed precision, recall and F1 of clustering `pred` against `gold` (dicts item -> cluster), over shared items."""
    items = [i for i in pred if i in gold]
    from collections import Counter
    pc = Counter(pred[i] for i in items)
    gc = Counter(gold[i] for i in items)
    both = Counter((pred[i], gold[i]) for i in items)
    if not items:
        return 0.0, 0.0, 0.0
    p = sum(both[(pred[i], gold[i])] / pc[pred[i]] for i in items) / len(items)
    r = sum(both[(pred[i], gold[i])] / gc[gold[i]] for i in items) / len(items)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run(single_path, spark_dir, min_b3, labels, field):
    single = {o["id"]: o for o in read_lines([single_path])}
    spark = {o["id"]: o for o in read_lines(sorted(glob.glob(os.path.join(spark_dir, "briefs", "part-*"))))}
    status = 0
    missing = set(single) - set(spark)
    extra = set(spark) - set(single)
    print("single run: %d briefs; spark: %d briefs; missing %d, extra %d" % (len(single), len(spark), len(missing), len(extra)))
    if missing or extra:
        status = 1
    gold = None
    if labels:
        gold = {}
        for o in read_lines([labels]):
            if o.get(field) is not None:
                gold[str(o["id"])] = o[field]
    for level in ("story", "thread"):
        a = {i: o[level] for i, o in single.items()}
        b = {i: o[level] for i, o in spark.items()}
        p, r, f = bcubed(b, a)
        line = "%s: spark vs single run B3 P %.4f R %.4f F1 %.4f" % (level, p, r, f)
        if f < min_b3:
            status = 1
            line += "  (below %.2f)" % min_b3
        if gold is not None:
            fa, fb = bcubed(a, gold)[2], bcubed(b, gold)[2]
            line += "; against %s labels: single %.4f, spark %.4f" % (field, fa, fb)
            if level == field and abs(fa - fb) > 0.01:
                status = 1
                line += "  (differ by more than 0.01)"
        print(line)
    return status


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "dedup":
        sys.exit(dedup(sys.argv[2], sys.argv[3]))
    if len(sys.argv) >= 4 and sys.argv[1] == "run":
        import argparse
        ap = argparse.ArgumentParser()
        ap.add_argument("single")
        ap.add_argument("spark")
        ap.add_argument("--min-b3", type=float, default=0.98)
        ap.add_argument("--labels")
        ap.add_argument("--field", default="story")
        a = ap.parse_args(sys.argv[2:])
        sys.exit(run(a.single, a.spark, a.min_b3, a.labels, a.field))
    sys.exit(__doc__)
