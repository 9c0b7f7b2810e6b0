#!/usr/bin/env python3
"""Generate the storycluster crawl-simulation fixture from ECB+ text.

    python3 Data/crawlsim/generate.py            # regenerate pages/, labels.jsonl, edits.jsonl
    python3 Data/crawlsim/generate.py --check    # re-parse pages/ independently and verify labels

Python 3.11 standard library only. Deterministic: the same seed and the same
ECB+ input produce byte-identical output. See README.md next to this script.
"""
import argparse
import collections
import datetime as dt
import json
import math
import os
import random
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_ECB = os.environ.get("ECBPLUS_DIR", "/work/shared/data/ecbplus")
SEED = 20261104

# --------------------------------------------------------------------------------------
# simulation parameters (documented in README.md)
WORLD = dict(
    site="world", section="More from World",
    start=dt.datetime(2026, 11, 4, 5, 47), span_h=24.0, gap_min=(20, 40), max_crawls=None,
    n_initial=10, initial_span_h=5.0,            # briefs already on the page at the first crawl
    arrival_mean_min=23.0, arrival_clamp=(4, 90),  # new brief every ~23 min (exponential)
    cap=(8, 12), max_age_h=8.0,                  # page holds 8-12 briefs; older than 8 h drop first
    lead_every_min=(150, 240),                   # lead article replaced every 2.5-4 h
    seps=(("-", 0.8), ("\u2013", 0.12), ("\u2014", 0.08)),
    agencies=("AP", "Reuters", "AFP", "ANP/AFP", "AP/Reuters", "AFP/Reuters", "Reuters/AP", "AFP/DPA", "AFP/AP/Reuters"),
    lead_agencies=("AP/Reuters", "AFP/Reuters/AP", "Reuters/AFP"),
)
BUSINESS = dict(
    site="business", section="More from Business",
    start=dt.datetime(2026, 11, 3, 19, 12), span_h=None, gap_min=(150, 330), max_crawls=15,
    n_initial=10, initial_span_h=56.0,
    arrival_mean_min=320.0, arrival_clamp=(60, 600),
    cap=(8, 12), max_age_h=60.0,
    lead_every_min=(600, 840),
    seps=(("\u2014", 0.7), ("-", 0.3)),
    agencies=("Bloomberg", "Reuters", "AP", "AP/Bloomberg", "Reuters/Bloomberg", "AFP"),
    lead_agencies=("Reuters", "Bloomberg/Reuters"),
)
N_SYNDICATED = 9          # world briefs re-published on the business site (other agency tag)
N_HARD_NEG_WORLD = 6      # same-story, different-doc briefs placed 1-3 arrivals apart on world
N_HARD_NEG_BUSINESS = 2   # business-only docs of the same story as a syndicated brief
P_EDIT = 0.45             # chance a brief gets edited during its life on a page
P_SECOND_EDIT = 0.35      # ... and a second edit event (still relative to the original)
BUSINESS_TOPICS = {"27", "30", "40", "42", "43", "44"}  # ECB+ topics that read as business news
MAX_POOL_CONTAINMENT = 0.25  # ... nor have more than 25% of the smaller text's shingles in the other
MAX_POOL_JACCARD = 0.2    # no two selected docs may share more than this (brief-text shingles)

# --------------------------------------------------------------------------------------
# ECB+ loading, cleaning, detokenisation

MONTHS = ("january february march april may june july august september october november december "
          "jan feb mar apr jun jul aug sep sept oct nov dec").split()
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
DATEISH = re.compile(r"\b(posted|updated|published|last updated|gmt|edt|est|pdt|pst|bst|et|pt|hkt)\b|"
                     r"\d+ : \d+|^\d+ / \d+|^by\b|^\W*$", re.I)
JUNK = re.compile(r"https?:|www\.|@|\||\t|\ufffd|\u00a9|photo|click|read more|advertisement|"
                  r"related:|follow us|subscribe|getty|Quote-Cramer|\bAP\b|"
                  r"\bReuters\b|\bAFP\b|\bminutes? ago\b|\bhours? ago\b|\bdays? ago\b", re.I)
TERMINAL = re.compile(r"[.!?][\"\u201d\u2019')]*$")
# the dateline shape the reader looks for; body text must never contain it
DATELINE_ANYWHERE = re.compile(r"\([A-Za-z][A-Za-z .]*(?:/[A-Za-z][A-Za-z .]*)*\)\s*[-\u2013\u2014]")


def is_dateish(line):
    low = line.lower()
    toks = re.findall(r"[a-z]+", low)
    if DATEISH.search(line):
        return True
    if any(t in MONTHS for t in toks) and re.search(r"\d", line):
        return True
    if any(t in WEEKDAYS for t in toks) and (re.search(r"\d", line) or line.isupper()):
        return True
    return False


def mostly_upper(s):
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.5


NO_SPACE_BEFORE = {",", ".", ":", ";", "?", "!", ")", "]", "}", "%", "''", "\u201d", "...", "\u2026"}
NO_SPACE_AFTER = {"(", "[", "{", "``", "$", "#", "\u201c", "\u2018"}
CLITICS = {"'s", "'re", "'ve", "'ll", "'d", "'m", "n't", "'S", "N'T", "\u2019s"}
DASH_STOP = set("and but or nor so as it it's he she they we i you who which that the a an "
                "while when where because after before with without to of in on at for from".split())


