"""Kind ``dates``: the report year, the statistics period and the publication date.

checks: ``period-stated`` (NB401: no statistics-period statement; wordings in grammar/meta.yaml),
``period-matches`` (NB402: the stated period is not 1 January – 31 December of the report year),
``year-consistent`` (NB502: title year and statistics-period year disagree),
``stale-year`` (NB410: a sentence of ``scope`` that opens with the year before the report year, per ``pattern``),
``deadline`` (NB504: a publication date after the deadline; ``deadlines`` is a list of {eras, kinds, date: "MM-DD"},
the first entry whose eras and kinds fit the report wins; the deadline falls in the year after the report year).
"""

from __future__ import annotations

import re

from ..layout import find_empty_period, find_period, published_dates
from ..ruleset import shape_problems
from . import Finding, era_value, joined, scope_span

PARAMS = {
    "check": (str, True),
    "deadlines": (list, False),
    "pattern": (str, False),
    "scope": ((str, dict), False),
}
CHECKS = ("period-stated", "period-matches", "year-consistent", "deadline", "stale-year")


def validate(params):
    shapes = {"deadlines": [{"eras?": [str], "kinds?": [str], "date": str}]}
    probs = [q for k, shape in shapes.items() if k in params for q in shape_problems(params[k], shape, (k,))]
    if probs:
        return probs
    for i, d in enumerate(params.get("deadlines") or []):
        m = re.fullmatch(r"(\d{2})-(\d{2})", d["date"])
        if not m or not (1 <= int(m[1]) <= 12 and 1 <= int(m[2]) <= 31):
            probs.append((("deadlines", i, "date"), f"date {d['date']!r} must be MM-DD"))
    if params["check"] == "deadline" and not params.get("deadlines"):
        probs.append(((), "check 'deadline' needs 'deadlines'"))
    if params["check"] == "stale-year":
        try:
            if "y" not in re.compile(params.get("pattern") or "").groupindex:
                probs.append(
                    (
                        ("pattern",) if "pattern" in params else (),
                        "check 'stale-year' needs a pattern with a group named y",
                    )
                )
        except re.error:
            pass  # reported with the other regular expressions
    return probs


def regexes(params):
    if params.get("pattern"):
        yield ("pattern",), params["pattern"]


def _period(report):
    key = "period"
    if key not in report.cache:
        report.cache[key] = find_period(report)
    return report.cache[key]


def _g(m, name):
    try:
        v = m.group(name)
    except IndexError:
        return None
    return int(v) if v else None


def run(rule, report, ctx):
    check = rule.params["check"]
    m = _period(report)
    if check == "period-stated":
        if m is None:
            empty = find_empty_period(report)
            if empty is not None:  # the wording is there, the dates are not
                yield Finding(*empty.span(), {"variant": "empty", "text": empty.group(), "year": report.year or "YYYY"})
                return
            a = report.anchor()
            yield Finding(a, a, {"year": report.year or "YYYY"})
    elif check == "period-matches":
        if m is None or report.year is None or "m1" not in m.re.groupindex:
            return
        y1, m1, d1 = _g(m, "y1"), _g(m, "m1"), _g(m, "d1")
        y2, m2, d2 = _g(m, "y2"), _g(m, "m2"), _g(m, "d2")
        y2 = y2 or y1
        y = report.year
        ok = (y1 in (None, y)) and (m1, d1) == (1, 1) and (y2 in (None, y)) and (m2, d2) == (12, 31)
        if not ok:
            yield Finding(*m.span(), {"stated": m.group(), "year": y})
    elif check == "year-consistent":
        if m is None or report.year_source != "title":
            return
        py = _g(m, "y1")
        if py is not None and py != report.year:
            yield Finding(
                *m.span("y1"),
                {"title_year": report.year, "period_year": py, "text": m.group()},
                related=[(report.year_span[0], report.year_span[1], "标题年份")] if report.year_span else [],
            )
    elif check == "stale-year":
        # a sentence about the year's work that names the year before: text carried over from last year's report
        if report.year is None:
            return
        span = scope_span(report, era_value(rule.params.get("scope", "document"), report))
        if span is None:
            return
        j = joined(report, *span)
        text = j.text
        for m in re.finditer(rule.params["pattern"], text):
            if int(m.group("y")) == report.year - 1:
                end = text.find("。", m.end())
                quote = text[m.start("y") : end if 0 <= end - m.start("y") <= 40 else m.start("y") + 30]
                yield Finding(*j.span(m, "y"), {"text": quote, "stale": report.year - 1, "year": report.year})
    elif check == "deadline":
        if report.year is None:
            return
        era = report.layout or report.era
        dl = next(
            (
                d["date"]
                for d in rule.params["deadlines"]
                if era in d.get("eras", [era]) and report.agency_kind in d.get("kinds", [report.agency_kind])
            ),
            None,
        )
        if not dl:
            return
        mm, dd = (int(x) for x in dl.split("-"))
        limit = (report.year + 1, mm, dd)
        for date, span in published_dates(report):
            if date[0] < report.year + 1:
                continue  # a date inside the report year is not the publication date
            if date > limit:
                yield Finding(
                    *span,
                    {
                        "date": f"{date[0]}年{date[1]}月{date[2]}日",
                        "deadline": f"{limit[0]}年{mm}月{dd}日",
                        "kind": report.agency_kind or "",
                    },
                )
                return
