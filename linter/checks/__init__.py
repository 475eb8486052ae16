"""The closed set of check kinds.  Each module declares ``PARAMS`` (its YAML keys: name -> (type, required)),
``CHECKS`` (its dispatch table: check name -> a function ``(rule, report, ctx) -> Iterator[Finding]`` whose docstring
says what it finds), optionally ``SELECT`` (the YAML key that names the check: ``check`` by default; a kind with a
single check has none), ``validate(params) -> [problems]`` and ``reads_previous(check, params) -> bool`` (a kind
whose checks read last year's report, ``ctx.previous``, says which rules do).  The rule loader checks the named check against the
table; :func:`run` dispatches to it.

Checks read the model only.  They yield findings in offsets of the normalised text; the engine turns them into
diagnostics (message template, severity, position in the original file, fix edits).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING

from .. import formats
from ..model import Report
from ..spans import Joined

if TYPE_CHECKING:
    from ..engine import Context
    from ..ruleset import Rule


@dataclass
class Finding:
    start: int
    end: int
    values: dict = field(default_factory=dict)
    fix: list[tuple[int, int, str]] | None = None  # (start, end, replacement) in normalised offsets
    related: list[tuple[int, int]] = field(default_factory=list)  # other positions (labelled by the rule's related)
    severity: str | None = None  # this finding's severity when it differs from the rule's (a user's setting wins)


CheckFn = Callable[["Rule", Report, "Context"], Iterator[Finding]]

# how many other positions a grouped finding carries (its message gives the full count)
RELATED_CAP = 50


def grouped(found: list[Finding], group: int | None, key: str) -> Iterator[Finding]:
    """The findings of one table as they are; or, when there are at least ``group`` of them (one habit or one
    accident, such as a table pasted twice), one finding at the first: its values plus ``variant: rows``, ``rows``
    (how many), ``first`` and ``last`` (their ``key`` values), the others' positions as related (at most
    :data:`RELATED_CAP`).  The rule's ``group-rows`` parameter gives ``group``; None: never grouped."""
    if not group or len(found) < group:
        yield from found
        return
    first, last = found[0], found[-1]
    values = dict(first.values, variant="rows", rows=len(found), first=first.values[key], last=last.values[key])
    related = [(f.start, f.end) for f in found[1 : RELATED_CAP + 1]]
    yield Finding(first.start, first.end, values, related=related)


# kind -> module in nblint.checks
KINDS = {
    "document": "document",
    "sections": "sections",
    "pattern": "pattern",
    "table": "table",
    "cells": "cells",
    "identity": "identity",
    "consistency": "consistency",
    "dates": "dates",
    "repetition": "repetition",
    "sequence": "sequence",
    "claims": "claims",
    "speaker": "speaker",
}


def kind_module(kind: str) -> ModuleType:
    return importlib.import_module(f"nblint.checks.{KINDS[kind]}")


def selector(mod: ModuleType) -> str | None:
    """The rule key that names a kind's check (None: the kind has a single check)."""
    return getattr(mod, "SELECT", "check" if "check" in mod.PARAMS else None)


def check_name(mod: ModuleType, params: dict) -> str | None:
    """The check a rule's parameters name (the kind's only check when it has no selector)."""
    key = selector(mod)
    if key is None:
        return next(iter(mod.CHECKS))
    return params.get(key)


def reads_previous(rule: Rule) -> bool:
    """Whether a rule reads last year's report (``ctx.previous``): its kind's ``reads_previous(check, params)``
    says so (kinds without one never read it).  The audit's year-pair pass runs only these rules."""
    fn = getattr(kind_module(rule.kind), "reads_previous", None)
    return bool(fn is not None and fn(rule.check, rule.params))


_FUNCTIONS: dict[tuple[str, str], CheckFn] = {}


