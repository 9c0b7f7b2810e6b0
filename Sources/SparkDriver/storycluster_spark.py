#!/usr/bin/env python3
"""storycluster on Spark: a thin PySpark driver; the Swift binary does every per-partition step.

    spark-submit storycluster_spark.py dedup  CORPUS --binary PATH --out DIR [--config FILE] [--partitions N]
    spark-submit storycluster_spark.py run    CORPUS --binary PATH --out DIR [--config FILE] [--window-days D]

CORPUS is a JSON Lines file or a folder of them (local paths; every line is one brief, as for `storycluster run`).
Brief ids equal a single run's: a line's "id", else "<file relative to CORPUS>:<line>".

dedup: each partition runs `storycluster sketch` (exact key, version key, LSH band keys); briefs sharing a key are
joined into connected components (union-find on the driver when the edges are few, large-star/small-star rounds on
the cluster otherwise); each component's briefs go through `storycluster dedup`, which verifies by exact Jaccard,
never chains and picks the canonical brief exactly as a run over the whole corpus does. Output: DIR/duplicates/
(JSON Lines, one group per line, as `storycluster dedup -f jsonl`) and DIR/summary.json.

run: dedup as above, then stories per time window: windows of --window-days with a margin on each side (at least the
clustering's time cut-off), one `storycluster run -f jsonl` per window; a brief takes its story from the window whose
core holds it; stories of neighbouring windows are joined when they share briefs in the overlap (see README there).
Output: DIR/briefs/ (JSON Lines, one brief per line: id, story, thread, canonical, ...) and DIR/summary.json.
"""
import argparse
import json
import os
import subprocess
import sys
import time


# ---------------------------------------------------------------------------------------------------------------------
# Worker side: everything here runs inside Spark tasks.

def local_copy(path):
    """A driver-side file on this worker: the shipped copy (spark.files / --files / SparkContext.addFile) if there is
    one, else the path itself (local mode)."""
    try:
        from pyspark import SparkFiles
        shipped = SparkFiles.get(os.path.basename(path))
        if os.path.exists(shipped):
            return shipped
    except Exception:
        pass
    return path


# Options whose value is a file the driver ships to workers.
SHIPPED_OPTIONS = ("--config", "--term-stats")


