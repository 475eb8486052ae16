"""Report facts, found once at parse time and kept on the model: title, year (and where it came from), era, agency
and agency kind, the statistics period, publication dates, whether the text shows itself an annual report, where
it was cut off, and which official section each first-level heading is.

Runs after the layout parse (it reads the preamble, the sections and the headings) and before table assembly (which
needs the era and the cut-off).  Every wording is a pattern of grammar/meta.yaml (titles and the report statement
of grammar/lines.yaml); the eras come from the format registry (:mod:`nblint.formats`).  Checks read the facts from
:class:`nblint.model.Report` and never call back into this module.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from . import data, formats, scan
from .layout import patterns
from .model import PUBLISHED_ORIGINS, Heading, Period, Published, Report
from .normalize import normalize_label


@lru_cache(maxsize=1)
def _meta():
    spec = data.load_yaml("grammar/meta.yaml")
    lines = data.load_yaml("grammar/lines.yaml")
    date = spec["date"]
    lead = spec["period-lead"]
    gap = int(spec["period-gap"])
    sep = spec["period-separator"]
    period = re.compile(rf"{lead}[^。]{{0,{gap}}}?{date.format(n=1)}{sep}{date.format(n=2)}")
    return {
        "period": period,
        "period_year_only": re.compile(spec["period-year-only"]),
        "period_empty": re.compile(spec["period-empty"]),
        "published": [(p["origin"], re.compile(p["pattern"], re.M)) for p in spec["published"]],
        "iso_date": re.compile(spec["iso-date"]),
        "kinds": [(k["kind"], re.compile(k["pattern"])) for k in spec["agency-kinds"]],
        "year": re.compile(spec["year"]),
        "body_year": re.compile(spec["body-year"]),
        "agency_before": re.compile(spec["agency-before"]),
        "agency_sources": [
            (a["origin"], a.get("in", "head"), re.compile(a["pattern"], re.M)) for a in spec["agency-sources"]
        ],
        "agency_search": {k: int(v) for k, v in spec["agency-search"].items()},
        "agency_line": re.compile(spec["agency-line"], re.M),
        "agency_name": re.compile(spec["agency-name"]),
        "agency_not": re.compile(spec["agency-not"]),
        "cut_off_slack": int(spec["cut-off-slack"]),
        "text_end": re.compile(lines["text-end"]),
        "text_end_window": int(lines["text-end-window"]),
        "trailer": re.compile(spec["text-trailer"]),
    }


def find(report: Report) -> None:
    """All facts, in the order they depend on each other (the body year needs section 一 matched)."""
    find_title(report)
    match_sections(report, formats.get(formats.default_era()))
    find_meta(report)
    era_fmt = formats.get(report.era) if report.era else None
    if era_fmt is not None and era_fmt["sections"] != formats.get(formats.default_era())["sections"]:
        match_sections(report, era_fmt)
    report.recognisable = recognisable(report)
    report.truncated = find_cut_off(report)
    report.head_missing = head_missing(report)


def follow_layout(report: Report) -> None:
    """After table assembly: a report that holds none of its era's tables and whose headings follow an older
    format it may still use (``layout-for-years``) is judged by that format's items (NB106)."""
    if report.tables:
        return
    for fid in formats.layout_variants(report.year):
        fmt = formats.get(fid)
        if _follows(report, fmt):
            report.layout = fid
            match_sections(report, fmt)
            return


def _follows(report: Report, fmt: dict) -> bool:
    """The report's headings carry enough of the format's items and one of its distinctive headings."""
    keys = [normalize_label(k) for s in fmt["sections"] for k in s["keys"]]
    hits = sum(1 for s in report.sections if any(k in s.title for k in keys))
    signals = [normalize_label(k) for k in fmt.get("layout-signals", [])]
    need = int(fmt.get("layout-min-items", len(fmt["sections"])))
    return hits >= need and any(any(k in s.title for k in signals) for s in report.sections)


