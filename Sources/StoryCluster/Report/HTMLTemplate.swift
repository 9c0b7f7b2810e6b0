/// The self-contained HTML report page (inline CSS and JS, no network): the run JSON is embedded in it.
enum HTMLTemplate {
    /// The page; `/*STORYCLUSTER_DATA*/` (which occurs exactly once) is replaced by the run JSON with every `<`
    /// written as `\u003c`. That covers `</` (could close the script element) and `<!--` (an HTML comment opener
    /// followed by `<script` makes the parser swallow the closing `</script>`), which `<\/` alone does not.
    static let page = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="storycluster">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<title>storycluster report</title>
<style>
:root {
  --bg: #f4f2ee; --card: #ffffff; --ink: #1d2430; --muted: #5f6b7a; --faint: #8a94a3;
  --line: #e2ded6; --chip: #eef0f3; --chip-ink: #334155; --accent: #0f6e6e; --accent-soft: #d9efed;
  --bar: #0f6e6e; --bar-soft: #9fd3cf; --head: #17212f; --head-ink: #f3f5f8; --head-muted: #aab6c6;
  --mark: #fff0a8; --warn: #8a5a00; --warn-bg: #fff6e0;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #14181e; --card: #1d232b; --ink: #e6e9ee; --muted: #a3adba; --faint: #7d8896;
    --line: #2d3540; --chip: #2a323d; --chip-ink: #d3d9e1; --accent: #5cc8c0; --accent-soft: #1f3b3a;
    --bar: #5cc8c0; --bar-soft: #2f6f6a; --head: #0d1116; --head-ink: #f3f5f8; --head-muted: #94a1b2;
    --mark: #5a4d00; --warn: #f1c86a; --warn-bg: #332a12;
  }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", "DejaVu Sans", Arial, sans-serif;
}
button, input, select { font: inherit; color: inherit; }
.wrap { max-width: 1080px; margin: 0 auto; padding: 0 20px; }
header.top { background: var(--head); color: var(--head-ink); padding: 22px 0 18px; }
header.top h1 { margin: 0; font-size: 1.45rem; font-weight: 650; letter-spacing: -0.01em; }
header.top h1 .brand { color: var(--head-muted); font-weight: 500; }
.corpus-path { color: var(--head-muted); font-size: 0.85rem; margin-top: 2px; word-break: break-all; }
.stats { display: flex; flex-wrap: wrap; gap: 10px 28px; margin-top: 14px; }
.stat { display: flex; flex-direction: column; }
.stat b { font-size: 1.5rem; font-weight: 650; line-height: 1.1; font-variant-numeric: tabular-nums; }
.stat span.k { color: var(--head-muted); font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.05em; }
.overview { margin-top: 14px; }
.overview .tl-bars { height: 34px; }
.overview .tl { --bar: #5cc8c0; --bar-soft: #3f7f7b; }
.overview .tl-axis { color: var(--head-muted); }
.toolbar {
  position: sticky; top: 0; z-index: 5; background: var(--bg); border-bottom: 1px solid var(--line);
  padding: 10px 0;
}
.toolbar .wrap { display: flex; flex-wrap: wrap; gap: 10px 16px; align-items: center; }
.search { flex: 1 1 320px; position: relative; }
.search input {
  width: 100%; padding: 8px 12px; border: 1px solid var(--line); border-radius: 8px; background: var(--card);
  outline: none;
}
.search input:focus { border-color: var(--accent); box-shadow: 0 0 0 3px var(--accent-soft); }
.toolbar label { color: var(--muted); font-size: 0.9rem; }
.toolbar select { padding: 7px 8px; border: 1px solid var(--line); border-radius: 8px; background: var(--card); }
.result-note { color: var(--muted); font-size: 0.9rem; white-space: nowrap; }
main { padding: 18px 0 40px; }
.card {
  background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 16px 18px 12px;
  margin: 0 0 14px; break-inside: avoid;
}
.card-top { display: flex; gap: 12px; align-items: baseline; justify-content: space-between; }
.label {
  color: var(--accent); font-size: 0.78rem; font-weight: 650; text-transform: uppercase; letter-spacing: 0.06em;
  overflow-wrap: anywhere;
}
.size { color: var(--muted); font-size: 0.85rem; white-space: nowrap; font-variant-numeric: tabular-nums; }
.size b { color: var(--ink); }
.headline { margin: 4px 0 6px; font-size: 1.14rem; line-height: 1.35; font-weight: 650; overflow-wrap: anywhere; }
.facts { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; color: var(--muted); font-size: 0.88rem; }
.chips { display: inline-flex; flex-wrap: wrap; gap: 4px; }
.chip {
  background: var(--chip); color: var(--chip-ink); border-radius: 999px; padding: 1px 8px; font-size: 0.78rem;
  white-space: nowrap;
}
.chip.place { text-transform: uppercase; letter-spacing: 0.03em; font-size: 0.72rem; padding: 2px 8px; }
.chip.thread { font-style: italic; }
details.event > summary { cursor: pointer; padding: 4px 0; line-height: 1.4; }
details.event > summary .size { margin-left: 6px; }
.tl { margin: 10px 0 4px; }
.tl-bars {
  display: flex; align-items: flex-end; gap: 1px; height: 30px; border-bottom: 1px solid var(--line);
  position: relative;
}
.tl-bin { flex: 1 1 0; display: flex; flex-direction: column-reverse; min-width: 0; height: 100%; }
.tl-bin i { display: block; background: var(--bar); }
.tl-bin i.r { background: var(--bar-soft); }
.tl-axis { display: flex; justify-content: space-between; color: var(--faint); font-size: 0.74rem; margin-top: 2px; gap: 8px; }
.tl-none { color: var(--faint); font-size: 0.8rem; font-style: italic; }
ol.entries { list-style: none; margin: 8px 0 0; padding: 0; }
li.entry { border-top: 1px solid var(--line); padding: 8px 0; display: grid; grid-template-columns: 128px 1fr; gap: 2px 14px; }
.when { color: var(--muted); font-size: 0.82rem; font-variant-numeric: tabular-nums; padding-top: 2px; line-height: 1.35; }
.when .d { display: block; color: var(--ink); }
.when.unknown { font-style: italic; color: var(--faint); }
.entry-meta { font-size: 0.8rem; color: var(--muted); display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: center; }
.dateline { font-weight: 650; text-transform: uppercase; letter-spacing: 0.03em; color: var(--ink); font-size: 0.76rem; }
.rep-badge { color: var(--accent); font-size: 0.72rem; font-weight: 650; text-transform: uppercase; letter-spacing: 0.05em; }
.btitle { font-weight: 650; margin: 2px 0 0; overflow-wrap: anywhere; }
.btext { margin: 2px 0 0; white-space: pre-line; overflow-wrap: anywhere; }
.btext.clamped { display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
.src { color: var(--faint); font-size: 0.76rem; overflow-wrap: anywhere; }
.src a { color: var(--accent); }
.linkish {
  background: none; border: none; padding: 0; color: var(--accent); cursor: pointer; font-size: 0.82rem;
  font-weight: 600;
}
.linkish:hover { text-decoration: underline; }
.linkish:focus-visible, .more:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.reprints { list-style: none; margin: 6px 0 0; padding: 0 0 0 12px; border-left: 3px solid var(--accent-soft); }
.reprints li { font-size: 0.8rem; color: var(--muted); padding: 2px 0; display: flex; flex-wrap: wrap; gap: 2px 10px; }
.reprints .when { font-size: 0.8rem; padding: 0; }
.reprints .link-update { color: var(--accent); font-weight: 600; }
.reprints .link-first { color: var(--muted); font-style: italic; }
.reprints .changes { flex-basis: 100%; white-space: pre-wrap; }
.reprints .when .d { display: inline; color: var(--muted); }
.card-foot { display: flex; justify-content: space-between; align-items: center; margin-top: 4px; }
.more {
  display: block; margin: 8px auto 0; background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 8px 18px; cursor: pointer; color: var(--accent); font-weight: 600;
}
.card .more { display: inline-block; margin: 6px 0 0; padding: 4px 12px; font-size: 0.85rem; }
.empty, .error { text-align: center; color: var(--muted); padding: 48px 0; }
.error { color: var(--warn); }
mark { background: var(--mark); color: inherit; border-radius: 2px; }
details.panel {
  background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 10px 18px; margin: 0 0 14px;
}
details.panel summary { cursor: pointer; color: var(--muted); font-weight: 600; }
details.panel.warn { background: var(--warn-bg); }
details.panel.warn summary { color: var(--warn); }
table.kv { border-collapse: collapse; font-size: 0.85rem; margin: 8px 0; }
table.kv td, table.kv th { padding: 2px 14px 2px 0; text-align: left; vertical-align: top; }
table.kv th { color: var(--muted); font-weight: 500; }
.panels { display: flex; flex-wrap: wrap; gap: 8px 40px; }
footer { color: var(--faint); font-size: 0.8rem; padding: 0 0 30px; }
@media (max-width: 640px) {
  li.entry { grid-template-columns: 1fr; }
  .card-top { flex-direction: column; gap: 0; }
}
@media print {
  .toolbar, .more, .linkish { display: none !important; }
  body { background: #fff; }
  .card { border-color: #ccc; }
}
</style>
</head>
<body>
<script type="application/json" id="storycluster-data">/*STORYCLUSTER_DATA*/</script>
<header class="top">
  <div class="wrap">
    <h1><span class="brand">storycluster &middot; </span><span id="corpus-name">report</span></h1>
    <div class="corpus-path" id="corpus-path"></div>
    <div class="stats">
      <div class="stat"><b id="brief-count"></b><span class="k">briefs</span></div>
      <div class="stat"><b id="dup-count"></b><span class="k">duplicates removed</span></div>
      <div class="stat"><b><span id="story-count"></span></b><span class="k">stories</span></div>
      <div class="stat" id="skipped-stat" hidden><b id="skipped-count"></b><span class="k">skipped inputs</span></div>
      <div class="stat"><b id="span-text"></b><span class="k" id="span-k">time span</span></div>
    </div>
    <div class="overview" id="overview"></div>
  </div>
</header>
<div class="toolbar">
  <div class="wrap">
    <div class="search">
      <input type="search" id="search" placeholder="Search stories: label, text, dateline, agency&hellip;  (press / to focus)" autocomplete="off" spellcheck="false" aria-label="Search stories">
    </div>
    <label for="view" id="view-label" hidden>Show</label>
    <select id="view" aria-label="Show stories or threads" hidden>
      <option value="stories">Stories (events)</option>
      <option value="threads">Threads (running stories)</option>
    </select>
    <label for="sort">Sort</label>
    <select id="sort" aria-label="Sort stories">
      <option value="recent">Most recent activity</option>
      <option value="largest">Largest</option>
    </select>
    <span class="result-note" id="result-note" aria-live="polite"></span>
  </div>
</div>
<main class="wrap" id="main">
  <div id="notices"></div>
  <div id="stories"></div>
  <button type="button" class="more" id="show-more" hidden></button>
  <div id="details"></div>
</main>
<footer class="wrap" id="footer"></footer>
<noscript><p class="wrap">This report needs JavaScript to display its stories.</p></noscript>
<script>
(function () {
  'use strict';
  var PAGE = 40;          // story cards rendered per "show more"
  var ENTRIES = 5;        // entries (duplicate groups) shown per card before "show all"
  var BINS = 48;          // at most this many timeline bins per story

  // ---------- small DOM helpers (text only ever goes in via text nodes) ----------
  function el(tag, cls, kids) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (kids !== undefined && kids !== null) add(e, kids);
    return e;
  }
  function add(parent, kids) {
    if (!Array.isArray(kids)) kids = [kids];
    for (var i = 0; i < kids.length; i++) {
      var k = kids[i];
      if (k === null || k === undefined || k === false) continue;
      parent.appendChild(typeof k === 'object' ? k : document.createTextNode(String(k)));
    }
    return parent;
  }
  function $(id) { return document.getElementById(id); }
  function setText(id, t) { var e = $(id); if (e) e.textContent = t; }
  function plural(n, one, many) { return fmtInt(n) + ' ' + (n === 1 ? one : (many || one + 's')); }
  function fmtInt(n) { try { return Number(n).toLocaleString(); } catch (e) { return String(n); } }
  function str(v) { return typeof v === 'string' ? v : ''; }
  function arr(v) { return Array.isArray(v) ? v : []; }

  // ---------- time ----------
  function parseTime(s) {
    if (typeof s !== 'string') return null;
    var t = Date.parse(s);
    return isNaN(t) ? null : t;
  }
  var fmtFull, fmtTime, fmtDay;
  try {
    fmtFull = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
    fmtTime = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
    fmtDay = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
  } catch (e) { fmtFull = fmtTime = fmtDay = null; }
  function sameDay(a, b) {
    var x = new Date(a), y = new Date(b);
    return x.getFullYear() === y.getFullYear() && x.getMonth() === y.getMonth() && x.getDate() === y.getDate();
  }
  function showFull(t) { return fmtFull ? fmtFull.format(new Date(t)) : new Date(t).toISOString(); }
  function showShort(t) {
    if (!fmtDay) return new Date(t).toISOString().slice(0, 16).replace('T', ' ');
    return fmtDay.format(new Date(t)) + ', ' + fmtTime.format(new Date(t));
  }
  function showDuration(ms) {
    var m = Math.round(ms / 60000);
    if (m < 1) return 'same minute';
    if (m < 60) return m + ' min';
    var h = Math.floor(m / 60), d = Math.floor(h / 24);
    if (d >= 1) return d + ' d' + (h % 24 ? ' ' + (h % 24) + ' h' : '');
    return h + ' h' + (m % 60 ? ' ' + (m % 60) + ' min' : '');
  }
  function showSpan(a, b) {
    if (a === null && b === null) return 'no publication times';
    if (a === null || b === null || a === b) return showShort(a === null ? b : a);
    var end = sameDay(a, b) && fmtTime ? fmtTime.format(new Date(b)) : showShort(b);
    return showShort(a) + ' \u2013 ' + end + '  (' + showDuration(b - a) + ')';
  }
  var tzName = '';
  try { tzName = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) { tzName = ''; }

  // ---------- text ----------
  function fold(s) {
    s = String(s || '').toLowerCase();
    try { s = s.normalize('NFD').replace(/[\u0300-\u036f]/g, ''); } catch (e) { /* old engine */ }
    return s;
  }
  function firstSentence(text) {
    var t = String(text || '').replace(/\s+/g, ' ').trim();
    var re = /[.!?]["'\u201d\u2019)]?\s+(?=["'\u201c\u2018(]?[A-Z0-9\u00c0-\u024f])/g, m;
    while ((m = re.exec(t)) !== null) {
      var cut = m.index + m[0].length;
      var prev = t.slice(Math.max(0, m.index - 4), m.index + 1);
      if (cut >= 40 && !/\b(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Gov|Lt|Col|No|vs|ca|dhr|mr|mw|drs|ir|prof)\.$/.test(prev)) {
        t = t.slice(0, cut).trim(); break;
      }
    }
    return t.length > 260 ? t.slice(0, 250).replace(/\s+\S*$/, '') + '\u2026' : t;
  }
  // Appends `text` to `parent`, wrapping case-insensitive matches of the search words in <mark>.
  function addMarked(parent, text, words) {
    text = String(text);
    if (!words.length) { parent.appendChild(document.createTextNode(text)); return parent; }
    var low = text.toLowerCase(), pos = 0, spans = [];
    for (var w = 0; w < words.length; w++) {
      var q = words[w], i = 0;
      if (!q) continue;
      while ((i = low.indexOf(q, i)) !== -1) { spans.push([i, i + q.length]); i += q.length; }
    }
    spans.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    for (var s = 0; s < spans.length; s++) {
      var a = spans[s][0], b = spans[s][1];
      if (a < pos) { if (b > pos) a = pos; else continue; }
      if (a > pos) parent.appendChild(document.createTextNode(text.slice(pos, a)));
      parent.appendChild(el('mark', null, text.slice(a, b)));
      pos = b;
    }
    if (pos < text.length) parent.appendChild(document.createTextNode(text.slice(pos)));
    return parent;
  }
  function safeUrl(u) {
    if (typeof u !== 'string') return null;
    return /^https?:\/\//i.test(u.trim()) ? u.trim() : null;
  }

  // ---------- data ----------
  function fail(msg) {
    var box = $('stories');
    box.textContent = '';
    box.appendChild(el('div', 'error', msg));
    document.body.setAttribute('data-render-error', msg);
  }
  var raw = $('storycluster-data').textContent;
  var data;
  try { data = JSON.parse(raw); } catch (e) { fail('No report data is embedded in this page (' + e.message + ').'); return; }
  if (!data || typeof data !== 'object' || !Array.isArray(data.briefs) || !Array.isArray(data.stories)) {
    fail('The embedded report data has no briefs or stories.'); return;
  }
  var meta = data.meta && typeof data.meta === 'object' ? data.meta : {};
  var counts = meta.counts && typeof meta.counts === 'object' ? meta.counts : {};
  var briefs = data.briefs, storiesIn = data.stories, dups = arr(data.duplicates), skipped = arr(data.skipped);

  var byId = Object.create(null);
  for (var i = 0; i < briefs.length; i++) {
    var b = briefs[i];
    if (!b || typeof b.id !== 'string') continue;
    b._t = parseTime(b.published);
    byId[b.id] = b;
  }
  // Canonical of every brief: the brief's own field, else its duplicate group, else itself.
  var groupOf = Object.create(null);
  for (var g = 0; g < dups.length; g++) {
    var grp = dups[g];
    var members = arr(grp && grp.members);
    for (var m = 0; m < members.length; m++) groupOf[members[m]] = grp;
  }
  function canonicalOf(b) {
    if (typeof b.canonical === 'string' && b.canonical) return b.canonical;
    var gr = groupOf[b.id];
    return gr && typeof gr.canonical === 'string' ? gr.canonical : b.id;
  }
  var languages = Object.create(null), nLang = 0;
  for (i = 0; i < briefs.length; i++) if (briefs[i] && !languages[briefs[i].lang]) { languages[briefs[i].lang] = 1; nLang++; }

  var stories = [];
  var tMin = null, tMax = null;
  for (i = 0; i < storiesIn.length; i++) {
    var s = storiesIn[i];
    if (!s || typeof s !== 'object') continue;
    var ids = arr(s.briefs), list = [];
    for (var k = 0; k < ids.length; k++) if (byId[ids[k]]) list.push(byId[ids[k]]);
    var first = parseTime(s.first_published), last = parseTime(s.last_published);
    for (k = 0; k < list.length; k++) {
      var t = list[k]._t;
      if (t === null) continue;
      if (first === null || t < first) first = t;
      if (last === null || t > last) last = t;
    }
    if (first !== null && (tMin === null || first < tMin)) tMin = first;
    if (last !== null && (tMax === null || last > tMax)) tMax = last;
    stories.push({ s: s, index: i, briefs: list, first: first, last: last,
      size: typeof s.size === 'number' ? s.size : list.length, hay: null });
  }

  // Threads: the running stories events belong to; the thread view lists those of two or more events.
  var storyById = Object.create(null);
  for (i = 0; i < stories.length; i++) storyById[String(stories[i].s.id)] = stories[i];
  var threads = [];
  arr(data.threads).forEach(function (t, n) {
    if (!t || typeof t !== 'object') return;
    var sts = arr(t.stories).map(function (id) { return storyById[String(id)]; }).filter(Boolean);
    if (!sts.length) return;
    var th = { t: t, index: n, stories: sts, first: null, last: null, size: 0, hay: null };
    sts.forEach(function (st) {
      if (st.first !== null && (th.first === null || st.first < th.first)) th.first = st.first;
      if (st.last !== null && (th.last === null || st.last > th.last)) th.last = st.last;
      th.size += st.size;
      st.thread = th;
    });
    threads.push(th);
  });
  var bigThreads = threads.filter(function (th) { return th.stories.length > 1; });
  document.body.setAttribute('data-thread-count', String(bigThreads.length));
  if (bigThreads.length) {
    $('view').hidden = false; $('view-label').hidden = false;
    if (location.hash === '#threads') $('view').value = 'threads';  // a link straight to the thread view
  }

  // ---------- header ----------
  var corpus = str(meta.corpus);
  var corpusName = corpus.replace(/[\/\\]+$/, '').split(/[\/\\]/).pop() || 'report';
  document.title = 'storycluster \u00b7 ' + corpusName;
  setText('corpus-name', corpusName);
  setText('corpus-path', [corpus, meta.version ? 'storycluster ' + meta.version : '', tzName ? 'times in ' + tzName : '']
    .filter(Boolean).join('   \u00b7   '));
  var dupRemoved = typeof counts.duplicates_removed === 'number' ? counts.duplicates_removed
    : dups.reduce(function (n, d) { return n + Math.max(0, arr(d && d.members).length - 1); }, 0);
  setText('brief-count', fmtInt(briefs.length));
  setText('dup-count', fmtInt(dupRemoved));
  setText('story-count', String(stories.length));
  if (skipped.length) { $('skipped-stat').hidden = false; setText('skipped-count', fmtInt(skipped.length)); }
  if (tMin !== null) {
    setText('span-text', tMin === tMax ? showShort(tMin) : showDuration(tMax - tMin));
    setText('span-k', tMin === tMax ? 'published' : showShort(tMin) + ' \u2013 ' + showShort(tMax));
  } else {
    setText('span-text', '\u2013'); setText('span-k', 'no publication times');
  }
  var main = $('main');
  main.setAttribute('data-story-count', String(stories.length));
  document.body.setAttribute('data-story-count', String(stories.length));

  // ---------- timeline (CSS bars) ----------
  var MIN = 60000, HOUR = 3600000, DAY = 86400000;
  var STEPS = [MIN, 2 * MIN, 5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
    DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY, 91 * DAY, 182 * DAY, 364 * DAY];
  // Bins of a round size (aligned to local midnight for day-sized bins) covering [a, b], at most maxBins of them.
  function binning(a, b, maxBins, minBins) {
    var step = STEPS[STEPS.length - 1];
    for (var q = 0; q < STEPS.length; q++) if ((b - a) / STEPS[q] < maxBins - 1) { step = STEPS[q]; break; }
    while ((b - a) / step >= maxBins - 1) step *= 2;
    var off = -new Date(a).getTimezoneOffset() * MIN;
    var lo = Math.floor((a + off) / step) * step - off;
    var n = Math.floor((b - lo) / step) + 1;
    if (n < minBins) { var pad = minBins - n; lo -= Math.floor(pad / 2) * step; n = minBins; }
    return { lo: lo, step: step, n: n };
  }
  // items: [{t, reprint}]; draws briefs per bin, distinct briefs dark and reprints light, over [a, b].
  function timeline(items, a, b, maxBins, minBins, caption) {
    var box = el('div', 'tl');
    var timed = items.filter(function (x) { return x.t !== null; });
    var undated = items.length - timed.length;
    if (!timed.length) { box.appendChild(el('div', 'tl-none', 'no publication times')); return box; }
    var bn = binning(a, b, maxBins, minBins), bins = bn.n, lo = bn.lo, step = bn.step;
    var uniq = [], rep = [], peak = 0, j;
    for (j = 0; j < bins; j++) { uniq.push(0); rep.push(0); }
    for (j = 0; j < timed.length; j++) {
      var x = Math.min(bins - 1, Math.max(0, Math.floor((timed[j].t - lo) / step)));
      if (timed[j].reprint) rep[x]++; else uniq[x]++;
    }
    for (j = 0; j < bins; j++) peak = Math.max(peak, uniq[j] + rep[j]);
    var bars = el('div', 'tl-bars');
    bars.setAttribute('role', 'img');
    bars.setAttribute('aria-label', caption + ': ' + plural(timed.length, 'brief') + ' between ' + showFull(a) + ' and ' + showFull(b));
    for (j = 0; j < bins; j++) {
      var bin = el('div', 'tl-bin');
      var n = uniq[j] + rep[j];
      if (n) {
        bin.title = plural(n, 'brief') + (rep[j] ? ' (' + rep[j] + ' reprint' + (rep[j] === 1 ? '' : 's') + ')' : '') +
          ', ' + showShort(lo + j * step) + ' \u2013 ' + showShort(lo + (j + 1) * step);
        if (uniq[j]) { var hu = el('i'); hu.style.height = Math.max(7, uniq[j] / peak * 100).toFixed(1) + '%'; bin.appendChild(hu); }
        if (rep[j]) { var hr = el('i', 'r'); hr.style.height = Math.max(7, rep[j] / peak * 100).toFixed(1) + '%'; bin.appendChild(hr); }
      }
      bars.appendChild(bin);
    }
    box.appendChild(bars);
    box.appendChild(el('div', 'tl-axis', [el('span', null, showShort(lo)),
      el('span', null, 'bars: briefs per ' + showDuration(step) + ', peak ' + peak + (undated ? ' \u00b7 ' + undated + ' undated' : '')),
      el('span', null, showShort(lo + bins * step))]));
    return box;
  }
  if (tMin !== null && briefs.length > 1) {
    var all = briefs.map(function (bb) { return { t: bb._t, reprint: canonicalOf(bb) !== bb.id }; });
    $('overview').appendChild(timeline(all, tMin, tMax, 120, 24, 'All briefs'));
  }

  // ---------- story cards ----------
  function byTimeDesc(x, y) {
    if (x._t === y._t) return 0;
    if (x._t === null) return 1;
    if (y._t === null) return -1;
    return y._t - x._t;
  }
  // Groups a story's briefs by canonical brief; heads newest first, reprints newest first.
  function entriesOf(st) {
    var map = Object.create(null), order = [];
    for (var q = 0; q < st.briefs.length; q++) {
      var bb = st.briefs[q], c = canonicalOf(bb);
      if (!map[c]) { map[c] = { key: c, members: [] }; order.push(map[c]); }
      map[c].members.push(bb);
    }
    for (q = 0; q < order.length; q++) {
      var e = order[q];
      e.members.sort(byTimeDesc);
      var head = null;
      // The latest version (the last update) heads the entry; the first one is folded behind it with the rest.
      var g0 = groupOf[e.key] || null, want = g0 && g0.latest ? g0.latest : e.key;
      for (var r = 0; r < e.members.length; r++) if (e.members[r].id === want) head = e.members[r];
      for (r = 0; r < e.members.length && !head; r++) if (e.members[r].id === e.key) head = e.members[r];
      if (!head) head = e.members[e.members.length - 1];
      e.head = head;
      e.reprints = e.members.filter(function (x) { return x !== head; });
      e.group = groupOf[e.key] || groupOf[head.id] || null;
      e._t = head._t;
    }
    order.sort(byTimeDesc);
    return order;
  }
  function whenEl(t) {
    if (t === null) return el('div', 'when unknown', 'time unknown');
    var w = el('div', 'when'), tm = el('time');
    tm.setAttribute('datetime', new Date(t).toISOString());
    if (fmtDay) add(tm, [el('span', 'd', fmtDay.format(new Date(t))), ' ', fmtTime.format(new Date(t))]);
    else add(tm, showShort(t));
    w.appendChild(tm);
    return w;
  }
  function chips(list, cls) {
    var c = el('span', 'chips');
    for (var q = 0; q < list.length; q++) if (list[q]) c.appendChild(el('span', 'chip' + (cls ? ' ' + cls : ''), list[q]));
    return c;
  }
  function sourceLine(bb) {
    var p = el('div', 'src');
    var parts = [str(bb.source) + (typeof bb.line === 'number' ? ':' + bb.line : '')];
    if (bb.outlet) parts.push(String(bb.outlet));
    if (nLang > 1 && bb.lang) parts.push(String(bb.lang));
    add(p, parts.join(' \u00b7 '));
    var u = safeUrl(bb.url);
    if (u) {
      var a = el('a', null, 'open');
      a.setAttribute('href', u); a.setAttribute('rel', 'noopener noreferrer nofollow'); a.setAttribute('target', '_blank');
      add(p, [' \u00b7 ', a]);
    }
    return p;
  }
  function entryEl(e, st, words) {
    var bb = e.head;
    var li = el('li', 'entry');
    li.appendChild(whenEl(bb._t));
    var body = el('div');
    var metaRow = el('div', 'entry-meta');
    if (bb.dateline) metaRow.appendChild(addMarked(el('span', 'dateline'), bb.dateline, words));
    if (arr(bb.agencies).length) metaRow.appendChild(chips(arr(bb.agencies)));
    if (bb.id === st.s.representative) metaRow.appendChild(el('span', 'rep-badge', '\u2605 representative'));
    if (metaRow.firstChild) body.appendChild(metaRow);
    if (bb.title && bb.title !== headlineOf(st)) body.appendChild(addMarked(el('div', 'btitle'), bb.title, words));
    var text = str(bb.text);
    var tx = addMarked(el('div', 'btext'), text, words);
    body.appendChild(tx);
    var foot = el('div', 'card-foot');
    var left = el('div');
    if (text.length > 160 || text.split('\n').length > 3) {
      tx.classList.add('clamped');
      var rm = el('button', 'linkish', 'Read more');
      rm.type = 'button';
      rm.setAttribute('aria-expanded', 'false');
      rm.addEventListener('click', function () {
        var open = tx.classList.toggle('clamped') === false;
        rm.textContent = open ? 'Show less' : 'Read more';
        rm.setAttribute('aria-expanded', String(open));
      });
      add(left, [rm, '  ']);
      pendingClamps.push([tx, rm]);
    }
    if (e.reprints.length) {
      var sim = e.group && typeof e.group.min_similarity === 'number' ? e.group.min_similarity : null;
      var label = '+' + e.reprints.length + ' reprint' + (e.reprints.length === 1 ? '' : 's') +
        (sim !== null ? (sim >= 0.9995 ? ' (identical)' : ' (\u2265 ' + Math.floor(sim * 100) + '% similar)') : '');
      var tg = el('button', 'linkish', '\u25b8 ' + label);
      tg.type = 'button';
      tg.setAttribute('aria-expanded', 'false');
      var rl = null;
      tg.addEventListener('click', function () {
        if (!rl) {
          rl = el('ul', 'reprints');
          for (var q = 0; q < e.reprints.length; q++) {
            var rb = e.reprints[q], row = el('li');
            row.appendChild(whenEl(rb._t));
            if (arr(rb.agencies).length) row.appendChild(chips(arr(rb.agencies)));
            if (rb.dateline && rb.dateline !== bb.dateline) row.appendChild(el('span', 'dateline', rb.dateline));
            if (rb.title && rb.title !== bb.title) row.appendChild(el('span', null, rb.title));
            var lk = e.group ? arr(e.group.links).filter(function (x) { return x && x.id === rb.id; })[0] : null;
            if (rb.id === e.key && bb.id !== e.key) row.appendChild(el('span', 'link-first', 'first version'));
            if (lk) {
              row.appendChild(el('span', 'link-' + lk.type, lk.type));
              var what = [];
              arr(lk.added_sentences).forEach(function (s) { what.push('+ ' + s); });
              arr(lk.dropped_sentences).forEach(function (s) { what.push('\u2212 ' + s); });
              arr(lk.edited_sentences).forEach(function (s) { if (s) what.push(s.before + ' \u2192 ' + s.after); });
              if (lk.headline && arr(lk.headline_news).length) what.push(lk.headline.before + ' \u2192 ' + lk.headline.after);
              if (arr(lk.numbers_before).length || arr(lk.numbers_after).length)
                what.push(arr(lk.numbers_before).join(', ') + ' \u2192 ' + arr(lk.numbers_after).join(', '));
              if (what.length) row.appendChild(el('span', 'changes', what.join(' \u00b7 ')));
            }
            row.appendChild(sourceLine(rb));
            rl.appendChild(row);
          }
          body.appendChild(rl);
        } else {
          rl.hidden = !rl.hidden;
        }
        var open = !rl.hidden;
        tg.textContent = (open ? '\u25be ' : '\u25b8 ') + label;
        tg.setAttribute('aria-expanded', String(open));
      });
      left.appendChild(tg);
    }
    foot.appendChild(left);
    foot.appendChild(sourceLine(bb));
    body.appendChild(foot);
    li.appendChild(body);
    return li;
  }
  function headlineOf(st) {
    if (st.headline === undefined) {
      var rep = byId[st.s.representative] || st.briefs[0];
      st.headline = rep ? (rep.title || firstSentence(rep.text)) : '';
    }
    return st.headline;
  }
  // "Read more" only where the three-line clamp actually hides text (measured once the cards are in the page).
  var pendingClamps = [];
  function settleClamps() {
    var list = pendingClamps; pendingClamps = [];
    var fits = list.map(function (p) { return p[0].scrollHeight <= p[0].clientHeight + 2; });
    for (var q = 0; q < list.length; q++) if (fits[q]) { list[q][0].classList.remove('clamped'); list[q][1].remove(); }
  }
  function cardEl(st, words) {
    var s = st.s;
    var entries = entriesOf(st);
    var card = el('article', 'card');
    card.id = 'story-' + String(s.id);
    card.setAttribute('data-story-id', String(s.id));
    var top = el('div', 'card-top');
    top.appendChild(addMarked(el('div', 'label'), str(s.label) || 'untitled story', words));
    var sz = el('div', 'size', [el('b', null, plural(st.size, 'brief'))]);
    if (entries.length !== st.briefs.length) add(sz, ' \u00b7 ' + entries.length + ' distinct');
    top.appendChild(sz);
    card.appendChild(top);
    var headline = headlineOf(st);
    if (headline) card.appendChild(addMarked(el('h2', 'headline'), headline, words));
    var facts = el('div', 'facts');
    facts.appendChild(el('span', null, showSpan(st.first, st.last)));
    var dl = arr(s.datelines);
    if (dl.length) {
      var dc = el('span', 'chips');
      for (var q = 0; q < dl.length; q++) dc.appendChild(addMarked(el('span', 'chip place'), dl[q], words));
      facts.appendChild(dc);
    }
    if (arr(s.agencies).length) facts.appendChild(chips(arr(s.agencies)));
    if (arr(s.outlets).length) facts.appendChild(chips(arr(s.outlets)));
    if (s.merged_into) facts.appendChild(el('span', null, 'merged into ' + s.merged_into));
    if (s.split_from) facts.appendChild(el('span', null, 'split from ' + s.split_from));
    if (st.thread && st.thread.stories.length > 1) {
      facts.appendChild(el('span', 'chip thread', 'thread: ' + (str(st.thread.t.label) || 'untitled') + ' \u00b7 ' +
        plural(st.thread.stories.length, 'event')));
    }
    card.appendChild(facts);
    if (st.briefs.length > 1) {
      var items = st.briefs.map(function (bb) { return { t: bb._t, reprint: canonicalOf(bb) !== bb.id }; });
      if (st.first !== null) card.appendChild(timeline(items, st.first, st.last, BINS, 12, 'Briefs over time'));
    }
    var ol = el('ol', 'entries');
    var shown = Math.min(entries.length, ENTRIES);
    for (q = 0; q < shown; q++) ol.appendChild(entryEl(entries[q], st, words));
    card.appendChild(ol);
    if (entries.length > shown) {
      var more = el('button', 'more', 'Show all ' + entries.length + ' entries');
      more.type = 'button';
      more.addEventListener('click', function () {
        for (var r = shown; r < entries.length; r++) ol.appendChild(entryEl(entries[r], st, words));
        more.remove();
        settleClamps();
      });
      card.appendChild(more);
    }
    return card;
  }

  // A thread: its label and span, all its briefs on one timeline, then its events newest first, each folding
  // open to its briefs.
  function threadCardEl(th, words) {
    var card = el('article', 'card thread-card');
    card.id = 'thread-' + String(th.t.id);
    card.setAttribute('data-thread-id', String(th.t.id));
    var top = el('div', 'card-top');
    top.appendChild(addMarked(el('div', 'label'), str(th.t.label) || 'untitled thread', words));
    top.appendChild(el('div', 'size', [el('b', null, plural(th.stories.length, 'event')), ' \u00b7 ' + plural(th.size, 'brief')]));
    card.appendChild(top);
    var biggest = th.stories.slice().sort(function (x, y) { return (y.size - x.size) || (x.index - y.index); })[0];
    var headline = headlineOf(biggest);
    if (headline) card.appendChild(addMarked(el('h2', 'headline'), headline, words));
    card.appendChild(el('div', 'facts', [el('span', null, showSpan(th.first, th.last))]));
    var items = [];
    th.stories.forEach(function (st) {
      st.briefs.forEach(function (bb) { items.push({ t: bb._t, reprint: canonicalOf(bb) !== bb.id }); });
    });
    if (th.first !== null) card.appendChild(timeline(items, th.first, th.last, BINS, 12, 'Briefs of the thread over time'));
    var events = th.stories.slice().sort(comparators.recent);
    var ol = el('ol', 'entries');
    events.forEach(function (st) {
      var d = el('details', 'event');
      var sum = el('summary', null, [el('span', 'when', showSpan(st.first, st.last)), ' ',
        addMarked(el('span'), headlineOf(st), words), ' ', el('span', 'size', plural(st.size, 'brief'))]);
      d.appendChild(sum);
      d.addEventListener('toggle', function () {
        if (!d.open || d.getAttribute('data-filled')) return;
        d.setAttribute('data-filled', 'true');
        var inner = el('ol', 'entries');
        entriesOf(st).forEach(function (e) { inner.appendChild(entryEl(e, st, words)); });
        d.appendChild(inner);
        settleClamps();
      });
      ol.appendChild(el('li', null, [d]));
    });
    card.appendChild(ol);
    return card;
  }

  // ---------- filtering, sorting, paging ----------
  function threadHaystack(th) {
    if (th.hay === null) th.hay = [str(th.t.label)].concat(th.stories.map(haystack)).join('\n');
    return th.hay;
  }
  function haystack(st) {
    if (st.hay === null) {
      var parts = [str(st.s.label)].concat(arr(st.s.datelines), arr(st.s.agencies), arr(st.s.outlets));
      for (var q = 0; q < st.briefs.length; q++) {
        var bb = st.briefs[q];
        parts.push(str(bb.title), str(bb.dateline), str(bb.text));
      }
      st.hay = fold(parts.join('\n'));
    }
    return st.hay;
  }
  var comparators = {
    recent: function (x, y) {
      if (x.last !== y.last) { if (x.last === null) return 1; if (y.last === null) return -1; return y.last - x.last; }
      return x.index - y.index;
    },
    largest: function (x, y) { return (y.size - x.size) || comparators.recent(x, y); }
  };
  var view = [], rendered = 0, words = [], observer = null, render = cardEl;
  var box = $('stories'), moreBtn = $('show-more');
  function renderMore() {
    var end = Math.min(view.length, rendered + PAGE);
    var frag = document.createDocumentFragment();
    for (; rendered < end; rendered++) frag.appendChild(render(view[rendered], words));
    box.appendChild(frag);
    settleClamps();
    var left = view.length - rendered;
    moreBtn.hidden = left <= 0;
    moreBtn.textContent = 'Show ' + Math.min(PAGE, left) + ' more of ' + fmtInt(left) + ' remaining';
  }
  function refresh() {
    var q = $('search').value.trim();
    var fq = fold(q);
    var qWords = fq.split(/\s+/).filter(Boolean);
    words = q.toLowerCase().split(/\s+/).filter(Boolean);
    var threadView = $('view').value === 'threads' && bigThreads.length > 0;
    var pool = threadView ? bigThreads : stories;
    render = threadView ? threadCardEl : cardEl;
    var unit = threadView ? ['thread', 'threads'] : ['story', 'stories'];
    view = pool.filter(function (st) {
      if (!qWords.length) return true;
      var h = threadView ? threadHaystack(st) : haystack(st);
      for (var w = 0; w < qWords.length; w++) if (h.indexOf(qWords[w]) === -1) return false;
      return true;
    });
    view.sort(comparators[$('sort').value] || comparators.recent);
    box.textContent = '';
    rendered = 0;
    if (!pool.length) box.appendChild(el('div', 'empty', 'This run produced no ' + unit[1] + '.'));
    else if (!view.length) box.appendChild(el('div', 'empty', 'No ' + unit[0] + ' matches \u201c' + q + '\u201d.'));
    renderMore();
    setText('result-note', qWords.length ? plural(view.length, unit[0], unit[1]) + ' of ' + fmtInt(pool.length) + ' match'
      : plural(pool.length, unit[0], unit[1]));
    main.setAttribute('data-shown-count', String(view.length));
  }
  moreBtn.addEventListener('click', renderMore);
  if ('IntersectionObserver' in window) {
    observer = new IntersectionObserver(function (es) {
      for (var q = 0; q < es.length; q++) if (es[q].isIntersecting && !moreBtn.hidden) renderMore();
    }, { rootMargin: '600px' });
    observer.observe(moreBtn);
  }
  var timer = null;
  $('search').addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(refresh, 150); });
  $('sort').addEventListener('change', refresh);
  $('view').addEventListener('change', refresh);
  document.addEventListener('keydown', function (ev) {
    var tag = (ev.target && ev.target.tagName) || '';
    if (ev.key === '/' && tag !== 'INPUT' && tag !== 'SELECT' && tag !== 'TEXTAREA') { ev.preventDefault(); $('search').focus(); }
    if (ev.key === 'Escape' && ev.target === $('search')) { $('search').value = ''; refresh(); }
  });

  // ---------- notices and run details ----------
  function kvTable(title, obj, fmt) {
    var wrap = el('div');
    wrap.appendChild(el('div', 'entry-meta', el('b', null, title)));
    var tb = el('table', 'kv');
    Object.keys(obj).forEach(function (key) {
      var v = obj[key];
      if (v !== null && typeof v === 'object') v = JSON.stringify(v);
      var tr = el('tr', null, [el('th', null, key.replace(/_/g, ' ')), el('td', null, fmt ? fmt(v) : String(v))]);
      tb.appendChild(tr);
    });
    wrap.appendChild(tb);
    return wrap;
  }
  if (skipped.length) {
    var sk = el('details', 'panel warn');
    sk.appendChild(el('summary', null, plural(skipped.length, 'input') + ' skipped or repaired while reading'));
    var ul = el('ul', 'reprints');
    skipped.slice(0, 500).forEach(function (x) {
      ul.appendChild(el('li', null, [el('span', 'dateline', str(x && x.source) + (x && typeof x.line === 'number' ? ':' + x.line : '')),
        el('span', null, str(x && x.reason)), x && x.recovered ? el('span', 'chip', 'recovered') : null]));
    });
    if (skipped.length > 500) ul.appendChild(el('li', null, '\u2026 and ' + fmtInt(skipped.length - 500) + ' more'));
    sk.appendChild(ul);
    $('notices').appendChild(sk);
  }
  var dt = el('details', 'panel');
  dt.appendChild(el('summary', null, 'Run details'));
  var panels = el('div', 'panels');
  if (meta.counts) panels.appendChild(kvTable('Counts', meta.counts, fmtInt));
  if (meta.timings) panels.appendChild(kvTable('Timings', meta.timings, function (v) {
    return typeof v === 'number' ? (v < 1 ? (v * 1000).toFixed(1) + ' ms' : v.toFixed(2) + ' s') : String(v);
  }));
  if (meta.dedup) panels.appendChild(kvTable('Deduplication', meta.dedup));
  var settings = meta.settings && typeof meta.settings === 'object' ? meta.settings : {};
  Object.keys(settings).forEach(function (key) {
    if (settings[key] && typeof settings[key] === 'object') panels.appendChild(kvTable('Settings: ' + key, settings[key]));
  });
  if (panels.firstChild) { dt.appendChild(panels); $('details').appendChild(dt); }
  add($('footer'), 'Generated by storycluster' + (meta.version ? ' ' + meta.version : '') +
    ' \u00b7 self-contained page, no network access \u00b7 press / to search');

  refresh();
  document.body.setAttribute('data-rendered', 'true');
})();
</script>
</body>
</html>
"""#
}
