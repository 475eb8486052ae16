"""The HTML page of ``nblint audit``: one self-contained file (inline CSS, JS and SVG; no network at all) that answers
an office head's questions (Chinese by default, ``--lang en``).

Server side (escaped with :func:`html.escape`): the overview in reports, not diagnostics (reports with errors,
compliance rate, missing and duplicate reports), the chart of *reports* per rule, the trend over the years, the
rules explained from their YAML (basis and description), and the missing-years table.  Client side, from JSON
embedded in the page: the agency ranking (score by the scoring profile, compliance rate; sortable), the table of
reports (sortable, filterable by agency, year and code, searched over file, agency, title, codes *and messages*)
and each report's details; the script only ever sets ``textContent``, so no report text is parsed as HTML.  Paths
are relative to the audited roots, and the roots are named without the auditing machine's folders above them.
The page template is ``audit_page.html`` next to this module.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter
from functools import lru_cache
from html import escape
from pathlib import Path
from sys import intern

from .. import i18n
from ..diagnostics import where_text
from ..paths import display

SEV_COLOUR = {"error": "#c62828", "warning": "#ef8f00", "info": "#1e6fb8"}
MAX_SEARCH_CHARS = 2000  # characters of a report's messages kept for the search box


def page_words(lang: str) -> dict[str, str]:
    """The page's words in ``lang`` (the template's %T_…% fields and the script's T object): the ``page.*`` texts
    of :data:`nblint.i18n.STRINGS`, by their names without the prefix."""
    return i18n.words("page.", lang)


class HtmlCollector:
    """Keeps a small summary per report (with its messages, capped, for the search box) and, up to
    ``max_details`` diagnostics in all, the details shown when a report is opened; everything else is in the JSONL
    file."""

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
        flags = ("d" if rep.get("duplicates") else "") + ("m" if rep.get("missing") else "")
        search, n = [], 0
        for m in dict.fromkeys(d["message"] for d in diags):  # each distinct message once
            if n + len(m) > MAX_SEARCH_CHARS:
                break
            search.append(m)
            n += len(m) + 1
        pub = rep.get("published")
        self.rows.append(
            [
                display(rep["file"]) if rep["file"] else "",
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
                rep.get("score"),
                flags,
                [pub["date"], pub["origin"]] if pub else None,
                "\n".join(search),
                rep.get("deductions") or [],
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


def _card(value, label: str, cls: str = "", sub: str = "") -> str:
    sub_html = f'<div class="sub">{escape(sub)}</div>' if sub else ""
    return (
        f'<div class="card {cls}"><div class="value">{escape(str(value))}</div>'
        f'<div class="label">{escape(label)}</div>{sub_html}</div>'
    )


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


@lru_cache(maxsize=1)
def _rules() -> dict:
    from ..ruleset import load_rules

    return {r.code: r for r in load_rules()}


def bar_chart(totals, T: dict) -> str:
    """Reports per rule: one horizontal bar per code (the number of reports with at least one of its
    diagnostics), coloured by the rule's worst severity, most frequent first."""
    items = sorted(totals.code_reports.items(), key=lambda kv: (-kv[1], kv[0]))
    if not items:
        return f'<p class="empty">{escape(T["no_diags"])}</p>'
    row_h, label_w, bar_w, right = 22, 230, 520, 70
    top = max(n for _, n in items)
    h, width = row_h * len(items) + 8, label_w + bar_w + right
    out = [
        f'<svg id="rule-chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h}" '
        f'viewBox="0 0 {width} {h}" role="img" aria-label="{escape(T["rules"])}">'
    ]
    for i, (code, n) in enumerate(items):
        y = 4 + i * row_h
        name = totals.names.get(code, "")
        sev = totals.code_severity[code]
        worst = next((s for s in SEV_COLOUR if sev[s]), "info")
        tip = f"{code} {name}: {n} {T['reports']}, {totals.codes[code]} diagnostics"
        w = max(1.0, bar_w * n / top)
        out.append(
            f'<g class="bar" data-code="{escape(code)}" data-reports="{n}" tabindex="0"><title>{escape(tip)}</title>'
            f'<rect class="hit" x="0" y="{y}" width="{width}" height="{row_h}" fill="transparent"/>'
            f'<text x="0" y="{y + 15}" class="code">{escape(code)}<tspan class="name" dx="6">'
            f"{escape(name[:26])}</tspan></text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" fill="{SEV_COLOUR[worst]}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" class="count">{n}</text></g>'
        )
    out.append("</svg>")
    return "".join(out)