def detok(line):
    """Light detokenisation of ECB+ text (tokens separated by single spaces)."""
    toks = [t for t in line.split(" ") if t]
    out = []          # list of [token, space_before]
    dq_open = False   # straight double quote parity
    glue_next = False
    for i, t in enumerate(toks):
        space = not glue_next
        glue_next = False
        if t in NO_SPACE_BEFORE or t in CLITICS:
            space = False
        elif t in NO_SPACE_AFTER:
            glue_next = True
        elif t == '"':
            if dq_open:
                space = False
            else:
                glue_next = True
            dq_open = not dq_open
        elif t in ("'", "\u2019"):
            space = False
            if i + 1 < len(toks) and toks[i + 1].lower() in ("s", "t", "re", "ve", "ll", "d", "m"):
                glue_next = True
        elif t == "-" and out and i + 1 < len(toks):
            prev, nxt = out[-1][0], toks[i + 1]
            if (re.fullmatch(r"[\w.]+", prev) and re.fullmatch(r"[\w.']+", nxt)
                    and prev.lower() not in DASH_STOP and nxt.lower() not in DASH_STOP):
                out.append(["-", False])
                glue_next = True
                continue
        elif t == "--":
            t = "\u2014"
        if t != '"' and t.count('"') % 2 == 1:
            dq_open = not dq_open
        out.append([t, space])
    s = "".join((" " if sp and k else "") + tok for k, (tok, sp) in enumerate(out))
    s = s.replace("``", "\u201c").replace("''", "\u201d")
    s = re.sub(r"\b(\d+) : (\d\d)\b", r"\1:\2", s)
    s = re.sub(r"(\d+):(\d\d)(?=[AaPp][Mm]\b)", r"\1:\2 ", s)
    s = re.sub(r"(\d) / (\d)", r"\1/\2", s)
    # U . S . / a . m . style initials, then "Dr ." -> "Dr."
    for _ in range(3):
        s = re.sub(r"\b([A-Za-z])\. ([A-Za-z])\.", r"\1.\2.", s)
    s = re.sub(r"\b([A-Za-z]) \.(?= ?[A-Za-z]\b\.?)", r"\1.", s)
    s = re.sub(r"\b([A-Z])\. ([A-Z])\b(?!\w)", r"\1.\2", s)
    s = re.sub(r"(\w)s ' ", r"\1s' ", s)
    s = re.sub(r" +", " ", s).strip()
    return s


def clean_sentence_ok(s):
    if len(s.split()) < 5 or JUNK.search(s) or DATELINE_ANYWHERE.search(s) or mostly_upper(s):
        return False
    if not TERMINAL.search(s):
        return False
    if s[0] in ".,;:)?":
        return False
    # stray "?" left by mis-encoded dashes/quotes in the source ("Systems? announced", ".? I")
    if re.search(r"(^|[\s.])\?|\?\s+[a-z]", s):
        return False
    return True


LEADING_DATELINE = re.compile(r"^(?:[A-Z][A-Z.'\u2019 ,-]*[A-Z.]\s*(?:\([^)]*\))?|\([A-Za-z ]+\))\s*(?:\u2014|\u2013|--|-|:)\s*")


def parse_doc(text):
    """Return (header_lines, body_sentences) of an ECB+ doc, both detokenised."""
    raw = [l.strip() for l in text.split("\n")]
    raw = [l for l in raw if l]
    raw = [re.sub(r"(?<=\d) ([:/.]) (?=\d)", r"\1", l) for l in raw]
    raw = [re.sub(r"(?<=\d) , (?=\d{3}\b)", ",", l) for l in raw]
    raw = [re.sub(r" \. (?=\d{3}\b)", " .", l).replace(" - - ", " -- ").replace("` s ", "'s ")
           for l in raw]

    def sentence_like(l):
        return len(l.split()) >= 6 and bool(TERMINAL.search(detok(l))) and not is_dateish(l)

    # header = leading non-sentence lines (headline, date, byline); a sentence-like
    # standfirst directly followed by date lines also belongs to the header
    i = 0
    while i < min(len(raw), 8) and not sentence_like(raw[i]):
        i += 1
    j = i
    for k in (i + 1, i + 2):
        if k < min(len(raw), 8) and is_dateish(raw[k]) and len(raw[k].split()) <= 14:
            j = k
    if j > i:
        i = j + 1
        while i < min(len(raw), 10) and not sentence_like(raw[i]):
            i += 1
    head_end = i - 1
    header = [detok(l) for l in raw[:head_end + 1]]
    body = []
    for j, l in enumerate(raw[head_end + 1:]):
        s = detok(l)
        if j == 0:
            m = LEADING_DATELINE.match(s)
            if m and mostly_upper(m.group(0)) and len(m.group(0)) >= 4:
                s = s[m.end():]
                s = s[:1].upper() + s[1:]
        if not s:
            continue
        if body and s == body[-1]:
            continue
        if not clean_sentence_ok(s):
            break
        body.append(s)
    return header, body


def headline_lines(header):
    out = []
    for h in header:
        if is_dateish(h) or JUNK.search(h) or mostly_upper(h) or DATELINE_ANYWHERE.search(h):
            continue
        if 3 <= len(h.split()) <= 20 and not h.endswith((".", ",", ":")):
            out.append(h)
    return out


def words(s):
    return s.split()


def shingles(text, k=3):
    toks = re.findall(r"\w+", text.lower())
    return {tuple(toks[i:i + k]) for i in range(max(0, len(toks) - k + 1))}


def jaccard(a, b):
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def containment(a, b):
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


# --------------------------------------------------------------------------------------
# places

