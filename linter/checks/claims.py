"""Kind ``claims``: what the prose asserts, checked against itself and against the report's own year.

Every wording is a rule parameter (regular expressions over the normalised text with line breaks removed; the
normaliser has turned full-width punctuation into ASCII: ``,`` ``;`` ``:`` ``(`` ``)``, while ``、`` and ``。``
stay).  ``context-exclude`` patterns found in the same sentence before a match silence it (a plan, last year, a
history: the year or number is about another period or scope).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING

from .. import i18n, scan
from ..model import Report
from ..ruleset import check_needs, shape_problems
from . import Finding, fmt_num, scope_joined

if TYPE_CHECKING:
    from ..engine import Context
    from ..ruleset import Rule

PARAMS = {
    "check": (str, True),
    "scope": ((str, dict), False),
    "totals": (list, False),
    "part": (str, False),
    "partial": (list, False),
    "years": (list, False),
    "malformed": (list, False),
    "context-exclude": (list, False),
    "percent-tolerance": (float, False),
    "partial-share": (float, False),
    "same-units": (list, False),
    "activity-labels": (str, False),
    "anchors": (list, False),
}


def validate(params):
    shapes = {
        "totals": [str],
        "part": str,
        "partial": [str],
        "years": [{"name": str, "pattern": str, "relation": str, "anchor?": str}],
        "malformed": [{"name": str, "pattern": str, "anchor?": str}],
        "context-exclude": [str],
        "same-units": [[str]],
        "activity-labels": str,
        "anchors": [str],
    }
    probs = [q for k, shape in shapes.items() if k in params for q in shape_problems(params[k], shape, (k,))]
    if probs:
        return probs
    check = params["check"]
    if check == "parts-sum":
        if not params.get("totals") or not params.get("part"):
            probs.append(((), check_needs("parts-sum", "totals", "part")))
        for i, t in enumerate(params.get("totals") or []):
            probs += _groups(t, ("n", "u"), ("totals", i))
        if params.get("part"):
            probs += _groups(params["part"], ("label", "n", "u"), ("part",))
    if check == "foreign-date":
        if not params.get("years") and not params.get("malformed"):
            probs.append(((), check_needs("foreign-date", "years", "malformed", either=True)))
        for i, y in enumerate(params.get("years") or []):
            probs += _groups(y["pattern"], ("y",), ("years", i, "pattern"))
            if y["relation"] not in RELATIONS:
                probs.append(
                    (
                        ("years", i, "relation"),
                        i18n.t("rulefile.one-of", field="relation", choices=", ".join(RELATIONS)),
                    )
                )
    return probs


def _groups(pattern: str, names: tuple[str, ...], path: tuple) -> list:
    try:
        have = re.compile(pattern).groupindex
    except re.error:
        return []  # reported with the other regular expressions
    return [(path, f"pattern {pattern!r} has no group named {n}") for n in names if n not in have]


def regexes(params):
    for i, t in enumerate(params.get("totals") or []):
        yield ("totals", i), t
    if params.get("part"):
        yield ("part",), params["part"]
    if params.get("activity-labels"):
        yield ("activity-labels",), params["activity-labels"]
    for key in ("partial", "context-exclude"):
        for i, p in enumerate(params.get(key) or []):
            yield (key, i), p
    for key in ("years", "malformed"):
        for i, y in enumerate(params.get(key) or []):
            yield (key, i, "pattern"), y["pattern"]


@cache
def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern)


@cache
def _any(patterns: tuple[str, ...]) -> re.Pattern | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


WINDOW = 64  # a match ends at most this many characters after its anchor begins, and starts at most this far before


def _finditer(rx: re.Pattern, text: str, anchors: list[str] | tuple[str, ...] | None) -> Iterator[re.Match]:
    """The matches of ``rx`` in ``text``; with ``anchors`` (literal words every match contains), only around
    their occurrences, found with a plain string search (much faster than scanning with the expression)."""
    if not anchors:
        yield from scan.finditer(rx, text)
        return
    starts = sorted(i for a in anchors for i in _occurrences(text, a))
    seen: set[tuple[int, int]] = set()
    out = []
    for i in starts:
        for m in rx.finditer(text, max(0, i - WINDOW), min(len(text), i + 8)):
            if m.span() not in seen:
                seen.add(m.span())
                out.append(m)
    out.sort(key=lambda m: m.start())
    yield from out


def _occurrences(text: str, word: str) -> Iterator[int]:
    i = text.find(word)
    while i >= 0:
        yield i
        i = text.find(word, i + 1)


def _sentence_start(text: str, i: int) -> int:
    return max(text.rfind("。", 0, i), text.rfind("\n", 0, i)) + 1


def _excluded(rule: Rule, text: str, start: int, end: int) -> bool:
    """A ``context-exclude`` pattern occurs in the sentence of [start, end) before its end."""
    rx = _any(tuple(rule.params.get("context-exclude") or []))
    return rx is not None and rx.search(text, _sentence_start(text, start), end) is not None


def _num(s: str) -> float:
    return float(s)


def parts_sum(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB506: a total stated in the prose (one of ``totals``: a group ``n`` and its unit ``u``, the match ending
    where the enumeration begins, e.g. after 其中) and the parts listed after it up to the end of the sentence
    (``part``: groups ``label``, ``n``, ``u`` and optionally ``p``, a percentage) in the same unit.  With two or
    more parts, their sum must equal the total (or a first run of them must: the sentence may go on to another
    enumeration); when all parts carry a percentage and the counts add up, the percentages must add up to 100
    (within ``percent-tolerance``).  An enumeration with a ``partial`` wording (…等, 主要包括) is not checked.
    ``anchors``: literal words every total contains (其中): the totals are looked for only around them."""
    p = rule.params
    j = scope_joined(rule, report)
    if j is None:
        return
    text = j.text
    part_rx = _rx(p["part"])
    partial = _any(tuple(p.get("partial") or []))
    tol = float(p.get("percent-tolerance", 0.5))
    partial_share = float(p.get("partial-share", 100))
    activity = _rx(p["activity-labels"]) if p.get("activity-labels") else None
    units = {u: set(fam) for fam in p.get("same-units") or [] for u in fam}
    seen: set[int] = set()
    for t in p["totals"]:
        for m in _finditer(_rx(t), text, p.get("anchors")):
            if m.start("n") in seen:
                continue
            seen.add(m.start("n"))
            end = text.find("。", m.end())
            end = len(text) if end < 0 else end
            enum = text[m.end() : end]
            if partial is not None and (partial.search(enum) or partial.search(m.group())):
                continue
            total, unit = _num(m.group("n")), m.group("u")
            family = units.get(unit, {unit})
            parts: list[re.Match] = []
            pos = m.end()
            for q in part_rx.finditer(text, m.end(), end):
                if text[pos : q.start("label")].strip(SEPARATORS):
                    break  # other words between two parts: the enumeration has ended
                u = q.group("u")
                # a bare count ends the sentence (「不予公开信息数1402。」)
                if u in family or (not u and q.end() == end):
                    parts.append(q)
                pos = q.end()
            if activity is not None and any(activity.match(_label(q)) for q in parts):
                continue  # a list of things done (发布…15条), not a breakdown of the total
            if len(parts) < 2:
                continue
            running = 0.0
            closed = None
            for k, q in enumerate(parts):
                running += _num(q.group("n"))
                if abs(running - total) < 1e-9 and k >= 1:
                    closed = k + 1
                    break
            if closed is not None:
                shares = [q.group("p") for q in parts[:closed] if "p" in q.re.groupindex and q.group("p")]
                if len(shares) == closed:
                    s = sum(_num(x) for x in shares)
                    if abs(s - 100) > tol:
                        yield Finding(
                            *j.span(m, "n"),
                            {
                                "variant": "percent",
                                "total": fmt_num(total),
                                "unit": unit,
                                "parts": "、".join(f"{_label(q)}{q.group('p')}%" for q in parts[:closed]),
                                "sum": fmt_num(round(s, 2)),
                            },
                            related=[j.span(parts[0], "p")],
                        )
                continue
            if _excluded(rule, text, m.start(), m.end()):
                continue
            shares = [_num(q.group("p")) for q in parts if "p" in q.re.groupindex and q.group("p")]
            if len(shares) == len(parts) and sum(shares) < partial_share:
                continue  # the report's own shares say the list does not cover the whole
            s = sum(_num(q.group("n")) for q in parts)
            yield Finding(
                *j.span(m, "n"),
                {
                    "total": fmt_num(total),
                    "unit": unit,
                    "parts": "、".join(f"{_label(q)}{q.group('n')}{q.group('u') or ''}" for q in parts),
                    "sum": fmt_num(s),
                },
                related=[j.span(parts[0], "n")],
            )


