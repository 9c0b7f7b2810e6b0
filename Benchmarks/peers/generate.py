#!/usr/bin/env python3
"""Seeded, deterministic generator of news-like corpora with planted, labelled
near-duplicates and stories.  Pure Python standard library.

    python3 generate.py --docs 100000 --seed 42 --out DIR

writes

    DIR/corpus.jsonl  {"id": "g17", "text": ..., "title": ..., "source": "Reuters",
                       "published": "2026-11-03T14:05:09Z"}
    DIR/labels.jsonl  {"id": "g17", "dup": "g12", "story": "s301"}

Lines are in publication order and ids are ``g<n>`` numbered in that order
(g0, g1, ...).  Same --docs/--seed/--days/--start/rates => byte-identical
output (only ``random.Random`` seeded with integers is used; no hash() of str).

Model
-----
Vocabulary.  A general vocabulary of ~240 real English function/news words
followed by ~4,500 pronounceable pseudo-words (built from syllables), ranked
and drawn with a Zipf law (weight 1/rank^1.05), so "the", "of", "to" dominate
and the tail is long.  Pools of capitalised pseudo-names give first names,
surnames, places and organisations ("Varnex Holdings", "Ministry of Taldo").
~60 *themes* are groups of 40 mid-frequency words (think "economy", "flood"):
stories of one theme share vocabulary, so story clustering is not trivial.

Stories.  Story sizes follow a Pareto law (alpha 1.1, floored, capped at
max(50, docs/100)): about half the stories are a single brief, a few have
hundreds or thousands.  Sizes are drawn until they cover the number of
originals needed (plus a small slack).  Each story gets a start time uniform
over the window (--days, default 30, from --start) and an active span of
2h * size^0.45 * lognormal(0, 0.6), clipped to [30 min, 5 days]; its briefs'
times are front-loaded in that span (start + span * u^1.5).  Each story owns
9 topic words (5 from its theme, 4 random mid-frequency words), 1-4 persons,
1-2 places and 0-2 organisations, drawn Zipf-wise from the shared pools (so
popular people recur across stories).

Briefs (originals).  Target length ~ lognormal around 60 words, clipped to
30..120 (the last sentence may overshoot a little; copies that dropped a
sentence can be shorter).
Sentences of 7-19 words: a subject (person/organisation/"The <topic word>"),
a news verb, then filler made of phrases: one function word (the 40 most
frequent words) followed by 1-3 content slots.  Each content slot is a story
topic word with p=0.15, a story entity with p=0.07, a number (12, 3.4, 1,250,
2026...) with p=0.035, otherwise a Zipf-drawn general word.  Some sentences are quotes
('"...," Name said').  Half of the briefs start with a dateline
"PLACE, Nov 3 (Agency) - " that names the source agency.  Titles are 5-9
words drawn the same way from the story.  Source: one of 14 agencies.

Planted near-duplicates.  When an original is emitted it starts a duplicate
family with probability p, chosen so that copies make up --dup-rate (default
10%) of all documents; a family has 1 copy (72%), 2 (17%), 3 (6%), 4 (3%) or
5-8 (2%).  Each copy is published shortly after its original (lognormal delay,
median ~20 min, clipped to 1 min..12 h) and is derived from the original
(not from another copy):
  * exact copy (text and title identical; source swapped half the time when
    no dateline names it) with probability --exact-rate / --dup-rate (default 1% of all documents);
  * otherwise 1-5 light edits (1: 50%, 2: 30%, 3: 12%, 4: 5%, 5: 3%), each
    one of: change a number (27%), substitute a word (28%), insert a word
    (10%), append a short sentence -- 60% agency boilerplate such as
    "Reporting by ..." (16%), drop a sentence (5%; trims 2-4 words from
    briefs of < 3 sentences), swap the agency (14%; rewrites the dateline if
    there is one, else the text is unchanged).  The title is kept 80% of the
    time.
With the defaults (100k docs, seed 42): 9.9% copies, 1.4% of docs
text-identical to their original (1% planted exact + agency-swap-only
edits); (copy, original) word-3-shingle Jaccard: 14% = 1.0, 26% in
[0.9, 1), 37% in [0.8, 0.9), 15% in [0.7, 0.8), 8% below 0.7 -- i.e. 77%
>= 0.8.  `--stats` prints these figures for any output.

Labels.  ``dup`` = the id of the family's original (for originals: their own
id, also when they have no copies); ``story`` = "s<n>", inherited by copies.

Generation stops after exactly --docs documents (the latest hours of the
window may be cut short).  Memory stays modest: only stories that are active
and pending copies are held.  Measured on the 2-core benchmark machine:
100k docs ~7-10 s, 1M docs ~92 s with ~50 MiB peak RSS.
"""

