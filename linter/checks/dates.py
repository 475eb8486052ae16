"""Kind ``dates``: the report year, the statistics period and the publication date (facts found at parse time,
``Report.period`` / ``empty_period`` / ``published``; their wordings are in grammar/meta.yaml)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .. import i18n, scan
from ..model import Report
from ..ruleset import check_needs, shape_problems
from . import Finding, scope_joined

PARAMS = {
    "check": (str, True),
    "deadlines": (list, False),
    "pattern": (str, False),
    "scope": ((str, dict), False),
}

if TYPE_CHECKING:
    from ..engine import Context
    from ..ruleset import Rule


def month_day_problems(deadlines: list[dict], path: tuple) -> list:
    """Deadlines whose ``date`` is not a day of the year written MM-DD (rules and scoring profiles both give them)."""
    out = []
    for i, d in enumerate(deadlines):
        m = re.fullmatch(r"(\d{2})-(\d{2})", d["date"])
        if not m or not (1 <= int(m[1]) <= 12 and 1 <= int(m[2]) <= 31):
            out.append(((*path, i, "date"), i18n.t("rulefile.month-day", date=repr(d["date"]))))
    return out


def validate(params):
    shapes = {"deadlines": [{"eras?": [str], "kinds?": [str], "levels?": [str], "date": str}]}
    probs = [q for k, shape in shapes.items() if k in params for q in shape_problems(params[k], shape, (k,))]
    if probs:
        return probs
    probs += month_day_problems(params.get("deadlines") or [], ("deadlines",))
    if params["check"] == "deadline" and not params.get("deadlines"):
        probs.append(((), check_needs("deadline", "deadlines")))
    if params["check"] == "stale-year":
        try:
            if "y" not in re.compile(params.get("pattern") or "").groupindex:
                probs.append(
                    (
                        ("pattern",) if "pattern" in params else (),
                        check_needs("stale-year", what=i18n.t("rulefile.pattern-group", group="y")),
                    )
                )
        except re.error:
            pass  # reported with the other regular expressions
    return probs


def regexes(params):
    if params.get("pattern"):
        yield ("pattern",), params["pattern"]


def period_stated(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB401: no statistics-period statement (variant ``empty``: the wording is there, its dates are not).  Silent
    on a copy without the report's head (``Report.head_missing``: no title, the text opens at a section heading),
    where the statement would have been."""
    m = report.period
    if m is None and not (report.head_missing and report.empty_period is None):
        empty = report.empty_period
        if empty is not None:
            text = report.text[empty[0] : empty[1]]
            yield Finding(*empty, {"variant": "empty", "text": text, "year": report.year or "YYYY"})
            return
        a = report.anchor()
        yield Finding(a, a, {"year": report.year or "YYYY"})


def period_matches(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB402: the stated period is not 1 January – 31 December of the report year."""
    m = report.period
    if m is None or report.year is None or not m.dated:
        return
    y1, m1, d1 = m.start
    y2, m2, d2 = m.end
    y2 = y2 or y1
    y = report.year
    ok = (y1 in (None, y)) and (m1, d1) == (1, 1) and (y2 in (None, y)) and (m2, d2) == (12, 31)
    if not ok:
        yield Finding(*m.span, {"stated": m.text, "year": y})


def year_consistent(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB502: the title year and the statistics-period year disagree."""
    m = report.period
    if m is None or report.year_source != "title":
        return
    py = m.start[0]
    if py is not None and m.year_span is not None and py != report.year:
        yield Finding(
            *m.year_span,
            {"title_year": report.year, "period_year": py, "text": m.text},
            related=[report.year_span] if report.year_span else [],
        )


def stale_year(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB410: a sentence of ``scope`` that opens with the year before the report year (``pattern``, with a
    group ``y``): text carried over from last year's report."""
    if report.year is None:
        return
    j = scope_joined(rule, report)
    if j is None:
        return
    text = j.text
    for m in scan.finditer(re.compile(rule.params["pattern"]), text):
        if int(m.group("y")) == report.year - 1:
            end = text.find("。", m.end())
            quote = text[m.start("y") : end if 0 <= end - m.start("y") <= 40 else m.start("y") + 30]
            yield Finding(*j.span(m, "y"), {"text": quote, "stale": report.year - 1, "year": report.year})


def deadline(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB504: published after the deadline.  The date is the one evaluators use (``Report.publication()``: a
    manifest's, else the portal page's, else, said to be a fallback, one inside the report).  ``deadlines`` is a
    list of {eras, kinds, levels, date: "MM-DD"}; the deadlines of a scoring profile (``ctx.settings.deadlines``)
    are tried first; the first entry whose eras, agency kinds and levels fit the report wins (no entry: no
    deadline, as for 乡镇/街道 under the 2019 regulation); the deadline falls in the year after the report year."""
    if report.year is None:
        return
    pub = report.publication()
    if pub is None:
        return
    era = report.layout or report.era
    kind, level = report.agency_kind, report.level
    local = list(ctx.settings.deadlines)
    entry = next(
        (
            d
            for d in local + list(rule.params["deadlines"])
            if era in d.get("eras", [era]) and kind in d.get("kinds", [kind]) and level in d.get("levels", [level])
        ),
        None,
    )
    if entry is None:
        return
    mm, dd = (int(x) for x in entry["date"].split("-"))
    limit = (report.year + 1, mm, dd)
    if pub.date > limit:
        yield Finding(
            *pub.span,
            {
                "variant": pub.origin,
                "y": pub.date[0],
                "m": pub.date[1],
                "d": pub.date[2],
                "deadline_y": limit[0],
                "deadline_m": mm,
                "deadline_d": dd,
                "deadline_of": rule.word("local" if any(entry is d for d in local) else "statutory", ctx.settings.lang),
                "kind": kind or "",
            },
        )


CHECKS = {
    "period-stated": period_stated,
    "period-matches": period_matches,
    "year-consistent": year_consistent,
    "stale-year": stale_year,
    "deadline": deadline,
}