def trend_section(trend: list[dict], T: dict, scored: bool) -> str:
    """Per year: a small line of the compliance rate (inline SVG) and the table of figures."""
    if not trend:
        return f'<p class="empty">{escape(T["no_diags"])}</p>'
    w, h, pad = 520, 120, 24
    n = len(trend)
    pts = []
    for i, t in enumerate(trend):
        x = 48 + (w - 48 - pad) * (i / (n - 1) if n > 1 else 0.5)  # left of 48: the axis labels
        y = h - pad - (h - 2 * pad) * t["compliance"]
        pts.append((x, y, t))
    svg = [
        f'<svg id="trend-chart" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
        f'role="img" aria-label="{escape(T["trend"])}">',
        f'<line x1="40" y1="{h - pad}" x2="{w - pad}" y2="{h - pad}" stroke="#dde1e6"/>',
        f'<line x1="40" y1="{pad}" x2="{w - pad}" y2="{pad}" stroke="#eef1f4"/>',
        f'<text x="2" y="{pad + 4}" class="axis">100%</text><text x="2" y="{h - pad + 4}" class="axis">0%</text>',
    ]
    if n > 1:
        svg.append(
            '<polyline fill="none" stroke="#1e6fb8" stroke-width="2" points="'
            + " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in pts)
            + '"/>'
        )
    for x, y, t in pts:
        svg.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#1e6fb8"><title>{t["year"]}: '
            f"{_pct(t['compliance'])}</title></circle>"
            f'<text x="{x:.1f}" y="{h - 6}" class="axis" text-anchor="middle">{t["year"]}</text>'
        )
    svg.append("</svg>")
    head = [T["year"], T["n_reports"], T["n_missing"], T["errors_per_report"], T["compliance"]]
    if scored:
        head.append(T["mean_score"])
    rows = []
    for t in trend:
        cells = [t["year"], t["reports"], t["missing"], f"{t['errors_per_report']:g}", _pct(t["compliance"])]
        if scored:
            cells.append("—" if t["score"] is None else f"{t['score']:g}")
        rows.append("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in cells) + "</tr>")
    table = (
        '<table id="trend"><thead><tr>'
        + "".join(f"<th>{escape(x)}</th>" for x in head)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    return "".join(svg) + table


def _missing_table(missing: list[dict], T: dict) -> str:
    if not missing:
        return f'<p class="empty">{escape(T["gaps_none"])}</p>'
    rows = "".join(
        f"<tr><td>{escape(m['agency'])}</td><td>{m['first']}–{m['last']}</td>"
        f'<td>{escape(", ".join(map(str, m["years"])))}</td><td class="miss">{escape(", ".join(map(str, m["missing"])))}</td></tr>'
        for m in missing
    )
    return (
        f'<table id="missing"><thead><tr><th>{escape(T["agency"])}</th><th>{escape(T["first_last"])}</th>'
        f"<th>{escape(T['present'])}</th><th>{escape(T['missing_years'])}</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _rules_section(codes, lang: str, T: dict) -> str:
    """Each rule found, explained from its YAML: code, name, severity, basis and description."""
    rules = _rules()
    items = []
    for code in sorted(codes):
        r = rules.get(code)
        if r is None:
            continue
        desc = " ".join(r.description.split()) if r.description else ""
        items.append(
            f'<div class="rule" id="rule-{escape(code)}"><div><code>{escape(code)}</code> <b>{escape(r.name)}</b> '
            f'<span class="sev-{escape(r.severity)}">{escape(T["sev_" + r.severity])}</span></div>'
            f'<div class="basis">{escape(T["basis"])}{_punct(lang)[0]}{escape(r.basis or "—")}</div>'
            f'<div class="desc">{escape(desc)}</div></div>'
        )
    return "".join(items) or f'<p class="empty">{escape(T["no_diags"])}</p>'


def _punct(lang: str) -> tuple[str, str, str, str]:
    """Colon, opening and closing parenthesis, comma in the page's language."""
    return ("：", "（", "）", "，") if lang == "zh" else (": ", " (", ")", ", ")


def _profile_section(profile, lang: str, T: dict) -> str:
    colon, lp, rp, _ = _punct(lang)
    if profile is None:
        return f'<p class="note">{escape(T["profile_none"])}</p>'
    name = profile.name if lang == "zh" else profile.name_en
    ded = "".join(
        f"<li>{escape(d.label_in(lang))}{colon}−{d.points:g}{lp}{escape(' '.join(sorted(d.codes)))}{rp}"
        f"{'<span class=note> ' + escape(d.basis) + '</span>' if d.basis else ''}</li>"
        for d in profile.deductions
    )
    missing = f"<li>{escape(T['missing_tag'])}{colon}−{profile.missing:g}{lp}NB508{rp}</li>" if profile.points else ""
    return (
        f"<p><b>{escape(T['profile'])}{colon}{escape(name)}</b>{escape(T['example_note'] if profile.example else '')} · "
        f"{escape(T['full_points'])} {profile.points:g} · {escape(profile.source)}"
        f'{" · " + escape(profile.url) if profile.url else ""}</p><ul class="deductions">{ded}{missing}</ul>'
    )


def _common_dir(paths: list[str]) -> str:
    paths = [p for p in paths if p]
    try:
        root = os.path.commonpath([os.path.dirname(os.path.abspath(p)) for p in paths]) if paths else ""
    except ValueError:  # paths on different drives
        return ""
    return "" if root in ("", os.sep) else root


def _rel(path: str, root: str) -> str:
    return os.path.relpath(os.path.abspath(path), root) if path else path


def _root_label(path: str) -> str:
    """An audited root as the page names it: a relative path as given, an absolute one by its last folder only
    (the auditing machine's folders above it say nothing to the reader)."""
    if not os.path.isabs(path) and not path.startswith(".."):
        return display(path)
    return display(os.path.basename(os.path.normpath(path)) or path)


def write_page(fh, rows: list[list], details: list, totals, missing: list[dict], info: dict) -> None:
    """Write the page to ``fh``; the JSON data is written in pieces, never built as one string."""
    lang = info.get("lang") or "zh"
    T = page_words(lang)
    profile = info.get("profile")
    years = sorted(totals.years)
    span = f"{years[0]}–{years[-1]}" if years else "—"
    with_errors = sum(1 for r in rows if (r[4] or r[8]) and "m" not in r[12])
    reports = totals.reports
    compliance = (reports - with_errors) / reports if reports else 0.0
    cards = "".join(
        [
            _card(reports, T["reports"], sub=f"{totals.paired} {T['paired']}"),
            _card(len(totals.agencies), T["agencies"], sub=f"{T['agency_unknown']} {totals.unknown_agency}"),
            _card(len(years), T["years"], sub=f"{span}; {T['year_unknown']} {totals.unknown_year}"),
            _card(with_errors, T["with_errors"], "error" if with_errors else ""),
            _card(_pct(compliance), T["compliance"]),
            _card(totals.missing, T["missing_reports"], "error" if totals.missing else ""),
            _card(totals.duplicates, T["duplicates"], "warning" if totals.duplicates else ""),
            _card(totals.unreadable, T["unreadable"]),
            _card(totals.errors, T["internal"], "error" if totals.errors else ""),
        ]
    )
    root = _common_dir([r[0] for r in rows])
    if root:  # paths in the table relative to the directory they all share (the subtitle names it)
        rows = [[_rel(r[0], root)] + r[1:9] + [_rel(r[9], root) if r[9] else r[9]] + r[10:] for r in rows]
    codes = sorted(set(totals.codes) | set(totals.code_reports))
    rules = _rules()
    data = {
        "rows": rows,
        "details": details,
        "codes": {c: totals.names.get(c, "") for c in codes},
        "ranking": info.get("ranking") or [],
        "scored": profile is not None,
        "T": T,
        "origins": {o: T.get("origin_" + o, o) for o in ("manifest", "page", "report")},
        "sev": {c: rules[c].severity for c in codes if c in rules},
    }
    generated = time.strftime("%Y-%m-%d %H:%M")
    where = "、".join(_root_label(p) for p in info.get("paths", []))
    if root:
        _, lp, rp, comma = _punct(lang)
        where += f"{lp}{T['relative']} {display(Path(root).name) or root}{rp}"
    comma = _punct(lang)[3]
    subtitle = (
        f"{where} · {T['generated']} {generated} · {info.get('elapsed', 0):.1f} {T['seconds']}{comma}"
        f"{info.get('jobs', 1)} {T['workers']}"
    )
    parts = {
        "LANG": "zh-CN" if lang == "zh" else "en",
        "SUBTITLE": escape(subtitle),
        "CARDS": cards,
        "CHART": bar_chart(totals, T),
        "TREND": trend_section(info.get("trend") or [], T, profile is not None),
        "MISSING_COUNT": str(len(missing)),
        "MISSING": _missing_table(missing, T),
        "RULES": _rules_section(codes, lang, T),
        "PROFILE": _profile_section(profile, lang, T),
    }
    for i, piece in enumerate(_template_parts()):
        if i % 2 == 0:
            fh.write(piece)
        elif piece == "DATA":
            for chunk in json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).iterencode(data):
                fh.write(_script_safe(chunk))
        elif piece.startswith("T_"):
            fh.write(escape(T[piece[2:].lower()]))
        else:
            fh.write(parts[piece])


@lru_cache(maxsize=1)
def _template_parts() -> list[str]:
    """The page template (audit_page.html) split into text, field name, text, …, text."""
    text = Path(__file__).with_name("audit_page.html").read_text(encoding="utf-8")
    return re.split(r"%([A-Z_]+)%", text)