from __future__ import annotations

import argparse
import bisect
import heapq
import itertools
import json
import math
import os
import random
import sys
import time
from datetime import datetime, timedelta, timezone

AGENCIES = [
    "Reuters", "AP", "AFP", "Bloomberg", "dpa", "ANSA", "EFE", "Kyodo",
    "Xinhua", "PA Media", "UPI", "Anadolu", "Yonhap", "CP",
]

# Real words at the top of the Zipf ranking (roughly by English frequency);
# the first N_FUNCTION of them serve as "function words".
N_FUNCTION = 40
COMMON = """the of to and a in that is for on was with as at by from
has an not this but had were which or their been will who would
its after also over about when than into while against under during between
more new one two first last year people up other out government could there all
some what time three told her only since we can them years president state she
may percent country minister
officials week police before while per under police city during most between
former national including now so our back no public last told security million
told still both where many four several month because military report court
those any next day early part end five deal left group second say says made
like do did through us world law plan trade house party support high well did
world family season major found local deal even market according region further
around way late economic own health power team office leader control forces
political month prices talks months called half least added case set news across
area water expected among long another work months chief department agency
early without least data high third due led six days per members meeting
rights care home home officials service policy vote media near official past
ten right left little off hours night both use record change killed foreign
price rate rates growth bank fell rose sales share shares loss profit company
companies business minister ministers election campaign opposition authorities
statement spokesman spokeswoman investigation charges rescue storm fire""".split()

NEWS_VERBS = [
    "said", "announced", "warned", "confirmed", "denied", "reported", "urged",
    "rejected", "approved", "proposed", "criticised", "welcomed", "signed",
    "launched", "halted", "told", "added", "noted", "insisted", "expected",
]

ORG_SUFFIX = ["Holdings", "Group", "Corp", "Bank", "Party", "Council",
              "Institute", "Airlines", "Energy", "Union", "Agency", "Foundation"]

BOILERPLATE = [
    "Reporting by {p1} and {p2}; editing by {p3}",
    "Further details were not immediately available",
    "The story is developing and will be updated",
    "Officials did not respond to a request for comment",
    "Additional reporting by {p1}",
    "Writing by {p1}; editing by {p2}",
    "This article has been updated with new figures",
    "A spokesperson declined to comment on the matter",
]

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
          "Oct", "Nov", "Dec"]

ONSETS = ["b", "br", "c", "ch", "d", "dr", "f", "g", "gr", "h", "j", "k", "kr",
          "l", "m", "n", "p", "pr", "r", "s", "sh", "st", "t", "tr", "v", "w",
          "z", "th", "pl", "fl"]
VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "io", "ei"]
CODAS = ["", "", "", "n", "r", "s", "l", "m", "t", "nd", "rk", "st", "x"]


def pseudo_words(rng: random.Random, n: int, taken: set, lo=1, hi=3):
    out = []
    while len(out) < n:
        k = rng.randint(lo, hi)
        w = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(k))
        w += rng.choice(CODAS)
        if 3 <= len(w) <= 12 and w not in taken:
            taken.add(w)
            out.append(w)
    return out


