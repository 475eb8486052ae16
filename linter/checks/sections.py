"""Kind ``sections``: the report's first-level sections against the official list of its era.

checks: ``present`` (NB101), ``order`` (NB102), ``title`` (NB103, fixable), ``duplicate`` (NB104).
Section lists and title words come from grammar/formats/<era>.yaml.  In the 2008 era (``presence: text``) an
item counts as present when its words appear anywhere in the text.
"""

from __future__ import annotations

import re

from ..normalize import CN_NUM, normalize_label
from ..tables import core
from . import Finding, report_format, where_missing

PARAMS = {"check": (str, True)}
CHECKS = ("present", "order", "title", "duplicate")


def run(rule, report, ctx):
    fmt = report_format(report)
    official = fmt["sections"]
    check = rule.params["check"]
    if check == "present":
        yield from _present(report, fmt, official)
    elif check == "order":
        ids = [s["id"] for s in official]
        seen = []
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
    elif check == "title":
        titles = {s["id"]: s["title"] for s in official}
        seen = set()
        for sec in report.sections:
            if not sec.official or sec.official in seen:
                continue
            seen.add(sec.official)
            want = titles[sec.official]
            have = sec.heading.text.lstrip("#").strip()
            if core(normalize_label(want)) != core(have) or _num(have) != _num(normalize_label(want)):
                s, e = sec.heading.span
                line = report.text[s:e]
                lead = len(line) - len(line.lstrip())
                hashes = re.match(r"#*\s*", line[lead:]).group()
                start = s + lead + len(hashes)
                fix = [(start, e, want)]
                yield Finding(start, e, {"title": have, "official": want}, fix=fix, fix_description=f"改为「{want}」")
    elif check == "duplicate":
        first = {}
        for sec in report.sections:
            if not sec.official:
                continue
            if sec.official in first:
                yield Finding(
                    *sec.heading.span, {"section": sec.heading.text, "first": first[sec.official].heading.text}
                )
            else:
                first[sec.official] = sec


def _num(title: str) -> str:
    m = re.match(rf"\s*#*\s*([{CN_NUM}]+)", title)
    return m.group(1) if m else ""


def _present(report, fmt, official):
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
    tail = [s for s in missing if present and ids.index(s["id"]) > max(present)]
    if len(tail) > 1 and not by_text and report.truncated is not None:
        # the text stops in the middle of its last section: what follows is missing as one block
        last = report.section(ids[max(present)])
        end = report.truncated[1]
        yield Finding(
            end,
            end,
            {"variant": "truncated", "section": tail[0]["title"], "count": len(tail), "last": last.heading.text},
        )
        missing = [s for s in missing if s not in tail]
    for s in missing:
        a = where_missing(report, s["id"])
        yield Finding(a, a, {"section": s["title"], "id": s["id"]})
