"""The HTML page of ``nblint audit``: one self-contained file (inline CSS, JS and SVG; no network at all).

Server side: the overview figures, the bar chart of diagnostics per rule (inline SVG) and the missing-years
table, escaped with :func:`html.escape`.  Client side: the table of reports (sortable by clicking a header,
filterable by agency, year, code and text) and each report's details, built by a small script from JSON
embedded in the page; the script only ever sets ``textContent``, so no report text is parsed as HTML.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter
from html import escape
from sys import intern

from ..diagnostics import where_text
from ..paths import display

SEV_COLOUR = {"error": "#c62828", "warning": "#ef8f00", "info": "#1e6fb8"}


class HtmlCollector:
    """Keeps a small summary per report and, up to ``max_details`` diagnostics in all, the details shown when a
    report is opened (message and source line); everything else is in the JSONL file."""

    def __init__(self, max_details: int = 20_000, per_report: int = 50, lang: str = "zh"):
        self.lang = lang  # of the page / paragraph / table cell shown after a PDF or DOCX diagnostic's message
        self.per_report = per_report
        self.rows: list[list] = []
        self.details: list[dict | None] = []
        self.budget = max_details

    def add(self, rep: dict) -> None:
        diags = rep["diagnostics"]
        # strings repeated across reports are interned: thousands of rows then share one "NB203", one agency ...
        codes = [
            intern(c) for c, _ in sorted(Counter(d["code"] for d in diags).items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        c = rep["counts"]
        self.rows.append(
            [
                display(rep["file"]),
                _intern(rep["agency"]),
                rep["year"],
                _intern(rep["era"]),
                c["error"],
                c["warning"],
                c["info"],
                codes,
                rep["error"],
                display(rep["previous"]) if rep["previous"] else rep["previous"],
                rep.get("title"),
            ]
        )
        if rep["error"] or not diags:
            self.details.append({"d": [], "more": 0})
        elif self.budget <= 0:
            self.details.append(None)  # omitted: see the JSONL file
        else:
            shown = diags[: min(self.budget, self.per_report)]
            self.budget -= len(shown)
            self.details.append(
                {
                    "d": [
                        [
                            intern(d["severity"]),
                            intern(d["code"]),
                            d["line"],
                            d["col"],
                            d["message"] + where_text(d.get("where") or {}, self.lang),
                        ]
                        + ([d["source"]["text"], d["source"]["start"], d["source"]["end"]] if d.get("source") else [])
                        for d in shown
                    ],
                    "more": len(diags) - len(shown),
                }
            )

    def close(self) -> None:
        pass

    def write(self, path: str, totals, missing: list[dict], info: dict) -> None:
        tmp = f"{path}.tmp{os.getpid()}"
        # backslashreplace: a lone surrogate anywhere (a file name not in UTF-8) never stops the page
        with open(tmp, "w", encoding="utf-8", errors="backslashreplace") as fh:
            write_page(fh, self.rows, self.details, totals, missing, info)
        os.replace(tmp, path)


def _intern(s: str | None) -> str | None:
    return intern(s) if s else s


def _script_safe(s: str) -> str:
    """JSON text safe inside <script type="application/json">: no "</script", "<!--" or "]]>" can appear."""
    return (
        s.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _card(label: str, value, cls: str = "", sub: str = "") -> str:
    sub_html = f'<div class="sub">{escape(sub)}</div>' if sub else ""
    return (
        f'<div class="card {cls}"><div class="value">{escape(str(value))}</div>'
        f'<div class="label">{escape(label)}</div>{sub_html}</div>'
    )


def bar_chart(totals) -> str:
    """Diagnostics per rule: one horizontal bar per code, stacked by severity, most frequent first."""
    items = sorted(totals.codes.items(), key=lambda kv: (-kv[1], kv[0]))
    if not items:
        return '<p class="empty">No diagnostics.</p>'
    row_h, label_w, bar_w, right = 22, 230, 520, 70
    top = max(n for _, n in items)
    h, width = row_h * len(items) + 8, label_w + bar_w + right
    out = [
        f'<svg id="rule-chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h}" '
        f'viewBox="0 0 {width} {h}" role="img" aria-label="diagnostics per rule">'
    ]
    for i, (code, n) in enumerate(items):
        y = 4 + i * row_h
        name = totals.names.get(code, "")
        sev = totals.code_severity[code]
        tip = f"{code} {name}: {n} (" + ", ".join(f"{sev[s]} {s}" for s in SEV_COLOUR if sev[s]) + ")"
        out.append(
            f'<g class="bar" data-code="{escape(code)}" tabindex="0"><title>{escape(tip)}</title>'
            f'<rect class="hit" x="0" y="{y}" width="{width}" height="{row_h}" fill="transparent"/>'
        )
        out.append(
            f'<text x="0" y="{y + 15}" class="code">{escape(code)}<tspan class="name" dx="6">'
            f"{escape(name[:26])}</tspan></text>"
        )
        x = label_w
        for s, colour in SEV_COLOUR.items():
            if sev[s]:
                w = max(1.0, bar_w * sev[s] / top)
                out.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" fill="{colour}"/>')
                x += w
        out.append(f'<text x="{x + 6:.1f}" y="{y + 15}" class="count">{n}</text></g>')
    out.append("</svg>")
    return "".join(out)


def _missing_table(missing: list[dict]) -> str:
    if not missing:
        return '<p class="empty">No agency has a gap between its first and last year.</p>'
    rows = "".join(
        f"<tr><td>{escape(m['agency'])}</td><td>{m['first']}–{m['last']}</td>"
        f'<td>{escape(", ".join(map(str, m["years"])))}</td><td class="miss">{escape(", ".join(map(str, m["missing"])))}</td></tr>'
        for m in missing
    )
    return (
        f'<table id="missing"><thead><tr><th>Agency</th><th>First–last</th><th>Years present</th>'
        f"<th>Missing years</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _common_dir(paths: list[str]) -> str:
    try:
        root = os.path.commonpath([os.path.dirname(os.path.abspath(p)) for p in paths]) if paths else ""
    except ValueError:  # paths on different drives
        return ""
    return "" if root in ("", os.sep) else root


def _rel(path: str, root: str) -> str:
    return os.path.relpath(os.path.abspath(path), root)


def write_page(fh, rows: list[list], details: list, totals, missing: list[dict], info: dict) -> None:
    """Write the page to ``fh``; the JSON data is written in pieces, never built as one string."""
    s = totals.severity
    years = sorted(totals.years)
    span = f"{years[0]}–{years[-1]}" if years else "—"
    cards = "".join(
        [
            _card("reports", totals.reports, sub=f"{totals.paired} paired with the year before"),
            _card("agencies", len(totals.agencies), sub=f"agency unknown in {totals.unknown_agency}"),
            _card("years", len(years), sub=f"{span}; year unknown in {totals.unknown_year}"),
            _card("errors", s["error"], "error"),
            _card("warnings", s["warning"], "warning"),
            _card("infos", s["info"], "info"),
            _card("unreadable (NB001)", totals.unreadable),
            _card("internal errors", totals.errors, "error" if totals.errors else ""),
        ]
    )
    root = _common_dir([r[0] for r in rows])
    if root:  # paths in the table relative to the directory they all share (the subtitle names it)
        rows = [[_rel(r[0], root)] + r[1:9] + [_rel(r[9], root) if r[9] else r[9]] + r[10:] for r in rows]
    data = {
        "rows": rows,
        "details": details,
        "codes": {c: totals.names.get(c, "") for c in sorted(totals.codes)},
    }
    generated = time.strftime("%Y-%m-%d %H:%M")
    where = ", ".join(display(p) for p in info.get("paths", []))
    if root:
        where += f" (paths below are relative to {root})"
    subtitle = f"{where} · generated {generated} · {info.get('elapsed', 0):.1f} s with {info.get('jobs', 1)} worker(s)"
    parts = {
        "SUBTITLE": escape(subtitle),
        "CARDS": cards,
        "CHART": bar_chart(totals),
        "MISSING_COUNT": str(len(missing)),
        "MISSING": _missing_table(missing),
    }
    for i, piece in enumerate(_TEMPLATE_PARTS):
        if i % 2 == 0:
            fh.write(piece)
        elif piece == "DATA":
            for chunk in json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).iterencode(data):
                fh.write(_script_safe(chunk))
        else:
            fh.write(parts[piece])


_TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>nblint audit — 政府信息公开工作年度报告</title>
<style>
:root { --err: #c62828; --warn: #ef8f00; --info: #1e6fb8; --line: #dde1e6; --muted: #5f6b7a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "WenQuanYi Micro Hei",
       "Microsoft YaHei", sans-serif; color: #1d2733; background: #f6f7f9; }
header { background: #1d2733; color: #fff; padding: 14px 24px; }
header h1 { margin: 0; font-size: 20px; font-weight: 600; }
header .subtitle { color: #b8c2cf; font-size: 12px; margin-top: 2px; word-break: break-all; }
main { padding: 16px 24px 40px; max-width: 1400px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 14px 16px; margin-bottom: 16px; }
h2 { font-size: 16px; margin: 0 0 10px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; }
.card { flex: 1 1 140px; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; background: #fff; }
.card .value { font-size: 24px; font-weight: 650; }
.card .label { color: var(--muted); }
.card .sub { color: var(--muted); font-size: 12px; }
.card.error .value { color: var(--err); } .card.warning .value { color: var(--warn); } .card.info .value { color: var(--info); }
#rule-chart .code { font: 12px ui-monospace, monospace; fill: #1d2733; }
#rule-chart .name { font: 12px system-ui, sans-serif; fill: var(--muted); }
#rule-chart .count { font-size: 12px; fill: var(--muted); }
#rule-chart .bar { cursor: pointer; }
#rule-chart .bar:hover rect:not(.hit), #rule-chart .bar:focus rect:not(.hit) { opacity: .75; }
#rule-chart .bar:hover .hit { fill: #eef1f4; }
.legend span { display: inline-block; margin-right: 14px; font-size: 12px; color: var(--muted); }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eef1f4; position: sticky; top: 0; white-space: nowrap; }
#reports th { cursor: pointer; user-select: none; }
#reports th[aria-sort=ascending]::after { content: " ▲"; font-size: 10px; }
#reports th[aria-sort=descending]::after { content: " ▼"; font-size: 10px; }
#reports td.num, #reports th.num { text-align: right; font-variant-numeric: tabular-nums; }
#reports tbody tr.report { cursor: pointer; }
#reports tbody tr.report:hover { background: #f3f6fa; }
#reports tbody tr.open { background: #eaf1fb; }
td.file { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; }
td.codes { font-family: ui-monospace, monospace; font-size: 12px; }
.n-error { color: var(--err); font-weight: 600; } .n-warning { color: var(--warn); font-weight: 600; }
.n-info { color: var(--info); } .zero { color: #b0b8c2; font-weight: 400; }
.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin-bottom: 10px; }
.filters label { color: var(--muted); font-size: 12px; }
.filters select, .filters input { font: inherit; padding: 3px 6px; max-width: 320px; }
#shown { color: var(--muted); margin-left: auto; }
tr.detail > td { background: #fafbfc; padding: 8px 14px 12px; }
.diag { margin: 6px 0; }
.diag .sev { display: inline-block; min-width: 72px; margin-right: 4px; font-size: 11px; font-weight: 600; text-transform: uppercase; }
.sev-error { color: var(--err); } .sev-warning { color: var(--warn); } .sev-info { color: var(--info); }
.diag code { font-weight: 600; margin-right: 6px; }
.diag .pos { color: var(--muted); font-family: ui-monospace, monospace; font-size: 12px; margin-right: 6px; }
pre.src { margin: 3px 0 0 76px; padding: 4px 8px; background: #fff; border: 1px solid var(--line); border-radius: 4px;
          white-space: pre-wrap; word-break: break-all; font: 12px/1.5 ui-monospace, "Noto Sans Mono CJK SC", monospace; }
pre.src .ln { color: #9aa5b1; user-select: none; margin-right: 8px; }
pre.src mark { background: #ffe08a; padding: 0 1px; }
.note { color: var(--muted); font-size: 12px; }
.error-text { color: var(--err); font-family: ui-monospace, monospace; font-size: 12px; }
td.miss { color: var(--err); }
button { font: inherit; padding: 4px 12px; margin-top: 8px; cursor: pointer; }
.empty { color: var(--muted); }
</style>
</head>
<body>
<header>
<h1>nblint audit · 政府信息公开工作年度报告</h1>
<div class="subtitle">%SUBTITLE%</div>
</header>
<main>
<section id="overview"><h2>Overview</h2><div class="cards">%CARDS%</div></section>
<section id="rules"><h2>Diagnostics per rule</h2>
<div class="legend"><span><i style="background:#c62828"></i>error</span><span><i style="background:#ef8f00"></i>warning</span><span><i style="background:#1e6fb8"></i>info</span><span>click a bar to filter the reports by its code</span></div>
%CHART%
</section>
<section id="gaps"><h2>Agencies with missing years (%MISSING_COUNT%)</h2>%MISSING%</section>
<section id="table-section"><h2>Reports</h2>
<div class="filters">
<label>Agency <select id="f-agency"><option value="">all</option></select></label>
<label>Year <select id="f-year"><option value="">all</option></select></label>
<label>Code <select id="f-code"><option value="">all</option></select></label>
<label>Search <input id="f-text" type="search" placeholder="file, agency or code"></label>
<span id="shown"></span>
</div>
<table id="reports">
<thead><tr>
<th data-key="0">File</th><th data-key="1">Agency</th><th data-key="2" class="num" data-num="1">Year</th>
<th data-key="3">Era</th><th data-key="4" class="num" data-num="1">Errors</th>
<th data-key="5" class="num" data-num="1">Warnings</th><th data-key="6" class="num" data-num="1">Infos</th>
<th data-key="7">Codes</th>
</tr></thead>
<tbody></tbody>
</table>
<button id="more" hidden>Show more</button>
<p class="note">Click a report to see each diagnostic and the source line it points to.</p>
</section>
</main>
<script id="audit-data" type="application/json">%DATA%</script>
<script>
"use strict";
(function () {
  var data = JSON.parse(document.getElementById("audit-data").textContent);
  var rows = data.rows.map(function (r, i) { r.push(i); return r; });  // r[11]: index into data.details
  var IDX = 11, PAGE = 500;
  var state = { key: 0, dir: 1, limit: PAGE, open: {} };
  var tbody = document.querySelector("#reports tbody");
  var fAgency = document.getElementById("f-agency"), fYear = document.getElementById("f-year");
  var fCode = document.getElementById("f-code"), fText = document.getElementById("f-text");
  var UNKNOWN = "\\u0000unknown";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function option(select, value, label) {
    var o = el("option", null, label); o.value = value; select.appendChild(o);
  }
  function uniq(values) { var s = {}; values.forEach(function (v) { s[v] = 1; }); return Object.keys(s); }

  uniq(rows.map(function (r) { return r[1] || UNKNOWN; })).sort().forEach(function (a) {
    option(fAgency, a, a === UNKNOWN ? "(unknown)" : a);
  });
  uniq(rows.map(function (r) { return r[2] ? String(r[2]) : UNKNOWN; })).sort().reverse().forEach(function (y) {
    option(fYear, y, y === UNKNOWN ? "(unknown)" : y);
  });
  Object.keys(data.codes).forEach(function (c) { option(fCode, c, c + " " + data.codes[c]); });

  function matches(r) {
    if (fAgency.value && (r[1] || UNKNOWN) !== fAgency.value) return false;
    if (fYear.value && (r[2] ? String(r[2]) : UNKNOWN) !== fYear.value) return false;
    if (fCode.value && r[7].indexOf(fCode.value) < 0) return false;
    var q = fText.value.trim().toLowerCase();
    if (q && (r[0] + " " + (r[1] || "") + " " + r[7].join(" ") + " " + (r[10] || "")).toLowerCase().indexOf(q) < 0) return false;
    return true;
  }
  function cmp(a, b) {
    var k = state.key, x = a[k], y = b[k];
    if (k === 7) { x = x.join(" "); y = y.join(" "); }
    var xe = x === null || x === undefined || x === "", ye = y === null || y === undefined || y === "";
    if (xe || ye) return xe && ye ? 0 : (xe ? 1 : -1);  // empty values last, in either direction
    var c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "zh");
    return c * state.dir;
  }
  function sorted(list) {
    return list.map(function (r, i) { return [r, i]; }).sort(function (p, q) {
      return cmp(p[0], q[0]) || (p[0][0] < q[0][0] ? -1 : p[0][0] > q[0][0] ? 1 : 0);
    }).map(function (p) { return p[0]; });
  }
  function count(td, n, cls) { td.textContent = String(n); td.className = "num " + (n ? cls : "zero"); }

  function detailRow(r) {
    var tr = el("tr", "detail"), td = el("td"); td.colSpan = 8; tr.appendChild(td);
    var det = data.details[r[IDX]];
    if (r[10]) td.appendChild(el("div", "note", "Title: " + r[10]));
    if (r[9]) td.appendChild(el("div", "note", "Paired with last year's report: " + r[9]));
    if (r[8]) td.appendChild(el("div", "error-text", "Internal error: " + r[8]));
    if (det === null) { td.appendChild(el("p", "note", "Details omitted to keep this page small: see the JSON Lines output.")); return tr; }
    if (!det.d.length && !r[8]) td.appendChild(el("p", "note", "No diagnostics."));
    det.d.forEach(function (d) {
      var div = el("div", "diag");
      div.appendChild(el("span", "sev sev-" + d[0], d[0]));
      div.appendChild(el("code", null, d[1]));
      div.appendChild(el("span", "pos", d[2] + ":" + d[3]));
      div.appendChild(el("span", "msg", d[4]));
      if (d.length > 5) {
        var pre = el("pre", "src"), text = d[5], a = d[6], b = d[7];
        pre.appendChild(el("span", "ln", d[2]));
        pre.appendChild(document.createTextNode(text.slice(0, a)));
        pre.appendChild(el("mark", null, b > a ? text.slice(a, b) : (text.slice(a, a + 1) || " ")));
        pre.appendChild(document.createTextNode(b > a ? text.slice(b) : text.slice(a + 1)));
        div.appendChild(pre);
      }
      td.appendChild(div);
    });
    if (det.more) td.appendChild(el("p", "note", "… and " + det.more + " more diagnostics in the JSON Lines output."));
    return tr;
  }

  function render() {
    var list = sorted(rows.filter(matches));
    tbody.textContent = "";
    var frag = document.createDocumentFragment();
    list.slice(0, state.limit).forEach(function (r) {
      var tr = el("tr", "report" + (state.open[r[IDX]] ? " open" : ""));
      tr.dataset.idx = r[IDX];
      tr.appendChild(el("td", "file", r[0]));
      tr.appendChild(el("td", null, r[1] || "—"));
      tr.appendChild(el("td", "num", r[2] || "—"));
      tr.appendChild(el("td", null, r[3] || "—"));
      var e = el("td"), w = el("td"), n = el("td");
      count(e, r[4] + (r[8] ? 1 : 0), "n-error"); count(w, r[5], "n-warning"); count(n, r[6], "n-info");
      tr.appendChild(e); tr.appendChild(w); tr.appendChild(n);
      tr.appendChild(el("td", "codes", r[8] ? "internal error" : r[7].join(" ")));
      frag.appendChild(tr);
      if (state.open[r[IDX]]) frag.appendChild(detailRow(r));
    });
    tbody.appendChild(frag);
    document.getElementById("shown").textContent = "showing " + Math.min(list.length, state.limit) + " of " + list.length +
      " matching reports (" + rows.length + " in all)";
    var more = document.getElementById("more");
    more.hidden = list.length <= state.limit;
    document.querySelectorAll("#reports th").forEach(function (th) {
      if (Number(th.dataset.key) === state.key) th.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
  }

  document.querySelectorAll("#reports th").forEach(function (th) {
    th.addEventListener("click", function () {
      var k = Number(th.dataset.key);
      if (state.key === k) state.dir = -state.dir;
      else { state.key = k; state.dir = th.dataset.num && k !== 2 ? -1 : 1; }  // counts: most first
      render();
    });
  });
  tbody.addEventListener("click", function (ev) {
    var tr = ev.target.closest("tr.report");
    if (!tr) return;
    var i = tr.dataset.idx;
    if (state.open[i]) delete state.open[i]; else state.open[i] = true;
    render();
  });
  [fAgency, fYear, fCode].forEach(function (s) { s.addEventListener("change", function () { state.limit = PAGE; render(); }); });
  fText.addEventListener("input", function () { state.limit = PAGE; render(); });
  document.getElementById("more").addEventListener("click", function () { state.limit += PAGE; render(); });
  document.querySelectorAll("#rule-chart .bar").forEach(function (g) {
    function pick() { fCode.value = g.dataset.code; state.limit = PAGE; render();
      document.getElementById("table-section").scrollIntoView(); }
    g.addEventListener("click", pick);
    g.addEventListener("keydown", function (ev) { if (ev.key === "Enter") pick(); });
  });
  render();
})();
</script>
</body>
</html>
"""

_TEMPLATE_PARTS = re.split(r"%([A-Z_]+)%", _TEMPLATE)  # text, name, text, name, …, text