GAZETTEER = [  # (name as it appears in ECB+ text, dateline place)
    ("Los Angeles", "LOS ANGELES"), ("Hollywood", "LOS ANGELES"), ("Beverly Hills", "BEVERLY HILLS"),
    ("Malibu", "MALIBU"), ("New York", "NEW YORK"), ("Brooklyn", "NEW YORK"), ("Queens", "NEW YORK"),
    ("Washington", "WASHINGTON"), ("London", "LONDON"), ("Paris", "PARIS"), ("Chicago", "CHICAGO"),
    ("Boston", "BOSTON"), ("New Orleans", "NEW ORLEANS"), ("Indianapolis", "INDIANAPOLIS"),
    ("Kansas City", "KANSAS CITY"), ("Athens", "ATHENS"), ("Greece", "ATHENS"), ("Jakarta", "JAKARTA"),
    ("Aceh", "BANDA ACEH"), ("Indonesia", "JAKARTA"), ("Mumbai", "MUMBAI"), ("New Delhi", "NEW DELHI"),
    ("India", "NEW DELHI"), ("Khartoum", "KHARTOUM"), ("Sudan", "KHARTOUM"), ("Gaza", "GAZA CITY"),
    ("Tehran", "TEHRAN"), ("Dubai", "DUBAI"), ("Aden", "ADEN"), ("Moscow", "MOSCOW"), ("Bern", "BERN"),
    ("Philadelphia", "PHILADELPHIA"), ("Atlanta", "ATLANTA"), ("Houston", "HOUSTON"), ("Texas", "SAN ANGELO"),
    ("Utah", "SALT LAKE CITY"), ("Wasilla", "WASILLA"), ("Alaska", "ANCHORAGE"), ("Anchorage", "ANCHORAGE"),
    ("San Diego", "SAN DIEGO"), ("San Francisco", "SAN FRANCISCO"), ("California", "SACRAMENTO"),
    ("Detroit", "DETROIT"), ("Omaha", "OMAHA"), ("Sunnyvale", "SUNNYVALE"), ("Cupertino", "CUPERTINO"),
    ("Palo Alto", "PALO ALTO"), ("Glasgow", "GLASGOW"), ("Minneapolis", "MINNEAPOLIS"),
    ("Redmond", "REDMOND"), ("Norwalk", "NORWALK"), ("Seattle", "SEATTLE"), ("Cairo", "CAIRO"),
    ("Nashville", "NASHVILLE"), ("Portland", "PORTLAND"),
]
# for stories without a gazetteer hit: deliberately awkward place names
FALLBACK_PLACES = ["SÃO PAULO", "BOGOTÁ", "REYKJAVÍK", "DÜSSELDORF", "PORT-AU-PRINCE", "WINSTON-SALEM",
                   "ST. PAUL", "MONTRÉAL", "ZÜRICH", "MALMÖ", "ŁÓDŹ", "WILKES-BARRE", "FT. LAUDERDALE",
                   "AIX-EN-PROVENCE", "ST. LOUIS", "CIUDAD JUÁREZ", "LA PAZ", "KÖLN"]


def story_places(docs_by_story, rng):
    places = {}
    fallback = FALLBACK_PLACES[:]
    rng.shuffle(fallback)
    for story in sorted(docs_by_story, key=story_key):
        cnt = collections.Counter()
        for d in docs_by_story[story]:
            for name, place in GAZETTEER:
                n = len(re.findall(r"\b" + re.escape(name) + r"\b", d["text"]))
                if n:
                    cnt[place] += n
        if cnt:
            best = max(cnt.items(), key=lambda kv: (kv[1], kv[0]))[0]
            places[story] = best
        else:
            places[story] = fallback.pop(0) if fallback else "NEW YORK"
    return places


def story_key(s):
    a, b = s.split("_")
    return (int(a), b)


# --------------------------------------------------------------------------------------
# edits (always applied to the original text of a brief)

WORD_SWAPS = {
    "said": "stated", "announced": "confirmed", "confirmed": "announced", "reported": "said",
    "arrested": "detained", "detained": "arrested", "officials": "authorities", "authorities": "officials",
    "about": "around", "nearly": "almost", "almost": "nearly", "began": "started", "started": "began",
    "large": "big", "big": "large", "quickly": "rapidly", "after": "following", "injured": "wounded",
    "wounded": "injured", "fire": "blaze", "blaze": "fire", "company": "firm", "firm": "company",
    "deal": "agreement", "agreement": "deal", "earthquake": "quake", "quake": "earthquake",
    "car": "vehicle", "vehicle": "car", "children": "kids", "attack": "assault", "win": "victory",
    "victory": "win", "killed": "slain", "died": "passed away", "week": "weekend", "early": "late",
    "Monday": "Tuesday", "Tuesday": "Wednesday", "Wednesday": "Thursday", "Thursday": "Friday",
    "Friday": "Saturday", "Saturday": "Sunday", "Sunday": "Monday", "new": "latest", "told": "informed",
    "several": "some", "many": "numerous", "man": "person", "woman": "person", "police": "investigators",
}
NUM_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
NUM_RE = re.compile(r"(?<![\w.,:/\u2013-])(\d{1,3}(?:,\d{3})+|\d+)(?![\w:/%-]|[.,]\d)")


def edit_number(text, rng):
    cands = []
    for m in NUM_RE.finditer(text):
        v = int(m.group(1).replace(",", ""))
        if 1900 <= v <= 2030 or v == 0:
            continue
        cands.append(m)
    for m in re.finditer(r"\b(" + "|".join(NUM_WORDS[:-1]) + r")\b", text):
        cands.append(m)
    if not cands:
        return None
    m = rng.choice(cands)
    g = m.group(1)
    if g.isalpha():
        new = NUM_WORDS[NUM_WORDS.index(g) + 1]
    else:
        v = int(g.replace(",", ""))
        if v < 10:
            nv = v + rng.choice([1, 2])
        elif v < 100:
            nv = v + rng.choice([1, 2, 3, 4])
        else:
            nv = v + max(1, round(v * rng.choice([0.02, 0.05, 0.1])))
        new = f"{nv:,}" if "," in g else str(nv)
    return text[:m.start(1)] + new + text[m.end(1):], f"number {g}->{new}"


def edit_word(text, rng):
    cands = []
    for w, rep in WORD_SWAPS.items():
        for m in re.finditer(r"(?<![\w'])" + re.escape(w) + r"(?![\w'])", text):
            if m.start() == 0:
                continue
            cands.append((m, rep))
    if not cands:
        return None
    cands.sort(key=lambda c: c[0].start())
    m, rep = rng.choice(cands)
    return text[:m.start()] + rep + text[m.end():], f"word {m.group(0)}->{rep}"


def edit_append(sents, extra, rng):
    """Append the next ECB+ sentence if it is short relative to the brief."""
    if not extra:
        return None
    nxt = extra[0]
    base = len(words(" ".join(sents)))
    if len(words(nxt)) > max(12, 0.3 * base):
        return None
    return " ".join(sents + [nxt]), "append sentence"


