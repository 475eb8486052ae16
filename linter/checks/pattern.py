"""Kind ``pattern``: wording required in (or forbidden from) a section or the whole report.

``mode`` names the check (``required`` or ``forbidden``).
``scope``: ``document`` or an official section id; may be given per era ({<era>: 六, default: document}).
Patterns are Python regular expressions over the normalised text with line breaks removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING

from .. import i18n, scan
from ..model import Report
from ..ruleset import shape_problems
from . import Finding, era_value, joined, scope_joined, scope_span, where_missing

if TYPE_CHECKING:
    from ..engine import Context
    from ..ruleset import Rule

SELECT = "mode"
PARAMS = {
    "mode": (str, True),
    "scope": ((str, dict), False),
    "patterns": (list, False),
    "topics": (list, False),
    "min-length": (int, False),
    "max": (int, False),
    "fallback": (str, False),
    "warning-years": (list, False),
}


def validate(params):
    shapes = {
        "patterns": [str],
        "topics": [{"name": str, "patterns": [str], "elsewhere?": [str]}],
        "warning-years": [int],
    }
    probs = [q for k, shape in shapes.items() if k in params for q in shape_problems(params[k], shape, (k,))]
    if not params.get("patterns") and not params.get("topics"):
        probs.append(((), i18n.t("rulefile.give-either", a="'patterns'", b="'topics'")))
    if params.get("max") is not None and params["max"] < 1:
        probs.append((("max",), i18n.t("rulefile.at-least", n=1)))
    if params.get("fallback") not in (None, "document"):
        probs.append((("fallback",), i18n.t("rulefile.must-equal", value="'document'")))

    return probs


def regexes(params):
    for i, p in enumerate(params.get("patterns") or []):
        yield ("patterns", i), p
    for i, t in enumerate(params.get("topics") or []):
        for j, p in enumerate(t["patterns"]):
            yield ("topics", i, "patterns", j), p
        for j, p in enumerate(t.get("elsewhere") or []):
            yield ("topics", i, "elsewhere", j), p


@cache
def _rx(patterns: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def forbidden(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """Each match of ``patterns`` in ``scope`` is reported (at most ``max``)."""
    p = rule.params
    j = scope_joined(rule, report)
    if j is None:
        return
    n = 0
    for m in scan.finditer(_rx(tuple(p["patterns"])), j.text):
        yield Finding(*j.span(m), {"match": m.group()})
        n += 1
        if p.get("max") and n >= p["max"]:
            break


def required(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """One of ``patterns`` must occur in ``scope`` (or, with ``topics``, each topic's patterns: one finding names
    all the topics not covered); ``min-length`` also requires that many characters of text in the scope.  A
    missing statement is reported at the scope's heading (or where the section should be); nothing is reported
    when the section itself is missing (NB101 says so), nor when the text was cut off inside the scope (a
    ``document`` scope on any cut text).  A topic with ``elsewhere`` wordings counts as covered when one of them occurs
    anywhere in the text (tables aside): the item was reported in another section."""
    p = rule.params
    scope = era_value(p.get("scope", "document"), report)
    span = scope_span(report, scope)
    if span is None:
        if p.get("fallback") != "document" or report.truncated is not None:
            return  # (a text cut off before its end may have had the section after the cut)
        span = (0, len(report.text))  # the section is missing (NB101 says so): so is the statement
    if report.cut_within(span):
        return  # the text was cut off inside the scope: what it lacks may be in the part the copy lost
    text = joined(report, *span).text
    if p.get("fallback") and report.tables:
        text = _without_tables(report, span)
    anchor = where_missing(report, scope)
    severity = "warning" if report.year in (p.get("warning-years") or []) else None
    if p.get("min-length") is not None:
        body = re.sub(r"\s+", "", text)
        if len(body) < p["min-length"]:
            yield Finding(anchor, anchor, {"length": len(body), "min": p["min-length"], "topic": ""})
            return
    if p.get("patterns") and not scan.search(_rx(tuple(p["patterns"])), text):
        yield Finding(anchor, anchor, {"topic": "", "scope": scope}, severity=severity)
    # topics: one finding naming every topic the scope does not cover (nor the rest of the text, in the topic's
    # ``elsewhere`` wordings)
    missing = [t for t in p.get("topics") or [] if not scan.search(_rx(tuple(t["patterns"])), text)]
    if any(t.get("elsewhere") for t in missing):
        rest = _without_tables(report, (0, len(report.text)))
        missing = [t for t in missing if not (t.get("elsewhere") and scan.search(_rx(tuple(t["elsewhere"])), rest))]
    missing = [t["name"] for t in missing]
    if missing:
        yield Finding(anchor, anchor, {"topic": "」「".join(missing), "count": len(missing), "scope": scope})


def _without_tables(report: Report, span: tuple[int, int]) -> str:
    """The text of ``span`` with the tables' text blanked out (a table label such as 收费通知 is not a statement)."""
    text = report.text
    parts, pos = [], span[0]
    for a, b in sorted(t.span for t in report.tables.values()):
        a, b = max(a, span[0]), min(b, span[1])
        if a >= b or b <= pos:
            continue
        parts.append(text[pos:a])
        pos = b
    parts.append(text[pos : span[1]])
    return " ".join(p.replace("\n", "") for p in parts)


CHECKS = {"required": required, "forbidden": forbidden}