def call(binary, args, data):
    """Runs the binary with `data` on standard input; returns its standard output. The binary and the files named
    by `SHIPPED_OPTIONS` are taken from the worker's shipped copies. Exit 3 (some input lines skipped: each named on
    stderr) is passed on as a warning; any other failure fails the task with stderr."""
    args = [local_copy(a) if k > 0 and args[k - 1] in SHIPPED_OPTIONS else a for k, a in enumerate(args)]
    p = subprocess.run([local_copy(binary)] + args, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode not in (0, 3):
        raise RuntimeError("storycluster %s failed (exit %d): %s" % (" ".join(args[:1]), p.returncode,
                                                                    p.stderr.decode("utf-8", "replace")[-2000:]))
    if p.stderr:
        sys.stderr.write(p.stderr.decode("utf-8", "replace"))
    return p.stdout


def runs_of_lines(records):
    """Groups (source, index, bytes) records into runs of consecutive lines of one file: [(source, first, [bytes])]."""
    run = None
    for source, index, line in records:
        if run and run[0] == source and run[1] + len(run[2]) == index:
            run[2].append(line)
        else:
            if run:
                yield run
            run = (source, index, [line])
    if run:
        yield run


def sketch_partition(binary, settings):
    """mapPartitions: sketches a partition's lines; yields ("header", dict) once per run and ("brief", tuple)."""
    def go(records):
        for source, first, lines in runs_of_lines(records):
            out = call(binary, ["sketch", "-", "--source", source, "--first-line", str(first + 1), "-q"] + settings,
                       b"\n".join(lines) + b"\n")
            it = iter(out.splitlines())
            header = json.loads(next(it))
            yield ("header", json.dumps({k: header[k] for k in ("dedup", "bands", "rows", "permutations")}, sort_keys=True))
            for raw in it:
                o = json.loads(raw)
                yield ("brief", (o["id"], source, o["line"], o["published"], o["shingles"], o["exact"], o["bands"]))
    return go


def with_id(line, brief_id):
    """The JSON line with its brief id written in when it has none (a shard's line numbers are not the file's)."""
    try:
        o = json.loads(line.decode("utf-8", "surrogateescape"))
    except ValueError:
        return line
    current = o.get("id") if isinstance(o, dict) else None
    if isinstance(current, (str, int, float)) and not isinstance(current, bool) and str(current) != "":
        return line
    o["id"] = brief_id
    return json.dumps(o, ensure_ascii=False).encode("utf-8", "surrogateescape")


def dedup_partition(binary, settings):
    """mapPartitions: runs `storycluster dedup` over a partition's component lines; yields group lines."""
    def go(records):
        lines = [with_id(line, brief_id) for _, (brief_id, line) in records]
        if not lines:
            return
        out = call(binary, ["dedup", "-", "--source", "shard.jsonl", "-f", "jsonl", "-q"] + settings, b"\n".join(lines) + b"\n")
        for raw in out.splitlines():
            if raw.strip():
                yield raw.decode("utf-8")
    return go


def terms_partition(binary, settings):
    """mapPartitions: document frequencies of a partition's canonical lines; yields (key, count) pairs."""
    def go(records):
        lines = list(records)
        if not lines:
            return
        out = call(binary, ["terms", "-", "--source", "part.jsonl", "-q"] + settings, b"\n".join(lines) + b"\n")
        for raw in out.splitlines():
            k, v = raw.split(b"\t")
            yield (k.decode(), int(v))
    return go


def run_partition(binary, settings, term_stats):
    """mapPartitions: one `storycluster run -f jsonl` per window of a partition; yields (window, id, story, thread, core)."""
    def go(records):
        windows = {}
        for w, (brief_id, core, line) in records:
            windows.setdefault(w, []).append((brief_id, core, line))
        for w in sorted(windows):
            items = windows[w]
            core = {brief_id: c for brief_id, c, _ in items}
            lines = [with_id(line, brief_id) for brief_id, _, line in items]
            out = call(binary, ["run", "-", "--source", "window.jsonl", "-f", "jsonl", "-q", "--term-stats", term_stats] + settings,
                       b"\n".join(lines) + b"\n")
            for raw in out.splitlines():
                if raw.strip():
                    o = json.loads(raw)
                    yield (w, o["id"], o["story"], o["thread"], core.get(o["id"], False))
    return go


# ---------------------------------------------------------------------------------------------------------------------
# Driver side.

def corpus_files(corpus):
    """(path, source name) of each JSON Lines file: a single file is named by its base name, a folder's files by their
    path relative to it (hidden files and folders skipped), sorted, as the single run walks them."""
    if os.path.isfile(corpus):
        return [(os.path.abspath(corpus), os.path.basename(corpus))]
    found = []
    for root, dirs, files in os.walk(corpus):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            if not f.startswith(".") and f.lower().endswith((".jsonl", ".ndjson")):
                path = os.path.join(root, f)
                found.append((os.path.abspath(path), os.path.relpath(path, corpus)))
    if not found:
        sys.exit("storycluster-spark: %s: no .jsonl or .ndjson files" % corpus)
    return found


def read_lines(sc, corpus, partitions):
    """RDD of (source, 0-based line index, line bytes) over every corpus file, in file order."""
    rdds = []
    for path, source in corpus_files(corpus):
        lines = sc.textFile("file://" + path, minPartitions=partitions, use_unicode=False)
        rdds.append(lines.zipWithIndex().map(lambda li, s=source: (s, li[1], li[0])))
    return sc.union(rdds) if len(rdds) > 1 else rdds[0]


def components_on_driver(edges, n):
    """Union-find over (u, v) node pairs; returns {node: component root} for nodes in a component of two or more."""
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for u, v in edges:
        ru, rv = find(u), find(v)
        if ru != rv:
            if ru < rv:
                parent[rv] = ru
            else:
                parent[ru] = rv
    touched = set()
    for u, v in edges:
        touched.add(u)
        touched.add(v)
    return {x: find(x) for x in touched}


def components_on_cluster(sc, edges, checkpoint_every=4):
    """Connected components by alternating large-star and small-star rounds (Kiveris et al., 2014) on an RDD of
    (u, v) pairs; returns an RDD of (node, smallest node of its component). Converges in O(log² n) rounds."""
    e = edges.map(lambda uv: (uv[0], uv[1]) if uv[0] > uv[1] else (uv[1], uv[0])).filter(lambda uv: uv[0] != uv[1]).distinct()
    rounds = 0
    while True:
        # Large star: each node links its larger neighbours to the smallest node of its neighbourhood.
        nb = e.flatMap(lambda uv: [uv, (uv[1], uv[0])]).groupByKey()
        large = nb.flatMap(lambda kv: [(v, min(min(kv[1]), kv[0])) for v in kv[1] if v > kv[0]]).distinct()
        # Small star: each node links itself and its smaller neighbours to the smallest of them.
        oriented = large.map(lambda uv: (uv[0], uv[1]) if uv[0] > uv[1] else (uv[1], uv[0])).filter(lambda uv: uv[0] != uv[1])
        small = oriented.groupByKey().flatMap(
            lambda kv: (lambda m: [(x, m) for x in list(kv[1]) + [kv[0]] if x != m])(min(kv[1]))).distinct()
        rounds += 1
        if rounds % checkpoint_every == 0:
            small.checkpoint()
        small = small.cache()
        changed = small.subtract(e).count() + e.subtract(small).count()
        e.unpersist()
        e = small
        if changed == 0:
            break
    return e  # (node, root): every non-root node points at its component's smallest node


def dedup(spark, args, settings, summary):
    """The dedup job; returns RDDs of group JSON lines, numbered brief records and corpus lines (for `run`)."""
    sc = spark.sparkContext
    t0 = time.time()
    lines = read_lines(sc, args.corpus, args.partitions).cache()
    sketched = lines.mapPartitions(sketch_partition(args.binary, settings)).cache()
    headers = sketched.filter(lambda r: r[0] == "header").map(lambda r: r[1]).distinct().collect()
    if len(headers) > 1:
        sys.exit("storycluster-spark: partitions were sketched with different dedup settings: %s" % headers)
    # Node numbers for the briefs (the graph works on integers).
    briefs = sketched.filter(lambda r: r[0] == "brief").map(lambda r: r[1]).zipWithIndex().map(lambda bi: (bi[1], bi[0])).cache()
    n = briefs.count()
    summary["briefs"] = n
    summary["settings"] = json.loads(headers[0]) if headers else {}
    summary["sketch_seconds"] = round(time.time() - t0, 3)
    t1 = time.time()
    # Buckets: one per band key and per exact key (empty texts have neither). Each member is linked to the
    # bucket's smallest node, which keeps the edges linear in the bucket's size.
    from pyspark.sql import functions as F
    bdf = spark.createDataFrame(briefs.map(lambda nb: (nb[0], nb[1][4], nb[1][5], nb[1][6])),
                                "node long, shingles long, exact long, bands array<long>").where("shingles > 0")
    keyed = bdf.select("node", F.posexplode("bands").alias("pos", "key")).unionByName(
        bdf.select("node", F.lit(-1).alias("pos"), F.col("exact").alias("key")))
    # A pass shuffles (briefs × bands in the pass) keys; --bands-per-pass bounds it, each pass's edges materialised.
    bands = summary["settings"].get("bands", 0)
    per = args.bands_per_pass if args.bands_per_pass > 0 else bands + 1
    parts = []
    for lo in range(-1, bands, per):
        chunk = keyed.where((F.col("pos") >= lo) & (F.col("pos") < lo + per))
        smallest = chunk.groupBy("pos", "key").agg(F.min("node").alias("root"))
        part = chunk.join(smallest, ["pos", "key"]).where("node != root").select("node", "root").distinct().cache()
        part.count()
        parts.append(part)
    summary["band_passes"] = len(parts)
    edges_df = parts[0]
    for part in parts[1:]:
        edges_df = edges_df.unionByName(part)
    edges_df = edges_df.distinct().cache()
    edges = edges_df.rdd.map(lambda r: (r[0], r[1]))
    edge_count = edges_df.count()
    summary["edges"] = edge_count
    if edge_count <= args.driver_edges and args.components != "cluster":
        comp = components_on_driver(edges.collect(), n)
        roots = sc.parallelize(list(comp.items()), max(1, args.partitions))
        summary["components_on"] = "driver"
    else:
        sc.setCheckpointDir(os.path.join(args.out, "_checkpoints"))
        pointers = components_on_cluster(sc, edges)
        rootset = pointers.map(lambda nr: (nr[1], nr[1])).distinct()
        roots = pointers.union(rootset)
        summary["components_on"] = "cluster"
    roots = roots.cache()
    summary["components"] = roots.map(lambda nr: nr[1]).distinct().count()
    summary["component_briefs"] = roots.count()
    summary["graph_seconds"] = round(time.time() - t1, 3)
    t2 = time.time()
    # Regroup: each component's lines, partitioned by component, through `storycluster dedup`.
    located = briefs.map(lambda nb: (nb[0], (nb[1][0], nb[1][1], nb[1][2])))  # node -> (id, source, line)
    member_lines = roots.join(located).map(lambda kv: ((kv[1][1][1], kv[1][1][2] - 1), (kv[1][0], kv[1][1][0])))
    raw = lines.map(lambda sil: ((sil[0], sil[1]), sil[2]))
    if summary["component_briefs"] <= args.driver_edges:
        # Few component briefs: ship their positions to every task instead of shuffling every line.
        wanted = sc.broadcast(set(member_lines.keys().collect()))
        raw = raw.filter(lambda kv: kv[0] in wanted.value)
    shards = member_lines.join(raw).map(lambda kv: (kv[1][0][0], (kv[1][0][1], kv[1][1])))
    parts = max(1, min(args.partitions, summary["components"]))
    groups = shards.partitionBy(parts).mapPartitions(dedup_partition(args.binary, settings)).cache()
    summary["groups"] = groups.count()
    summary["regroup_seconds"] = round(time.time() - t2, 3)
    return groups, briefs, lines


def epoch(published):
    """Seconds since 1970 of an ISO 8601 UTC time as the binary writes it, or None."""
    if not published:
        return None
    from datetime import datetime
    return datetime.fromisoformat(published.replace("Z", "+00:00")).timestamp()


def window_plan(t, t0, core, margin):
    """[(window, is core)] of a brief published at t: its core window, and each neighbour whose margin holds t.
    Unknown times form window -1 alone."""
    if t is None:
        return [(-1, True)]
    w = int((t - t0) // core)
    out = [(w, True)]
    k = 1
    while True:
        added = False
        if t >= t0 + (w + k) * core - margin:
            out.append((w + k, False))
            added = True
        if t < t0 + (w - k + 1) * core + margin and w - k >= 0:
            out.append((w - k, False))
            added = True
        if not added:
            return out
        k += 1


def joined(placed, level, agreement):
    """Edges between window stories (or threads) that are one: for two windows sharing briefs, a story of one and a
    story of the other are joined when each is the other's best match (most shared briefs) and their shared briefs
    are at least `agreement` of the smaller one's briefs in the overlap (its briefs that the other window holds
    too). `placed`: DataFrame (w, id, story, thread, core)."""
    from pyspark.sql import functions as F
    pl = placed.select("id", "w", F.col(level).alias("s"))
    a, b = pl.alias("a"), pl.alias("b")
    pairs = a.join(b, "id").where("a.w < b.w").select(
        F.col("a.w").alias("w1"), F.col("a.s").alias("s1"), F.col("b.w").alias("w2"), F.col("b.s").alias("s2")).cache()
    shared = pairs.groupBy("w1", "s1", "w2", "s2").agg(F.count("*").alias("shared"))
    n1 = pairs.groupBy("w1", "s1", "w2").agg(F.count("*").alias("n1"))
    n2 = pairs.groupBy("w1", "w2", "s2").agg(F.count("*").alias("n2"))
    j = shared.join(n1, ["w1", "s1", "w2"]).join(n2, ["w1", "w2", "s2"])
    # Mutual best matches only: each story joins the other window's story holding most of its overlap briefs, and
    # only when that story's best match is it. "Any story sharing half" chained threads across windows
    # (stream: thread agreement 0.944 -> 0.987 with this rule, measured offline from --keep-windows).
    from pyspark.sql.window import Window
    best_a = Window.partitionBy("w1", "s1", "w2").orderBy(F.desc("shared"), "s2")
    best_b = Window.partitionBy("w1", "w2", "s2").orderBy(F.desc("shared"), "s1")
    j = j.withColumn("ra", F.row_number().over(best_a)).withColumn("rb", F.row_number().over(best_b))
    return j.where((F.col("ra") == 1) & (F.col("rb") == 1) & (F.col("shared") >= agreement * F.least("n1", "n2"))) \
        .select("w1", "s1", "w2", "s2")


def global_ids(edges):
    """{(window, local id): global id} for the joined nodes: components of the join edges (union-find on the driver),
    each named by its smallest node's local id. A node in no edge keeps its local id."""
    pairs = [((r[0], r[1]), (r[2], r[3])) for r in edges.collect()]
    nodes = sorted({node for pair in pairs for node in pair})  # smallest node first: (window, local id)
    order = {node: k for k, node in enumerate(nodes)}
    comp = components_on_driver([(order[u], order[v]) for u, v in pairs], len(nodes))
    return {node: nodes[comp[order[node]]][1] for node in nodes}


def stories(spark, args, settings, summary, groups, briefs, lines):
    """The run job after dedup: windows of canonical briefs through `storycluster run`, joined into global stories
    and threads; returns an RDD of per-brief JSON lines."""
    sc = spark.sparkContext
    t0 = time.time()
    core, margin = args.window_days * 86400.0, args.margin_days * 86400.0
    member_of = groups.flatMap(lambda raw: (lambda g: [(m, g["canonical"]) for m in g["members"] if m != g["canonical"]])(json.loads(raw))).cache()
    recs = briefs.map(lambda nb: (nb[1][0], (nb[1][1], nb[1][2], epoch(nb[1][3]))))  # id -> (source, line, t)
    canon = recs.subtractByKey(member_of).cache()
    times = canon.map(lambda kv: kv[1][2]).filter(lambda t: t is not None)
    start = times.min() if not times.isEmpty() else 0.0
    raw = lines.map(lambda sil: ((sil[0], sil[1]), sil[2]))
    # Term statistics of all canonical briefs, summed over partitions: every window weighs terms as a single run over
    # the whole corpus does (windows that fitted their own idf split stories: generated 20k, window B3 R 0.95).
    canon_lines = canon.map(lambda kv: ((kv[1][0], kv[1][1] - 1), 1)).join(raw).map(lambda kv: kv[1][1])
    counts = canon_lines.mapPartitions(terms_partition(args.binary, settings)).reduceByKey(lambda a, b: a + b).collect()
    stats_path = os.path.abspath(os.path.join(args.out, "term-stats.tsv"))
    with open(stats_path, "w") as f:
        for k, v in sorted(counts, key=lambda kv: (kv[0] != "documents", kv[0])):
            f.write("%s\t%d\n" % (k, v))
    if not sc.master.startswith("local"):
        sc.addFile(stats_path)
    summary["terms"] = len(counts) - 1
    planned = canon.flatMap(lambda kv: [((kv[1][0], kv[1][1] - 1), (w, kv[0], c)) for w, c in window_plan(kv[1][2], start, core, margin)])
    window_lines = planned.join(raw).map(lambda kv: (kv[1][0][0], (kv[1][0][1], kv[1][0][2], kv[1][1])))
    windows = window_lines.keys().distinct().count()
    summary["windows"] = windows
    summary["window_briefs"] = window_lines.count()
    placed_rdd = window_lines.partitionBy(max(1, windows), lambda w: w + 1).mapPartitions(run_partition(args.binary, settings, stats_path))
    placed = spark.createDataFrame(placed_rdd, "w long, id string, story string, thread string, core boolean").cache()
    placed.count()
    if args.keep_windows:
        placed.write.json("file://" + os.path.abspath(os.path.join(args.out, "windows")))
    summary["window_seconds"] = round(time.time() - t0, 3)
    t1 = time.time()
    names = {}
    for level in ("story", "thread"):
        names[level] = sc.broadcast(global_ids(joined(placed, level, args.agreement)))
        summary["joined_" + level + "_nodes"] = len(names[level].value)
    # Each brief from its core window; duplicates from their canonical brief.
    core_rows = placed.where("core").rdd.map(lambda r: (r["id"], (
        names["story"].value.get((r["w"], r["story"]), r["story"]), names["thread"].value.get((r["w"], r["thread"]), r["thread"]))))
    dup_rows = member_of.map(lambda mc: (mc[1], mc[0])).join(core_rows).map(lambda kv: (kv[1][0], kv[1][1], kv[0]))
    own_rows = core_rows.map(lambda kv: (kv[0], kv[1], kv[0]))
    out = own_rows.union(dup_rows).map(lambda r: json.dumps({"id": r[0], "story": r[1][0], "thread": r[1][1], "canonical": r[2]}, ensure_ascii=False))
    summary["join_seconds"] = round(time.time() - t1, 3)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description="storycluster on Spark (the Swift binary per partition).")
    ap.add_argument("job", choices=["dedup", "run"])
    ap.add_argument("corpus", help="a JSON Lines file or a folder of them")
    ap.add_argument("--binary", required=True, help="the storycluster binary (shipped to workers with spark.files)")
    ap.add_argument("--out", required=True, help="output folder (must not exist)")
    ap.add_argument("--config", help="storycluster settings file, passed to every call")
    ap.add_argument("--partitions", type=int, default=0, help="input partitions (default: 2 per core)")
    ap.add_argument("--driver-edges", type=int, default=5_000_000,
                    help="join components on the driver up to this many edges (else on the cluster)")
    ap.add_argument("--bands-per-pass", type=int, default=0,
                    help="dedup: shuffle the band keys of this many bands per pass (0 = all in one), bounding each shuffle")
    ap.add_argument("--components", choices=["auto", "cluster"], default="auto",
                    help="cluster: always use the large-star/small-star rounds (tests them on small data)")
    ap.add_argument("--window-days", type=float, default=28.0, help="run: the core of each time window")
    ap.add_argument("--margin-days", type=float, default=21.0,
                    help="run: briefs this close to a window are clustered with it too (at least the threads' window)")
    ap.add_argument("--agreement", type=float, default=0.5,
                    help="run: join two windows' stories when they share this share of the smaller one's overlap briefs")
    ap.add_argument("--keep-windows", action="store_true",
                    help="run: also write each window's placements (window, id, story, thread, core) to DIR/windows/")
    ap.add_argument("--master", default=None, help="Spark master when not run by spark-submit (e.g. local[2])")
    args = ap.parse_args(argv)
    if os.path.exists(args.out):
        sys.exit("storycluster-spark: %s exists; give a new output folder" % args.out)
    from pyspark.sql import SparkSession
    builder = SparkSession.builder.appName("storycluster-" + args.job)
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("WARN")
    if args.partitions <= 0:
        args.partitions = 2 * sc.defaultParallelism
    # DataFrame shuffles get as many partitions as the input (Spark's default of 200 is for clusters).
    spark.conf.set("spark.sql.shuffle.partitions", str(args.partitions))
    settings = ["--config", os.path.abspath(args.config)] if args.config else []
    if args.config:
        sc.addFile(os.path.abspath(args.config))
    args.binary = os.path.abspath(args.binary)
    if not args.master or not args.master.startswith("local"):
        sc.addFile(args.binary)
    os.makedirs(args.out)
    summary = {"job": args.job, "corpus": os.path.abspath(args.corpus), "spark": spark.version,
               "master": sc.master, "partitions": args.partitions}
    t0 = time.time()
    groups, briefs, lines = dedup(spark, args, settings, summary)
    groups.saveAsTextFile("file://" + os.path.abspath(os.path.join(args.out, "duplicates")))
    if args.job == "run":
        stories(spark, args, settings, summary, groups, briefs, lines).saveAsTextFile(
            "file://" + os.path.abspath(os.path.join(args.out, "briefs")))
    summary["seconds"] = round(time.time() - t0, 3)
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    print(json.dumps(summary))
    spark.stop()


if __name__ == "__main__":
    main()