def change_agency(agency, pool, rng):
    parts = agency.split("/")
    others = [a for a in ("AP", "Reuters", "AFP", "DPA", "Bloomberg") if a not in parts]
    if len(parts) >= 3 or (len(parts) > 1 and rng.random() < 0.4):
        return "/".join(parts[:-1])
    return agency + "/" + rng.choice(others)


def make_edit(item, rng, kinds=None):
    """One edit event: returns (agency, text, [descriptions]) derived from the ORIGINAL."""
    orig = " ".join(item["sents"])
    if kinds is None:
        r = rng.random()
        kinds = (["number"] if r < 0.3 else ["word"] if r < 0.55 else ["append"] if r < 0.75
                 else ["agency"] if r < 0.93 else ["number", "agency"])
    text, agency, desc = orig, item["agency"], []
    for k in kinds:
        res = None
        if k == "number":
            res = edit_number(text, rng) or edit_word(text, rng)
        elif k == "word":
            res = edit_word(text, rng) or edit_number(text, rng)
        elif k == "append":
            res = edit_append(item["sents"], item["extra"], rng) or edit_word(text, rng)
        if k == "agency" or (k != "agency" and res is None):
            agency = change_agency(agency, None, rng)
            desc.append(f"agency {item['agency']}->{agency}")
            continue
        text, d = res
        desc.append(d)
    return agency, text, desc


# --------------------------------------------------------------------------------------
# simulation

def age_marker(minutes):
    m = max(1, int(minutes))
    if m < 60:
        return f"{m} minute ago" if m == 1 else f"{m} minutes ago"
    h = m // 60
    if h < 24:
        return "1 hour ago" if h == 1 else f"{h} hours ago"
    if h < 48:
        return "yesterday"
    return f"{h // 24} days ago"


def stamp(t):
    return t.strftime("%Y%m%d-%H%M")


def crawl_times(cfg, rng):
    t = cfg["start"]
    out = [t]
    while True:
        t = t + dt.timedelta(minutes=rng.randint(*cfg["gap_min"]))
        if cfg["span_h"] is not None and (t - cfg["start"]).total_seconds() > cfg["span_h"] * 3600:
            break
        out.append(t)
        if cfg["max_crawls"] and len(out) >= cfg["max_crawls"]:
            break
    return out


def weighted(rng, pairs):
    r = rng.random()
    acc = 0.0
    for v, w in pairs:
        acc += w
        if r < acc:
            return v
    return pairs[-1][0]


def simulate_page(cfg, crawls, arrivals, rng):
    """arrivals: list of (pub_time, item) sorted by time. Returns {crawl index: [items newest first]}."""
    page = []                       # newest first
    arrivals = sorted(arrivals, key=lambda a: a[0])
    ai = 0
    cap = rng.randint(*cfg["cap"])
    shown = {}
    gone = set()
    for ci, t in enumerate(crawls):
        while ai < len(arrivals) and arrivals[ai][0] <= t:
            page.insert(0, arrivals[ai][1])
            ai += 1
        cap = min(cfg["cap"][1], max(cfg["cap"][0], cap + rng.choice([-1, 0, 0, 1])))
        while len(page) > cap:
            gone.add(page.pop()["key"])
        while len(page) > cfg["cap"][0] and (t - page[-1]["pub"]).total_seconds() > cfg["max_age_h"] * 3600:
            gone.add(page.pop()["key"])
        shown[ci] = list(page)
    return shown