SEPARATORS = " ,、;:"


def _label(q: re.Match) -> str:
    return q.group("label").strip(" ,、;:")


RELATIONS = ("same", "not-after", "not-after-next")


def foreign_date(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB507: a year that does not belong to this report, and a malformed date.  ``years``: patterns with a group
    ``y`` and a ``relation`` to the report year: ``same`` (a notice this report names as its basis must be of the
    report year), ``not-after`` (a report said to be compiled may not be of a later year) or ``not-after-next`` (a
    measure told as done may not be dated after the year following the report year, when the report was published); skipped when a ``context-exclude`` wording
    (上年, 下一步, 计划…) precedes it in its sentence.  ``malformed``: patterns of a date written wrong
    (「20201月17日」, 「12月31,」), each reported; its ``name`` is a key of the rule's ``words``.  A pattern's ``anchor`` (a
    literal word every match contains) makes it looked for only around that word."""
    p = rule.params
    j = scope_joined(rule, report)
    if j is None:
        return
    text = j.text
    found: list[tuple[int, Finding]] = []
    lang = ctx.settings.lang
    if report.year is not None:
        for y in p.get("years") or []:
            for m in _finditer(_rx(y["pattern"]), text, [y["anchor"]] if y.get("anchor") else None):
                year = int(m.group("y"))
                if y["relation"] == "same":
                    bad = year != report.year
                elif y["relation"] == "not-after":
                    bad = year > report.year
                else:
                    bad = year > report.year + 1
                if not bad or _excluded(rule, text, m.start(), m.start("y")):
                    continue
                quote = m.group()
                k = quote.rfind("《", 0, m.start("y") - m.start())
                quote = quote[k + 1 :] if k >= 0 else quote
                found.append(
                    (
                        m.start("y"),
                        Finding(
                            *j.span(m, "y"),
                            {
                                "variant": y["relation"],
                                "what": y["name"],
                                "text": quote,
                                "y": year,
                                "year": report.year,
                                "next": report.year + 1,
                            },
                        ),
                    )
                )
    for d in p.get("malformed") or []:
        for m in _finditer(_rx(d["pattern"]), text, [d["anchor"]] if d.get("anchor") else None):
            stop = min([len(text), m.end() + 8] + [i for i in (text.find(c, m.end()) for c in "。;") if i >= 0])
            quote = text[max(_sentence_start(text, m.start()), m.start() - 8) : stop]
            found.append(
                (
                    m.start(),
                    Finding(
                        *j.span(m),
                        {"variant": "malformed", "what": rule.word(d["name"], lang) or d["name"], "text": quote},
                    ),
                )
            )
    found.sort(key=lambda x: x[0])
    for _, f in found:
        yield f


CHECKS = {"parts-sum": parts_sum, "foreign-date": foreign_date}