def find_title(report: Report) -> None:
    P = patterns()
    text = report.text
    prev: tuple[int, int] | None = None
    cands = [b for b in report.preamble if b.kind == "paragraph"]
    if not cands and report.sections:
        return
    for b in cands:
        # a paragraph may hold several lines (title split over two lines in PDF extraction)
        pos = b.span[0]
        for line in text[b.span[0] : b.span[1]].split("\n"):
            s, e = pos, pos + len(line)
            pos = e + 1
            st = line.strip().lstrip("#").strip()
            if not st:
                continue
            pm = P.title_prefix.match(st)
            if pm:
                st = st[pm.end() :]
            st = P.title_suffix.sub("", st)
            if len(st) <= 60 and "。" not in st and P.title.search(st) and not P.title_not.match(st):
                lead = len(line) - len(line.lstrip().lstrip("#").lstrip()) + (pm.end() if pm else 0)
                report.title = Heading(0, "", st, (s + lead, e), st)
                _title_meta(report, st, s + lead, prev)
                return
            prev = (s, e) if len(st) <= 30 else None


def _title_meta(report: Report, title: str, start: int, prev: tuple[int, int] | None) -> None:
    M = _meta()
    m = M["year"].search(title)
    prev_text = report.text[prev[0] : prev[1]].strip() if prev else ""
    if m:
        report.year = int(m.group("y"))
        report.year_source = "title"
        report.year_span = (start + m.start("y"), start + m.end("y"))
        agency = _name_by_year(title, m)
    else:
        pm = M["year"].search(prev_text) if prev_text else None
        if pm and prev:
            report.year = int(pm.group("y"))
            report.year_source = "title"
            off = report.text.index(prev_text, prev[0])
            report.year_span = (off + pm.start("y"), off + pm.end("y"))
            agency = _name_by_year(prev_text, pm)  # "2024 年上海市科委政府信息公开工作 / 年度报告"
        else:
            agency = M["agency_before"].split(title)[0].strip()
    if not agency and prev_text and not M["year"].search(prev_text):
        agency = prev_text
    agency = M["agency_before"].split(agency)[0].strip() if agency else agency
    # a name needs more than a word ("政府" alone, from "政府政务公开年报", names nobody)
    report.agency = agency if agency and len(agency) >= 3 else None
    report.agency_source = "title" if report.agency else None


def _name_by_year(line: str, m: re.Match) -> str:
    """The agency named in a title line around its year (found by ``m``): the words before the year, or when the
    line starts with the year ("2024年上海市科委政府信息公开工作年度报告") the words after it."""
    return line[: m.start()].strip() or _meta()["agency_before"].split(line[m.end() :].lstrip("度").strip())[0].strip()


def _g(m: re.Match, name: str) -> int | None:
    try:
        v = m.group(name)
    except IndexError:
        return None
    return int(v) if v else None


def find_period(text: str) -> Period | None:
    """The statistics-period statement, with its dates (or only its year: "统计期限为2024年度")."""
    M = _meta()
    m = scan.search(M["period"], text)
    if m is None:
        m = scan.search(M["period_year_only"], text)
    if m is None:
        return None
    return Period(
        span=m.span(),
        text=m.group(),
        year_span=m.span("y1") if m.group("y1") else None,
        dated="m1" in m.re.groupindex,
        start=(_g(m, "y1"), _g(m, "m1"), _g(m, "d1")),
        end=(_g(m, "y2"), _g(m, "m2"), _g(m, "d2")),
    )


def agency_kind(name: str) -> str | None:
    """The kind of an agency from the end of its name (grammar/meta.yaml ``agency-kinds``; the first match wins)."""
    name = re.sub(r"[\s#]", "", name)
    for kind, rx in _meta()["kinds"]:
        if rx.search(name):
            return kind
    return None


