"""Kind ``sections``: the report's first-level sections against the official list of its era.

Section lists and title words come from grammar/formats/<era>.yaml.  In a format with ``presence: text`` (the
pre-2019 items) an item counts as present when its words appear anywhere in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import Report, Section
from ..normalize import CN_NUM, normalize_label
from ..tables import core
from . import Finding, report_format, where_missing

if TYPE_CHECKING:
    from ..engine import Context
    from ..ruleset import Rule

PARAMS = {"check": (str, True)}


def present(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB101: an official section is missing (reported where it should be).  When the text was cut off
    (``Report.truncated``), the sections after its last one are missing as one block that says so (variant
    ``truncated``), never one by one; in a format whose items are found anywhere in the text (``presence: text``)
    every item not seen in a cut text is in that block."""
    fmt = report_format(report)
    official = fmt["sections"]
    by_text = fmt.get("presence") == "text"
    missing = []
    for s in official:
        if report.section(s["id"]) is not None:
            continue
        if by_text and any(normalize_label(k) in report.text for k in s["keys"]):
            continue
        missing.append(s)
    ids = [s["id"] for s in official]
    present = [i for i, sid in enumerate(ids) if report.section(sid) is not None]
    if report.truncated is not None and missing:
        # the text stops before its end: what was not seen after its last section may be in the lost part
        if by_text or not present:
            tail = missing
        else:
            tail = [s for s in missing if ids.index(s["id"]) > max(present)]
        if tail:
            last = report.sections[-1] if report.sections else None
            end = report.truncated[1]
            yield Finding(
                end,
                end,
                {
                    "variant": "truncated-head" if last is None else "truncated-items" if by_text else "truncated",
                    "section": tail[0]["title"],
                    "sections": "」「".join(s["title"] for s in tail),
                    "count": len(tail),
                    "last": last.heading.text if last else "",
                },
            )
            missing = [s for s in missing if s not in tail]
    for s in missing:
        a = where_missing(report, s["id"])
        yield Finding(a, a, {"section": s["title"], "id": s["id"]})


def order(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB102: a section comes after one that the format puts later."""
    ids = [s["id"] for s in report_format(report)["sections"]]
    seen: list[str] = []
    for sec in report.sections:
        if sec.official and sec.official not in seen:
            seen.append(sec.official)
            idx = ids.index(sec.official)
            later = [o for o in seen[:-1] if ids.index(o) > idx]
            if later:
                before = report.section(later[0])
                yield Finding(
                    *sec.heading.span,
                    {
                        "section": sec.heading.text,
                        "before": before.heading.text if before else later[0],
                    },
                )


def title(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB103: a section title that is not the official wording or number (first occurrence only; a wording the
    format accepts as well, ``also``, is not reported); fixable."""
    official = {s["id"]: s for s in report_format(report)["sections"]}
    seen = set()
    for sec in report.sections:
        if not sec.official or sec.official in seen:
            continue
        seen.add(sec.official)
        want = official[sec.official]["title"]
        have = sec.heading.text.lstrip("#").strip()
        accepted = [normalize_label(t) for t in [want, *official[sec.official].get("also", [])]]
        if not any(core(t) == core(have) and _num(have) == _num(t) for t in accepted):
            s, e = sec.heading.span
            line = report.text[s:e]
            lead = len(line) - len(line.lstrip())
            hashes = re.match(r"#*\s*", line[lead:])
            start = s + lead + (hashes.end() if hashes else 0)
            fix = [(start, e, want)]
            yield Finding(start, e, {"title": have, "official": want}, fix=fix)


def duplicate(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB104: a second section with the same official section's words."""
    first: dict[str, Section] = {}
    for sec in report.sections:
        if not sec.official:
            continue
        if sec.official in first:
            yield Finding(*sec.heading.span, {"section": sec.heading.text, "first": first[sec.official].heading.text})
        else:
            first[sec.official] = sec


CHECKS = {"present": present, "order": order, "title": title, "duplicate": duplicate}


def _num(title: str) -> str:
    m = re.match(rf"\s*#*\s*([{CN_NUM}]+)", title)
    return m.group(1) if m else ""