def run(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """The findings of one rule on one report: its kind's check function."""
    fn = _FUNCTIONS.get((rule.kind, rule.check))
    if fn is None:
        fn = _FUNCTIONS[(rule.kind, rule.check)] = kind_module(rule.kind).CHECKS[rule.check]
    return fn(rule, report, ctx)


def checks_markdown(rules: list[Rule] | None = None) -> str:
    """The reference of check kinds, their checks and parameters, from the modules themselves (docs/checks.md is
    this output; ``python -m nblint.checks > docs/checks.md`` writes it and a test keeps it current)."""
    import inspect

    from ..ruleset import _tname, load_rules

    rules = load_rules() if rules is None else rules
    used: dict[tuple[str, str], list[str]] = {}
    for r in rules:
        used.setdefault((r.kind, r.check), []).append(r.code)
    out = [
        "# nblint check kinds",
        "",
        "Generated by `python -m nblint.checks` from `linter/checks/*.py`; do not edit by hand.  A rule file names",
        "its kind (`kind:`) and, for kinds with more than one check, the check (the key given below); the other keys",
        "are the kind's parameters.",
    ]
    for kind in KINDS:
        mod = kind_module(kind)
        key = selector(mod)
        out += ["", f"## {kind}", "", inspect.cleandoc(mod.__doc__ or "")]
        out += ["", "| parameter | type | required |", "|---|---|---|"]
        out += [f"| `{k}` | {_tname(t, 'en')} | {'yes' if req else ''} |" for k, (t, req) in mod.PARAMS.items()]
        out += ["", f"Checks (named by `{key}:`):" if key else "One check (no key names it):", ""]
        for name, fn in mod.CHECKS.items():
            codes = ", ".join(used.get((kind, name), [])) or "—"
            doc = " ".join(inspect.cleandoc(fn.__doc__ or "").split())
            doc = re.sub(r"^[A-Z]{2,4}\d{3}(?:–[A-Z]{2,4}\d{3})?:?\s*", "", doc)  # the codes are listed already
            out.append(f"- `{name}` (rules: {codes}): {doc}")
    return "\n".join(out) + "\n"


def fmt_num(v) -> str:
    if v is None:
        return "?"
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return f"{v:g}"
    return str(v)


def report_format(report: Report) -> dict:
    return formats.get(report.layout or report.era or formats.default_era())


def era_value(value, report: Report):
    """A parameter that may be given per era: {<era>: x, "default": y}."""
    if isinstance(value, dict):
        era = report.layout or report.era
        return value.get(era, value.get("default"))
    return value


def scope_span(report: Report, scope: str | None) -> tuple[int, int] | None:
    if scope in (None, "document"):
        return 0, len(report.text)
    sec = report.section(scope)
    if sec is None:
        return None
    return sec.span


def where_missing(report: Report, section_id: str | None) -> int:
    """Where a diagnostic about something missing from a section points: its heading; else the heading of the
    next official section present; else the report title."""
    if section_id and section_id != "document":
        sec = report.section(section_id)
        if sec is not None:
            return sec.heading.span[0]
        ids = [s["id"] for s in report_format(report)["sections"]]
        if section_id in ids:
            for later in ids[ids.index(section_id) + 1 :]:
                s = report.section(later)
                if s is not None:
                    return s.heading.span[0]
    return report.anchor()


def joined(report: Report, start: int, end: int) -> Joined:
    """The text of [start, end) with line breaks removed (PDF wrapping splits words), and its map back to the
    normalised text: ``j.text`` to search, ``j.span(match)`` / ``j.span(match, group)`` for a finding's span."""
    key = ("joined", start, end)
    hit = report.cache.get(key)
    if hit is None:
        hit = report.cache[key] = Joined(report.text, start, end)
    return hit


def scope_joined(rule: Rule, report: Report) -> Joined | None:
    """The joined text (see :func:`joined`) of the rule's ``scope`` (default: the whole document) in this report's
    era, or None when the scope is not in the report."""
    span = scope_span(report, era_value(rule.params.get("scope", "document"), report))
    return None if span is None else joined(report, *span)