def find_meta(report: Report) -> None:
    M = _meta()
    report.period = find_period(report.text)
    if report.period is None:
        m = M["period_empty"].search(report.text)
        report.empty_period = m.span() if m else None
    report.published = published_dates(report.text, getattr(report.source, "meta", None) or {}, report.anchor())
    if report.year is None:
        p = report.period
        if p and p.start[0] is not None and p.year_span:
            report.year = p.start[0]
            report.year_source = "statistics-period"
            report.year_span = p.year_span
    if report.year is None:
        first = report.sections[0] if report.sections else None
        seg = report.text[first.span[0] : first.span[1]] if first else report.text
        base = first.span[0] if first else 0
        years = [(int(x.group(1)), x.start(1)) for x in M["body_year"].finditer(seg)]
        if years:
            y, _ = Counter(y for y, _ in years).most_common(1)[0]
            pos = next(p for yy, p in years if yy == y)
            report.year = y
            report.year_source = "body"
            report.year_span = (base + pos, base + pos + 4)
    report.era = formats.era_of(report.year)
    given = getattr(report.source, "meta", None) or {}
    if given.get("agency"):
        report.agency, report.agency_source = str(given["agency"]), "manifest"
    elif not report.agency:
        found = find_agency(report)
        if found:
            report.agency, report.agency_source = found
    if given.get("level"):
        report.level = str(given["level"])
    if report.agency:
        report.agency = re.sub(r"[\s#]", "", report.agency)
        report.agency_kind = agency_kind(report.agency)


def plausible_agency(name: str) -> bool:
    """Whether a candidate reads as an agency's name (grammar/meta.yaml ``agency-name`` / ``agency-not``)."""
    M = _meta()
    return 3 <= len(name) <= 30 and bool(M["agency_name"].search(name)) and not M["agency_not"].search(name)


def find_agency(report: Report) -> tuple[str, str] | None:
    """The agency of a report whose title does not name it, and where it was found: a header field (发布机构),
    an opening statement (本报告由…编制, 现将…年度报告), the signature above the closing date, or a line of its own
    before the first section (grammar/meta.yaml ``agency-sources``, ``agency-line``)."""
    M = _meta()
    text = report.text
    chars = M["agency_search"]
    first = report.sections[0].span[0] if report.sections else min(len(text), chars["unsectioned"])
    within = {"head": text[: max(first, min(len(text), chars["head"]))], "tail": text[-chars["tail"] :]}
    lead = scan.search(M["agency_line"], text, 0, first)
    if lead is not None and not text[: lead.start()].strip() and plausible_agency(lead.group("a")):
        return lead.group("a"), "header"  # the first line is the name alone
    for origin, part, rx in M["agency_sources"]:
        for m in rx.finditer(within[part]):
            name = re.sub(r"\s", "", m.group("a"))
            if plausible_agency(name):
                return name, origin
    for m in scan.finditer(M["agency_line"], text, 0, first):
        name = m.group("a")
        if plausible_agency(name) and not M["year"].search(name):
            return name, "header"
    return None


def published_dates(text: str, given: dict | None = None, anchor: int = 0) -> list[Published]:
    """Publication dates, most trusted origin first (``model.PUBLISHED_ORIGINS``), each origin in text order:
    those the reader or the caller give (``Source.meta["published"]``: a date string, with its origin in
    ``published-origin``: a crawl's manifest, a page's <meta>), then those written in the text (grammar/meta.yaml
    ``published``: the portal's fields and crawler header lines, then the report's own dates)."""
    M = _meta()
    out: list[Published] = []
    given = given or {}
    if given.get("published"):
        d = parse_date(str(given["published"]))
        if d is not None:
            out.append(Published(d, (anchor, anchor), str(given.get("published-origin") or "page")))
    for origin, rx in M["published"]:
        for m in scan.finditer(rx, text):
            try:
                d = (int(m.group("y")), int(m.group("m")), int(m.group("d")))
            except (TypeError, ValueError):
                continue
            if 1 <= d[1] <= 12 and 1 <= d[2] <= 31:
                out.append(Published(d, m.span("date"), origin))
    rank = {o: i for i, o in enumerate(PUBLISHED_ORIGINS)}
    out.sort(key=lambda p: (rank.get(p.origin, len(rank)), p.span[0]))
    return out