def build(ecb_dir, seed=SEED):
    rng = random.Random(seed)
    docs = [json.loads(l) for l in open(os.path.join(ecb_dir, "corpus.jsonl"), encoding="utf-8")]
    story_of = {}
    for l in open(os.path.join(ecb_dir, "labels.jsonl"), encoding="utf-8"):
        r = json.loads(l)
        story_of[r["id"]] = r["story"]
    docs.sort(key=lambda d: d["id"])
    by_story = collections.defaultdict(list)
    for d in docs:
        by_story[story_of[d["id"]]].append(d)
    places = story_places(by_story, rng)

    # candidate briefs and leads
    brief_cands = collections.defaultdict(list)
    lead_cands = []
    for d in docs:
        header, body = parse_doc(d["text"])
        opts = []
        for k in (2, 3, 4):
            if len(body) >= k:
                n = len(words(" ".join(body[:k])))
                if 30 <= n <= 120:
                    opts.append(k)
        if opts:
            k = rng.choice(opts)
            brief_cands[story_of[d["id"]]].append(dict(doc=d["id"], story=story_of[d["id"]],
                                                       sents=body[:k], extra=body[k:k + 1]))
        hl = headline_lines(header)
        if len(body) >= 6:
            nlead = 5
            while nlead < len(body) - 1 and len(words(" ".join(body[:nlead]))) < 110:
                nlead += 1
            n = len(words(" ".join(body[:nlead])))
            if 90 <= n <= 240 and all(len(words(s)) <= 70 for s in body[:nlead]):
                lead_cands.append(dict(doc=d["id"], story=story_of[d["id"]], headline=hl,
                                       sents=body[:nlead], extra=body[nlead:nlead + 1]))
    for s in brief_cands:
        rng.shuffle(brief_cands[s])
    rng.shuffle(lead_cands)

    selected_shingles = []   # (doc, shingles) of every doc used so far

    def compatible(c):
        sh = shingles(" ".join(c["sents"]))
        for doc, other in selected_shingles:
            if doc == c["doc"] or jaccard(sh, other) > MAX_POOL_JACCARD or \
                    containment(sh, other) > MAX_POOL_CONTAINMENT:
                return False
        return True

    def take(c):
        selected_shingles.append((c["doc"], shingles(" ".join(c["sents"]))))

    # ---- leads
    w_crawls = crawl_times(WORLD, rng)
    b_crawls = crawl_times(BUSINESS, rng)

    def lead_slots(cfg, crawls):
        slots, t = [], crawls[0] - dt.timedelta(minutes=rng.randint(0, 60))
        while t <= crawls[-1]:
            nxt = t + dt.timedelta(minutes=rng.randint(*cfg["lead_every_min"]))
            slots.append((t, nxt))
            t = nxt
        return slots

    used_docs = set()
    leads = {"world": [], "business": []}
    lc = [c for c in lead_cands if c["headline"]]
    lc_nohl = [c for c in lead_cands if not c["headline"]]
    for site, cfg, crawls in (("world", WORLD, w_crawls), ("business", BUSINESS, b_crawls)):
        for si, (t0, t1) in enumerate(lead_slots(cfg, crawls)):
            pool = lc_nohl if (site == "world" and si == 3) else lc
            want_two = site == "world" and si == 1
            for c in pool:
                if c["doc"] in used_docs or not compatible(c):
                    continue
                if want_two and len(c["headline"]) < 2:
                    continue
                break
            else:
                raise SystemExit("ran out of lead candidates")
            used_docs.add(c["doc"])
            take(c)
            hl = c["headline"][:2] if want_two else c["headline"][:1]
            item = dict(c, role="lead", site=site, key=f"{site}:lead:{c['doc']}", headline=hl,
                        place=places[c["story"]], agency=rng.choice(cfg["lead_agencies"]),
                        sep="-", start=t0, end=t1)
            leads[site].append(item)

    # ---- world brief arrival sequence: one doc per story in random order, then second docs
    stories = sorted(brief_cands, key=story_key)
    rng.shuffle(stories)

    def next_doc(story, exclude_story_docs=()):
        for c in brief_cands[story]:
            if c["doc"] in used_docs or c["doc"] in exclude_story_docs:
                continue
            if compatible(c):
                return c
        return None

    n_world = WORLD["n_initial"] + int(WORLD["span_h"] * 60 / WORLD["arrival_mean_min"]) + 6
    seq = []
    hard_neg_stories = []
    rounds = 0
    while len(seq) < n_world and rounds < 4:
        for s in stories:
            if len(seq) >= n_world:
                break
            c = next_doc(s)
            if c is None:
                continue
            used_docs.add(c["doc"])
            take(c)
            seq.append(c)
        rounds += 1
        rng.shuffle(stories)
    # hard negatives: insert a second doc of the same story 1-3 arrivals later
    hn_positions = [i for i in range(WORLD["n_initial"] - 4, len(seq) - 4)]
    rng.shuffle(hn_positions)
    inserted = 0
    for pos in hn_positions:
        if inserted >= N_HARD_NEG_WORLD:
            break
        a = seq[pos]
        if a["story"] in hard_neg_stories:
            continue
        b = next_doc(a["story"])
        if b is None:
            continue
        used_docs.add(b["doc"])
        take(b)
        seq.insert(pos + rng.randint(1, 3), dict(b, hard_negative_of=a["doc"]))
        hard_neg_stories.append(a["story"])
        inserted += 1

    # world arrival times
    t_first = w_crawls[0]
    init = seq[:WORLD["n_initial"]]
    rest = seq[WORLD["n_initial"]:]
    init_times = sorted(t_first - dt.timedelta(minutes=rng.uniform(5, WORLD["initial_span_h"] * 60))
                        for _ in init)
    arrivals = []
    for c, t in zip(init, init_times):
        arrivals.append((t, c))
    t = t_first
    for c in rest:
        gap = min(WORLD["arrival_clamp"][1], max(WORLD["arrival_clamp"][0],
                                                 rng.expovariate(1.0 / WORLD["arrival_mean_min"])))
        if c.get("hard_negative_of"):
            gap = min(gap, 20)
        t = t + dt.timedelta(minutes=gap)
        arrivals.append((t, c))

    def mk_item(c, site, cfg, pub, agency=None):
        return dict(c, role="brief", site=site, key=f"{site}:{c['doc']}", pub=pub,
                    place=places[c["story"]], agency=agency or rng.choice(cfg["agencies"]),
                    sep=weighted(rng, cfg["seps"]))

    world_items = [mk_item(c, "world", WORLD, pub) for pub, c in arrivals]
    w_shown = simulate_page(WORLD, w_crawls, [(it["pub"], it) for it in world_items], rng)

    # ---- business: syndicated world briefs + own docs
    w_seen = {x["key"] for v in w_shown.values() for x in v}
    w_visible = [it for it in world_items if it["key"] in w_seen]
    synd_cands = [it for it in w_visible if b_crawls[0] < it["pub"] < b_crawls[-1] - dt.timedelta(hours=6)
                  and not it.get("hard_negative_of")]
    rng.shuffle(synd_cands)
    synd = sorted(synd_cands[:N_SYNDICATED], key=lambda it: it["pub"])
    b_arrivals = []
    for it in synd:
        ag = rng.choice([a for a in BUSINESS["agencies"] if a != it["agency"]])
        src = {k: it[k] for k in ("doc", "story", "sents", "extra")}
        bi = mk_item(src, "business", BUSINESS, it["pub"] + dt.timedelta(minutes=rng.randint(8, 95)), ag)
        bi["syndicated_from"] = it["key"]
        b_arrivals.append(bi)
    # business own docs: initial page + slow arrivals
    own = []
    biz = [s_ for s_ in sorted(brief_cands, key=story_key) if s_.split("_")[0] in BUSINESS_TOPICS]
    rest_st = [s_ for s_ in sorted(brief_cands, key=story_key) if s_.split("_")[0] not in BUSINESS_TOPICS]
    rng.shuffle(biz)
    rng.shuffle(rest_st)
    bstories = biz + biz + rest_st     # business-desk stories first (two rounds), then anything
    # same-story different-doc as a syndicated brief (cross-site hard negatives)
    for it in synd[:N_HARD_NEG_BUSINESS]:
        c = next_doc(it["story"])
        if c is None:
            continue
        used_docs.add(c["doc"])
        take(c)
        bi = mk_item(c, "business", BUSINESS, it["pub"] + dt.timedelta(minutes=rng.randint(100, 200)))
        bi["hard_negative_of"] = it["doc"]
        own.append(bi)
    t_first = b_crawls[0]
    n_own = BUSINESS["n_initial"] + int((b_crawls[-1] - b_crawls[0]).total_seconds() / 60
                                        / BUSINESS["arrival_mean_min"])
    times = sorted(t_first - dt.timedelta(minutes=rng.uniform(10, BUSINESS["initial_span_h"] * 60))
                   for _ in range(BUSINESS["n_initial"]))
    t = t_first
    while len(times) < n_own:
        t = t + dt.timedelta(minutes=min(BUSINESS["arrival_clamp"][1], max(
            BUSINESS["arrival_clamp"][0], rng.expovariate(1.0 / BUSINESS["arrival_mean_min"]))))
        times.append(t)
    si = 0
    for t in times:
        c = None
        while c is None and si < len(bstories):
            c = next_doc(bstories[si])
            si += 1
        if c is None:
            break
        used_docs.add(c["doc"])
        take(c)
        own.append(mk_item(c, "business", BUSINESS, t))
    business_items = b_arrivals + own
    b_shown = simulate_page(BUSINESS, b_crawls, [(it["pub"], it) for it in business_items], rng)

    # ---- edits: per item, choose edit events at crawls after its first appearance
    def schedule_edits(items, shown, crawls):
        for it in items:
            cis = [ci for ci in sorted(shown) if any(x["key"] == it["key"] for x in shown[ci])]
            it["crawls"] = cis
            it["versions"] = [(-1, it["agency"], " ".join(it["sents"]), [])]
            if len(cis) >= 2 and rng.random() < P_EDIT:
                n_ev = 2 if (len(cis) >= 4 and rng.random() < P_SECOND_EDIT) else 1
                at = sorted(rng.sample(cis[1:], n_ev))
                for ci in at:
                    ag, text, desc = make_edit(it, rng)
                    it["versions"].append((ci, ag, text, desc))

    schedule_edits(world_items, w_shown, w_crawls)
    schedule_edits(business_items, b_shown, b_crawls)

    for site, crawls in (("world", w_crawls), ("business", b_crawls)):
        for it in leads[site]:
            cis = [ci for ci, t in enumerate(crawls) if it["start"] <= t < it["end"]]
            it["crawls"] = cis
            it["versions"] = [(-1, it["agency"], it["sents"], [])]
            if len(cis) >= 3 and rng.random() < 0.6:
                ci = rng.choice(cis[1:])
                if it["extra"] and rng.random() < 0.5:
                    it["versions"].append((ci, it["agency"], it["sents"] + it["extra"], ["append paragraph"]))
                else:
                    new_sents, desc = [], None
                    for s_ in it["sents"]:
                        r2 = edit_number(s_, rng) if desc is None else None
                        if r2:
                            new_sents.append(r2[0])
                            desc = r2[1]
                        else:
                            new_sents.append(s_)
                    if desc:
                        it["versions"].append((ci, it["agency"], new_sents, [desc]))
            # paragraphing: first para 1-2 sentences, then 1-2 per paragraph
            paras, i = [], 0
            while i < len(it["sents"]) + 1:
                n = rng.choice([1, 2, 2])
                paras.append(n)
                i += n
            it["para_sizes"] = paras

    return dict(crawls={"world": w_crawls, "business": b_crawls},
                shown={"world": w_shown, "business": b_shown}, leads=leads,
                items=world_items + business_items, used_docs=used_docs)