def zipf_cum(n: int, s: float):
    acc, cw = 0.0, []
    for r in range(1, n + 1):
        acc += 1.0 / r ** s
        cw.append(acc)
    return cw


def quantile_table(items, cum_weights, size):
    total = cum_weights[-1]
    return [items[min(len(items) - 1, bisect.bisect_right(cum_weights, (i + 0.5) / size * total))]
            for i in range(size)]


class World:
    """Shared vocabulary, name pools and themes (depend only on the seed)."""

    def __init__(self, seed: int):
        rng = random.Random(seed * 7919 + 1)
        seen = set()
        common = []
        for w in COMMON:
            if w not in seen:
                seen.add(w)
                common.append(w)
        self.vocab = common + pseudo_words(rng, 4500, seen)
        self.vcw = zipf_cum(len(self.vocab), 1.05)
        # prose = phrases of one function word + content words, each Zipf-ranked
        self.function = [w for w in self.vocab[:N_FUNCTION]]
        self.function_cw = self.vcw[:N_FUNCTION]
        self.content = self.vocab[N_FUNCTION:]
        base = self.vcw[N_FUNCTION - 1]
        self.content_cw = [c - base for c in self.vcw[N_FUNCTION:]]
        # inverse-CDF lookup tables (quantised to 2^18 / 2^12 cells) for speed
        self.ctab = quantile_table(self.content, self.content_cw, 1 << 18)
        self.ftab = quantile_table(self.function, self.function_cw, 1 << 12)
        cap = lambda w: w[:1].upper() + w[1:]
        self.first = [cap(w) for w in pseudo_words(rng, 1500, seen, 1, 2)]
        self.last = [cap(w) for w in pseudo_words(rng, 12000, seen, 2, 3)]
        self.places = [cap(w) for w in pseudo_words(rng, 3000, seen, 2, 3)]
        self.orgroots = [cap(w) for w in pseudo_words(rng, 3000, seen, 1, 3)]
        self.first_cw = zipf_cum(len(self.first), 0.9)
        self.last_cw = zipf_cum(len(self.last), 0.8)
        self.place_cw = zipf_cum(len(self.places), 0.9)
        self.org_cw = zipf_cum(len(self.orgroots), 0.9)
        mid = self.vocab[300:3000]
        self.themes = [rng.sample(mid, 40) for _ in range(60)]

    def words(self, rng: random.Random, k: int):
        return rng.choices(self.vocab, cum_weights=self.vcw, k=k)

    def person(self, rng):
        return (rng.choices(self.first, cum_weights=self.first_cw)[0] + " " +
                rng.choices(self.last, cum_weights=self.last_cw)[0])

    def place(self, rng):
        return rng.choices(self.places, cum_weights=self.place_cw)[0]

    def org(self, rng):
        root = rng.choices(self.orgroots, cum_weights=self.org_cw)[0]
        if rng.random() < 0.25:
            return "Ministry of " + root
        return root + " " + rng.choice(ORG_SUFFIX)


class Story:
    __slots__ = ("sid", "topic", "persons", "places", "orgs", "entities", "entity_tokens",
                 "subjects", "remaining")

    def __init__(self, world: World, seed: int, sid: int, size: int):
        rng = random.Random(seed * 1_000_003 + sid * 7 + 3)
        self.sid = sid
        theme = world.themes[rng.randrange(len(world.themes))]
        self.topic = rng.sample(theme, 5) + [
            world.vocab[rng.randrange(300, len(world.vocab))] for _ in range(4)]
        # dict.fromkeys dedupes in insertion order (set order would depend on PYTHONHASHSEED)
        self.persons = list(dict.fromkeys(world.person(rng) for _ in range(rng.randint(1, 4))))
        self.places = list(dict.fromkeys(world.place(rng) for _ in range(rng.randint(1, 2))))
        self.orgs = list(dict.fromkeys(world.org(rng) for _ in range(rng.choice((0, 1, 1, 2)))))
        self.entities = self.persons + self.places + self.orgs
        self.entity_tokens = [e.split() for e in self.entities]
        self.subjects = self.persons + self.orgs
        self.remaining = size