def parse_date(s: str) -> tuple[int, int, int] | None:
    """A date written as 2024-01-20, 2024/1/20, 2024.1.20 or 2024年1月20日 (a time after it is ignored)."""
    m = _meta()["iso_date"].search(s.strip()[:40])
    if m is None:
        return None
    d = (int(m.group("y")), int(m.group("m")), int(m.group("d")))
    return d if 1 <= d[1] <= 12 and 1 <= d[2] <= 31 else None


def recognisable(report: Report) -> bool:
    """Whether the text shows itself an annual report: a title; or a first-level heading carrying the words of a
    section of any format; or an opening that says so ("本报告根据…条例…编制")."""
    if report.title is not None:
        return True
    keys = [normalize_label(k) for f in formats.load_formats().values() for s in f["sections"] for k in s["keys"]]
    if any(any(k in s.title for k in keys) for s in report.sections):
        return True
    return bool(patterns().report_statement.search(report.text, 0, 600))


def find_cut_off(report: Report) -> tuple[int, int] | None:
    """Where the text was cut off (web excerpts, glued copies), the one judgement every rule uses: ``(tail, end)``
    when the text's content does not end the way a complete text does (grammar/lines.yaml ``text-end``), or ends
    inside a table of a format whose tables come before its last sections.  The content ends with the last block
    that is not page furniture, less a trailing page-chrome word (grammar/meta.yaml ``text-trailer``: 附件下载…);
    ``end`` is where it stops, and whatever ends at or after ``tail`` is the last thing before the cut (no more than
    ``cut-off-slack`` characters follow it, grammar/meta.yaml)."""
    text = report.text
    M = _meta()
    last = report.sections[-1].blocks if report.sections else report.preamble
    content = [b for b in last if b.kind != "furniture"]
    if content:
        end = content[-1].span[1]
    elif report.sections:
        end = report.sections[-1].heading.span[1]
    else:
        end = len(text)
    m = scan.search(M["trailer"], text, 0, end)
    if m:
        end = m.start()
    while end > 0 and text[end - 1].isspace():
        end -= 1
    if end == 0:
        return None
    # a text that ends inside a table stops before the format's sections that follow its tables (2008 reports often
    # end with their statistics table; a table-like line in section 六 is prose)
    fmt = formats.get(report.era or formats.default_era())
    table_sections = {t.get("section") for t in fmt.get("tables") or []}
    in_table = (
        bool(content)
        and content[-1].kind == "table"
        and (report.sections[-1].official if report.sections else None) in table_sections
    )
    # how the content ends is read from its last characters (the pattern is anchored at the end; searching the
    # whole text tried it after every full stop and digit)
    if not in_table and M["text_end"].search(text, max(0, end - M["text_end_window"]), end):
        return None
    slack = M["cut_off_slack"]
    # the earliest offset after which at most `slack` characters remain (white space before them not counted)
    i = end - slack - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    tail = i + 1
    return tail, end


def head_missing(report: Report) -> bool:
    """Whether the copy lacks the report's head: no title, and the text opens with a section heading (no preamble
    paragraph before it, and no report statement opening the first section), so whatever a report states before its
    first section (the statistics period) may be in the part that was not captured."""
    if report.title is not None or not report.sections:
        return False
    if any(b.kind == "paragraph" for b in report.preamble):
        return False
    # the preamble's sentence may open the first section (「一、总体情况\n本报告是根据《条例》…」): the head is there
    body = report.sections[0].body[0]
    return not patterns().report_statement.search(report.text, body, body + 200)


def match_sections(report: Report, fmt: dict) -> None:
    """Assign each first-level section the id of the official section whose title words it carries."""
    keys = [(s["id"], [normalize_label(k) for k in s["keys"]]) for s in fmt["sections"]]
    for sec in report.sections:
        title = sec.title
        best = None
        for sid, ks in keys:
            for k in ks:
                i = title.find(k)
                if i >= 0 and (best is None or (len(k), -i) > (best[1], -best[2])):
                    best = (sid, len(k), i)
        sec.official = best[0] if best else None