def version_at(it, ci):
    cur = it["versions"][0]
    for v in it["versions"]:
        if v[0] <= ci:
            cur = v
    return cur


def render(sim, out_dir):
    pages_dir = os.path.join(out_dir, "pages")
    if os.path.isdir(pages_dir):
        shutil.rmtree(pages_dir)
    labels, edits = [], []
    for site, cfg in (("world", WORLD), ("business", BUSINESS)):
        os.makedirs(os.path.join(pages_dir, site), exist_ok=True)
        for ci, t in enumerate(sim["crawls"][site]):
            fname = f"{site}-{stamp(t)}.txt"
            rel = f"{site}/{fname}"
            lines, n = [], 0
            lead = [l for l in sim["leads"][site] if ci in l["crawls"]]
            assert len(lead) == 1, (site, ci)
            lead = lead[0]
            _, ag, sents, desc = version_at(lead, ci)
            lines += lead["headline"]
            paras, i = [], 0
            for sz in lead["para_sizes"]:
                if i >= len(sents):
                    break
                paras.append(" ".join(sents[i:i + sz]))
                i += sz
            if i < len(sents):
                paras.append(" ".join(sents[i:]))
            paras[0] = f"{lead['place']} ({ag}) {lead['sep']} " + paras[0]
            lines += paras
            n += 1
            labels.append({"id": f"{rel}#{n}", "dup": lead["doc"], "story": lead["story"]})
            edits.append({"id": f"{rel}#{n}", "role": "lead", "edits": desc})
            lines.append(cfg["section"])
            items = sim["shown"][site][ci]
            prev_marker = ""
            for it in items:
                _, ag, text, desc = version_at(it, ci)
                n += 1
                lines.append(f"{prev_marker}{it['place']} ({ag}) {it['sep']} {text}")
                prev_marker = age_marker((t - it["pub"]).total_seconds() / 60)
                labels.append({"id": f"{rel}#{n}", "dup": it["doc"], "story": it["story"]})
                e = {"id": f"{rel}#{n}", "role": "brief", "edits": desc}
                if it.get("syndicated_from"):
                    e["syndicated"] = True
                if it.get("hard_negative_of"):
                    e["same_story_as"] = it["hard_negative_of"]
                edits.append(e)
            lines.append(prev_marker)
            body = "\n".join(lines)          # like the seed page: no trailing newline
            with open(os.path.join(pages_dir, site, fname), "w", encoding="utf-8", newline="\n") as f:
                f.write(body)
    labels.sort(key=lambda r: id_key(r["id"]))
    edits.sort(key=lambda r: id_key(r["id"]))
    with open(os.path.join(out_dir, "labels.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        for r in labels:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(os.path.join(out_dir, "edits.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        for r in edits:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return labels


def id_key(i):
    path, n = i.rsplit("#", 1)
    return (path, int(n))


# --------------------------------------------------------------------------------------
# independent checker

MARKER = r"(?:\d+ (?:minute|hour|day)s? ago|yesterday)"
PLACE = r"[^\W\d_][^\W\d_ .\-]*(?:[ .\-]+[^\W\d_][^\W\d_.\-]*)*\.?"
AGENCY = r"[A-Za-z][A-Za-z ]*(?:/[A-Za-z][A-Za-z ]*)*"
DL = rf"(?P<place>{PLACE}) \((?P<agency>{AGENCY})\) [-\u2013\u2014] "
DL_RE = re.compile(DL)
LINE_DL = re.compile(rf"^{DL}")
SECTION = re.compile(r"^More from [A-Z][A-Za-z ]*$")
STAMP = re.compile(r"(\d{8})-(\d{4})\.txt$")
MARKER_END = re.compile(rf"\n?({MARKER})$")


def parse_page(text):
    """Independent parser: returns list of dicts (lead first) with keys text, marker, dateline."""
    lines = text.split("\n")
    sec = [i for i, l in enumerate(lines) if SECTION.match(l)]
    assert len(sec) == 1, "expected exactly one section line"
    sec = sec[0]
    head = lines[:sec]
    li = next(i for i, l in enumerate(head) if LINE_DL.match(l))
    m = LINE_DL.match(head[li])
    lead_text = "\n".join([head[li][m.end():]] + head[li + 1:])
    out = [dict(text=lead_text, marker=None, place=m.group("place"), agency=m.group("agency"),
                headline=head[:li])]
    region = "\n".join(lines[sec + 1:])
    # brief starts: a dateline at a line start, or right after a marker at a line start
    starts = []
    pos = 0
    for lm in re.finditer(r"(?m)^", region):
        s = lm.start()
        mm = re.match(MARKER, region[s:])
        cand = s + (mm.end() if mm and DL_RE.match(region, s + mm.end()) else 0)
        d = DL_RE.match(region, cand)
        if d:
            starts.append((s, cand, d))
    for k, (line_start, s, d) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(region)
        chunk = region[d.end():end]
        if k + 1 < len(starts):
            nxt_line_start, nxt_s, _ = starts[k + 1]
            marker = region[nxt_line_start:nxt_s]
            chunk = chunk.rstrip("\n")
        else:
            mm = MARKER_END.search(chunk)
            assert mm, "last brief has no trailing marker"
            marker = mm.group(1)
            chunk = chunk[:mm.start()]
        assert re.fullmatch(MARKER, marker), f"bad marker {marker!r}"
        out.append(dict(text=chunk, marker=marker, place=d.group("place"), agency=d.group("agency")))
    return out


def marker_minutes(m):
    if m == "yesterday":
        return (24 * 60, 48 * 60)
    n, unit = m.split()[:2]
    n = int(n)
    if unit.startswith("minute"):
        return (n, n + 1)
    if unit.startswith("hour"):
        return (n * 60, (n + 1) * 60)
    return (n * 1440, (n + 1) * 1440)


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p
    lo, hi = math.floor(k), math.ceil(k)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def check(out_dir):
    pages_dir = os.path.join(out_dir, "pages")
    labels = [json.loads(l) for l in open(os.path.join(out_dir, "labels.jsonl"), encoding="utf-8")]
    lab = {r["id"]: r for r in labels}
    assert len(lab) == len(labels), "duplicate ids in labels"
    parsed_ids, texts = [], {}
    problems = []
    pub_windows = collections.defaultdict(list)
    n_pages = 0
    for site in sorted(os.listdir(pages_dir)):
        for fname in sorted(os.listdir(os.path.join(pages_dir, site))):
            n_pages += 1
            m = STAMP.search(fname)
            assert m, fname
            crawl = dt.datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M")
            raw = open(os.path.join(pages_dir, site, fname), encoding="utf-8").read()
            briefs = parse_page(raw)
            rel = f"{site}/{fname}"
            exp = sorted((i for i in lab if i.startswith(rel + "#")), key=id_key)
            got = [f"{rel}#{n}" for n in range(1, len(briefs) + 1)]
            if got != exp:
                problems.append(f"{rel}: parsed {len(got)} briefs, labels have {len(exp)}")
            fams = [lab[i]["dup"] for i in got if i in lab]
            if len(fams) != len(set(fams)):
                problems.append(f"{rel}: a dup family occurs twice on one page")
            prev_age = -1
            for n, b in enumerate(briefs, 1):
                i = f"{rel}#{n}"
                parsed_ids.append(i)
                texts[i] = b["text"]
                if b["place"] != b["place"].upper():
                    problems.append(f"{i}: place not upper-case: {b['place']}")
                if DL_RE.search(b["text"]) or DATELINE_ANYWHERE.search(b["text"]):
                    problems.append(f"{i}: dateline-like text inside body")
                if b["marker"]:
                    lo, hi = marker_minutes(b["marker"])
                    if lo < prev_age:
                        problems.append(f"{i}: page not newest-first")
                    prev_age = lo
                    if i in lab:
                        pub_windows[(site, lab[i]["dup"])].append(
                            (crawl - dt.timedelta(minutes=hi), crawl - dt.timedelta(minutes=lo), i))
    for key, ws in pub_windows.items():
        lo = max(w[0] for w in ws)
        hi = min(w[1] for w in ws)
        if lo > hi + dt.timedelta(minutes=1):
            problems.append(f"{key}: relative-time markers inconsistent across crawls")
    missing = set(lab) - set(parsed_ids)
    if missing:
        problems.append(f"{len(missing)} labelled ids not found in pages")

    # Jaccard statistics on body text (lead: paragraphs without headline; dateline excluded)
    sh = {i: shingles(t) for i, t in texts.items()}
    fam = collections.defaultdict(list)
    for i in parsed_ids:
        fam[lab[i]["dup"]].append(i)
    dup_j, dup_j_changed = [], []
    for f, ids in fam.items():
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                j = jaccard(sh[ids[a]], sh[ids[b]])
                dup_j.append(j)
                if texts[ids[a]] != texts[ids[b]]:
                    dup_j_changed.append(j)
    # non-duplicates: compare distinct texts of different families
    distinct = {}
    for i in parsed_ids:
        distinct.setdefault((lab[i]["dup"], texts[i]), i)
    keys = list(distinct)
    max_nd, max_nd_pair, max_hn, max_cont = 0.0, None, 0.0, 0.0
    n_nd = 0
    for a in range(len(keys)):
        for b in range(a + 1, len(keys)):
            if keys[a][0] == keys[b][0]:
                continue
            ia, ib = distinct[keys[a]], distinct[keys[b]]
            j = jaccard(sh[ia], sh[ib])
            n_nd += 1
            max_cont = max(max_cont, containment(sh[ia], sh[ib]))
            if j > max_nd:
                max_nd, max_nd_pair = j, (ia, ib)
            if lab[ia]["story"] == lab[ib]["story"]:
                max_hn = max(max_hn, j)
    n_ids = len(parsed_ids)
    total_pairs = n_ids * (n_ids - 1) // 2
    same_story_nondup = 0
    by_story = collections.Counter(lab[i]["story"] for i in parsed_ids)
    same_story_pairs = sum(c * (c - 1) // 2 for c in by_story.values())
    same_story_nondup = same_story_pairs - len(dup_j)
    site_pages = collections.Counter(p.split("/")[0] for p in {x.rsplit("#", 1)[0] for x in parsed_ids})
    site_ids = collections.Counter(i.split("/")[0] for i in parsed_ids)
    cross_site = sum(1 for ids in fam.values() if len({i.split("/")[0] for i in ids}) > 1)
    cross_pairs = sum(1 for ids in fam.values() for a in range(len(ids)) for b in range(a + 1, len(ids))
                      if ids[a].split("/")[0] != ids[b].split("/")[0])
    n_versions = len({(lab[i]["dup"], texts[i]) for i in parsed_ids})
    stats = dict(
        per_site={k: dict(pages=site_pages[k], ids=site_ids[k]) for k in sorted(site_ids)},
        cross_site_families=cross_site, cross_site_dup_pairs=cross_pairs,
        singleton_families=sum(1 for ids in fam.values() if len(ids) == 1),
        distinct_body_versions=n_versions,
        pages=n_pages, briefs=n_ids, families=len(fam), stories=len(by_story),
        gold_dup_pairs=len(dup_j), non_dup_pairs=total_pairs - len(dup_j),
        same_story_non_dup_pairs=same_story_nondup,
        dup_jaccard_all=dict(min=min(dup_j), p5=pct(dup_j, 0.05), median=pct(dup_j, 0.5)),
        dup_jaccard_changed=dict(n=len(dup_j_changed), min=min(dup_j_changed),
                                 p5=pct(dup_j_changed, 0.05), median=pct(dup_j_changed, 0.5),
                                 share_ge_0_8=sum(j >= 0.8 for j in dup_j_changed) / len(dup_j_changed)),
        dup_pairs_ge_0_8=sum(j >= 0.8 for j in dup_j) / len(dup_j),
        max_non_dup_jaccard=max_nd, max_non_dup_pair=max_nd_pair,
        max_same_story_non_dup_jaccard=max_hn, max_non_dup_containment=max_cont,
    )
    return stats, problems


def fmt_stats(s):
    a, c = s["dup_jaccard_all"], s["dup_jaccard_changed"]
    return "\n".join([
        "per site: " + ", ".join(f"{k}: {v['pages']} pages / {v['ids']} ids" for k, v in s["per_site"].items()),
        f"families on both sites: {s['cross_site_families']} ({s['cross_site_dup_pairs']} cross-site dup pairs); "
        f"singleton families: {s['singleton_families']}; distinct (family, body text) versions: "
        f"{s['distinct_body_versions']}",
        f"pages: {s['pages']}  briefs (ids): {s['briefs']}  dup families: {s['families']}  "
        f"ECB+ stories: {s['stories']}",
        f"gold duplicate pairs: {s['gold_dup_pairs']}  non-duplicate pairs: {s['non_dup_pairs']} "
        f"(same-story non-duplicate pairs: {s['same_story_non_dup_pairs']})",
        f"word-3-shingle Jaccard, all dup pairs:        min {a['min']:.3f}  p5 {a['p5']:.3f}  "
        f"median {a['median']:.3f}  (share >= 0.8: {s['dup_pairs_ge_0_8']:.3f})",
        f"  ... dup pairs whose body text differs:     n {c['n']}  min {c['min']:.3f}  p5 {c['p5']:.3f}  "
        f"median {c['median']:.3f}  (share >= 0.8: {c['share_ge_0_8']:.3f})",
        f"max Jaccard among non-dup pairs: {s['max_non_dup_jaccard']:.3f} {s['max_non_dup_pair']}",
        f"max Jaccard among same-story non-dup pairs: {s['max_same_story_non_dup_jaccard']:.3f}",
        f"max containment |A&B|/min(|A|,|B|) among non-dup pairs: {s['max_non_dup_containment']:.3f}",
    ])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="only verify the generated files")
    ap.add_argument("--ecbplus", default=DEFAULT_ECB, help="folder with corpus.jsonl + labels.jsonl")
    ap.add_argument("--out", default=HERE)
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    if not args.check:
        sim = build(args.ecbplus, args.seed)
        labels = render(sim, args.out)
        print(f"wrote {len(labels)} labels, {len(sim['used_docs'])} ECB+ docs used")
    stats, problems = check(args.out)
    print(fmt_stats(stats))
    if problems:
        print(f"{len(problems)} PROBLEMS:")
        for p in problems[:50]:
            print("  " + p)
        sys.exit(1)
    print("check OK")


if __name__ == "__main__":
    main()