def number_token(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.45:
        return str(rng.randint(2, 99))
    if r < 0.65:
        return "%d.%d" % (rng.randint(0, 19), rng.randint(1, 9))
    if r < 0.85:
        return "{:,}".format(rng.randint(100, 25000))
    return str(rng.randint(2015, 2027))


class Generator:
    P_TOPIC, P_ENT, P_NUM = 0.15, 0.07, 0.035

    def __init__(self, docs, seed, days, start, dup_rate, exact_rate):
        self.n_docs = docs
        self.seed = seed
        self.rng = random.Random(seed)
        self.world = World(seed)
        self.span = days * 86400.0
        self.start = start
        self.dup_rate = dup_rate
        self.exact_share = 0.0 if dup_rate <= 0 else min(1.0, exact_rate / dup_rate)
        # family sizes (copies per family) and their mean
        self.fam_sizes = [1, 2, 3, 4, 5, 6, 7, 8]
        fam_w = [0.72, 0.17, 0.06, 0.03, 0.005, 0.005, 0.005, 0.005]
        self.fam_cw = list(itertools.accumulate(fam_w))
        mean_copies = sum(s * w for s, w in zip(self.fam_sizes, fam_w))
        orig_share = max(1e-9, 1.0 - dup_rate)
        self.p_family = min(1.0, dup_rate / (orig_share * mean_copies))
        self.edit_counts = [1, 2, 3, 4, 5]
        self.edit_cw = list(itertools.accumulate([0.50, 0.30, 0.12, 0.05, 0.03]))
        self.edit_ops = ["num", "sub", "ins", "app", "drop", "src"]
        self.op_cw = list(itertools.accumulate([0.27, 0.28, 0.10, 0.16, 0.05, 0.14]))
        self.next_sid = 0

    # ---------------------------------------------------------------- stories
    def plan_stories(self, n_orig: int):
        """Story metadata: list of (start, span, size, sid), sorted by start."""
        rng = self.rng
        cap = max(50, self.n_docs // 100)
        plans, total = [], 0
        while total < n_orig:
            size = min(cap, int(rng.paretovariate(1.1)))
            hours = 2.0 * size ** 0.45 * rng.lognormvariate(0.0, 0.6)
            dur = min(120.0, max(0.5, hours)) * 3600.0
            dur = min(dur, self.span)
            st = rng.uniform(0.0, max(0.0, self.span - dur))
            plans.append((st, dur, size, self.next_sid))
            self.next_sid += 1
            total += size
        plans.sort()
        return plans

    # ---------------------------------------------------------------- prose
    def filler(self, story: Story, k: int):
        """>= k tokens: phrases of one function word + 1-3 content slots.

        Hot path: one uniform draw per slot, reused to pick within the chosen
        class (topic word / entity / number / Zipf word via inverse-CDF table).
        """
        rand = self.rng.random
        ftab, ctab = self.world.ftab, self.world.ctab
        nf, nc = len(ftab), len(ctab)
        topic, ents = story.topic, story.entity_tokens
        nt, ne = len(topic), len(ents)
        pt = self.P_TOPIC
        pe = pt + self.P_ENT
        pn = pe + self.P_NUM
        ct_scale = nc / (1.0 - pn)
        out = []
        append = out.append
        while len(out) < k:
            append(ftab[int(rand() * nf)])
            r = rand()
            n = 1 if r < 0.4 else (2 if r < 0.88 else 3)
            for _ in range(n):
                r = rand()
                if r >= pn:
                    append(ctab[int((r - pn) * ct_scale)])
                elif r < pt:
                    append(topic[int(r / pt * nt)])
                elif r < pe:
                    out.extend(ents[int((r - pt) / self.P_ENT * ne)])
                else:
                    append(number_token(self.rng))
        return out

    def sentence(self, story: Story, k: int):
        rng = self.rng
        r = rng.random()
        if r < 0.12 and story.persons:  # quote
            body = self.filler(story, max(3, k - 3))
            body[0] = '"' + body[0][:1].upper() + body[0][1:]
            body[-1] = body[-1] + ',"'
            return body + rng.choice(story.persons).split() + [rng.choice(("said", "added", "told reporters"))]
        if r < 0.55:
            if story.subjects and rng.random() < 0.7:
                subj = rng.choice(story.subjects).split()
            else:
                subj = ["The", rng.choice(story.topic)]
            return subj + [rng.choice(NEWS_VERBS)] + self.filler(story, max(3, k - len(subj) - 1))
        body = self.filler(story, k)
        body[0] = body[0][:1].upper() + body[0][1:]
        return body

    def make_original(self, story: Story, t: float):
        rng = self.rng
        target = int(min(120, max(30, rng.lognormvariate(math.log(58), 0.35))))
        sents, n = [], 0
        while n < target:
            k = min(rng.randint(7, 19), target - n)
            if k < 4 and sents:
                sents[-1].extend(self.filler(story, k))
                n += k
                break
            s = self.sentence(story, max(k, 4))
            sents.append(s)
            n += len(s)
        source = rng.choice(AGENCIES)
        dateline = None
        if rng.random() < 0.5:
            dt = self.start + timedelta(seconds=t)
            dateline = (rng.choice(story.places).upper(), "%s %d" % (MONTHS[dt.month - 1], dt.day))
        title_words = self.filler(story, rng.randint(5, 9))
        title = " ".join(w[:1].upper() + w[1:] if i == 0 else w for i, w in enumerate(title_words))
        return {"sents": sents, "source": source, "dateline": dateline, "title": title}

    @staticmethod
    def render(doc) -> str:
        body = " ".join(" ".join(s) + "." for s in doc["sents"])
        if doc["dateline"]:
            place, day = doc["dateline"]
            return "%s, %s (%s) - %s" % (place, day, doc["source"], body)
        return body

    # ---------------------------------------------------------------- copies
    def make_copy(self, orig, story: Story, exact: bool):
        rng = self.rng
        doc = {"sents": [list(s) for s in orig["sents"]], "source": orig["source"],
               "dateline": orig["dateline"], "title": orig["title"]}
        if exact:
            # swap the agency half the time, unless a dateline names it (text must stay identical)
            if doc["dateline"] is None and rng.random() < 0.5:
                doc["source"] = rng.choice([a for a in AGENCIES if a != orig["source"]])
            return doc
        n_edits = rng.choices(self.edit_counts, cum_weights=self.edit_cw)[0]
        for _ in range(n_edits):
            op = rng.choices(self.edit_ops, cum_weights=self.op_cw)[0]
            self.apply_edit(doc, op, story)
        if rng.random() < 0.2:
            tw = doc["title"].split()
            tw[rng.randrange(len(tw))] = self.world.words(rng, 1)[0]
            doc["title"] = " ".join(tw)
        return doc

    def apply_edit(self, doc, op, story):
        rng = self.rng
        sents = doc["sents"]
        if op == "num":
            spots = [(i, j) for i, s in enumerate(sents) for j, w in enumerate(s)
                     if any(c.isdigit() for c in w)]
            if spots:
                i, j = rng.choice(spots)
                w = sents[i][j]
                new = number_token(rng)
                lead = '"' if w.startswith('"') else ""
                trail = ',"' if w.endswith(',"') else ""
                sents[i][j] = lead + new + trail
                return
            op = "sub"
        if op == "sub":
            i = rng.randrange(len(sents))
            j = rng.randrange(len(sents[i]))
            if '"' in sents[i][j]:
                j = len(sents[i]) // 2
            sents[i][j] = self.world.words(rng, 1)[0]
        elif op == "ins":
            i = rng.randrange(len(sents))
            j = rng.randrange(1, len(sents[i]) + 1)
            sents[i].insert(j, self.world.words(rng, 1)[0])
        elif op == "app":
            if rng.random() < 0.6:
                tpl = rng.choice(BOILERPLATE)
                text = tpl.format(p1=self.world.person(rng), p2=self.world.person(rng),
                                  p3=self.world.person(rng))
                sents.append(text.split())
            else:
                sents.append(self.sentence(story, rng.randint(4, 8)))
        elif op == "drop":
            if len(sents) >= 3:
                i = len(sents) - 1 if rng.random() < 0.6 else rng.randrange(1, len(sents))
                del sents[i]
            else:  # too short to drop a sentence: trim a few trailing words
                s = sents[-1]
                cut = min(len(s) - 3, rng.randint(2, 4))
                if cut > 0:
                    del s[-cut:]
        elif op == "src":
            doc["source"] = rng.choice([a for a in AGENCIES if a != doc["source"]])

    # ---------------------------------------------------------------- main loop
    def run(self, out_dir: str, progress: bool = False):
        rng = self.rng
        n_copies_target = int(round(self.n_docs * self.dup_rate))
        n_orig = self.n_docs - n_copies_target
        plans = self.plan_stories(n_orig + max(20, n_orig // 100))
        pi = 0
        heap = []  # (time, seq, kind, payload)
        seq = itertools.count()
        active = {}
        emitted = 0
        base = self.start
        corpus = open(os.path.join(out_dir, "corpus.jsonl"), "w", encoding="utf-8")
        labels = open(os.path.join(out_dir, "labels.jsonl"), "w", encoding="utf-8")
        dumps = json.dumps
        t0 = time.time()
        while emitted < self.n_docs:
            # activate every story that starts before the next pending event
            while pi < len(plans) and (not heap or plans[pi][0] <= heap[0][0]):
                st, dur, size, sid = plans[pi]
                pi += 1
                story = Story(self.world, self.seed, sid, size)
                active[sid] = story
                for _ in range(size):
                    heapq.heappush(heap, (st + dur * rng.random() ** 1.5, next(seq), 0, sid))
            if not heap:  # ran out (only for tiny corpora): plan more stories
                more = self.plan_stories(max(20, self.n_docs - emitted))
                plans = plans[:pi] + [(max(p[0], self.span - p[1]), p[1], p[2], p[3]) for p in more]
                plans[pi:] = sorted(plans[pi:])
                continue
            t, _, kind, payload = heapq.heappop(heap)
            did = "g%d" % emitted
            if kind == 0:
                story = active[payload]
                doc = self.make_original(story, t)
                family, sid = did, story.sid
                story.remaining -= 1
                if rng.random() < self.p_family:
                    k = rng.choices(self.fam_sizes, cum_weights=self.fam_cw)[0]
                    story.remaining += k
                    for _ in range(k):
                        delay = min(43200.0, max(60.0, rng.lognormvariate(math.log(1200), 1.0)))
                        heapq.heappush(heap, (t + delay, next(seq), 1, (doc, did, story.sid)))
                if story.remaining == 0:
                    del active[story.sid]
            else:
                orig, family, sid = payload
                story = active[sid]
                doc = self.make_copy(orig, story, rng.random() < self.exact_share)
                story.remaining -= 1
                if story.remaining == 0:
                    del active[sid]
            ts = (base + timedelta(seconds=int(t))).strftime("%Y-%m-%dT%H:%M:%SZ")
            corpus.write(dumps({"id": did, "text": self.render(doc), "title": doc["title"],
                                "source": doc["source"], "published": ts}) + "\n")
            labels.write('{"id": "%s", "dup": "%s", "story": "s%d"}\n' % (did, family, sid))
            emitted += 1
            if progress and emitted % 100000 == 0:
                print("  %d docs, %.1fs" % (emitted, time.time() - t0), file=sys.stderr)
        corpus.close()
        labels.close()


def shingles(text: str):
    """Word 3-shingles, the same definition peers.py uses."""
    import re
    w = [t for t in re.split(r"[\W_]+", text.lower()) if t]
    if len(w) < 3:
        return {" ".join(w)} if w else set()
    return {"%s %s %s" % x for x in zip(w, w[1:], w[2:])}


def print_stats(out_dir: str):
    texts, fam, story = {}, {}, {}
    with open(os.path.join(out_dir, "labels.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            fam[r["id"]] = r["dup"]
            story[r["id"]] = r["story"]
    lens = []
    with open(os.path.join(out_dir, "corpus.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            lens.append(len(r["text"].split()))
            texts[r["id"]] = r["text"]
    copies = [i for i, d in fam.items() if d != i]
    exact = sum(1 for i in copies if texts[i] == texts[fam[i]])
    sims = []
    for i in copies:
        a, b = shingles(texts[i]), shingles(texts[fam[i]])
        sims.append(len(a & b) / len(a | b))
    sims.sort()
    n = len(fam)
    ssz = {}
    for s in story.values():
        ssz[s] = ssz.get(s, 0) + 1
    sizes = sorted(ssz.values())
    print("docs %d, copies %d (%.1f%%), exact copies %d (%.2f%%)" % (
        n, len(copies), 100 * len(copies) / n, exact, 100 * exact / n))
    print("words/doc: min %d median %d mean %.1f max %d" % (
        min(lens), sorted(lens)[len(lens) // 2], sum(lens) / n, max(lens)))
    print("stories %d; size median %d, p90 %d, max %d; singletons %.0f%%" % (
        len(sizes), sizes[len(sizes) // 2], sizes[int(len(sizes) * 0.9)], sizes[-1],
        100 * sum(1 for s in sizes if s == 1) / len(sizes)))
    if sims:
        for lo, hi in [(1.0, 1.01), (0.9, 1.0), (0.8, 0.9), (0.7, 0.8), (0.6, 0.7), (0.0, 0.6)]:
            c = sum(1 for s in sims if lo <= s < hi)
            print("  copy~original Jaccard in [%.1f, %.1f): %5.1f%%" % (lo, min(hi, 1.0), 100 * c / len(sims)))
        print("  >= 0.8: %.1f%%" % (100 * sum(1 for s in sims if s >= 0.8) / len(sims)))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", required=True)
    ap.add_argument("--days", type=float, default=30.0)
    ap.add_argument("--start", default="2026-11-01T00:00:00Z",
                    help="start of the publication window (UTC, ISO-8601)")
    ap.add_argument("--dup-rate", type=float, default=0.10,
                    help="share of documents that are copies of another (default 0.10)")
    ap.add_argument("--exact-rate", type=float, default=0.01,
                    help="share of documents that are exact copies (part of --dup-rate)")
    ap.add_argument("--stats", action="store_true", help="print corpus statistics afterwards")
    ap.add_argument("--progress", action="store_true")
    a = ap.parse_args(argv)
    if a.docs < 1:
        ap.error("--docs must be positive")
    start = datetime.strptime(a.start, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    os.makedirs(a.out, exist_ok=True)
    t0 = time.time()
    Generator(a.docs, a.seed, a.days, start, a.dup_rate, a.exact_rate).run(a.out, a.progress)
    print("wrote %d docs to %s in %.1fs" % (a.docs, a.out, time.time() - t0), file=sys.stderr)
    if a.stats:
        print_stats(a.out)


if __name__ == "__main__":
    main()
