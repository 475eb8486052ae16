"""Kind ``document``: facts about the file as a whole.

``readable`` (NB001), ``findings-cap`` (NB008) and ``unused-suppression`` (NB009) are emitted by the engine itself, ``missing-report`` (NB508)
and ``duplicate-report`` (NB509) by ``nblint audit`` over the set of reports; ``annual-report`` (NB002)
is the gate: when it finds something, no other rule runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .. import formats
from ..model import Report
from . import Finding

if TYPE_CHECKING:
    from ..engine import Context
    from ..ruleset import Rule

PARAMS = {"check": (str, True), "limit": (int, False)}  # limit: findings-cap


def readable(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB001: the file cannot be read.  The engine reports it when a reader fails; a parsed report has nothing
    left to find."""
    yield from ()


def unused_suppression(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB009: an inline suppression that suppressed nothing.  The engine reports it after all other rules."""
    yield from ()


def findings_cap(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB008: a rule found more than ``limit`` problems in one file; the engine lists the first ``limit`` and says
    how many more there are in this one diagnostic, at the first one not listed."""
    yield from ()


def missing_report(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB508: an agency that must report (``nblint audit --expect``) has no report for a year.  A fact about a set
    of reports, not about one: ``nblint audit`` reports it (nblint.app.evaluate); a single report has nothing."""
    yield from ()


def duplicate_report(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB509: two or more reports of one agency for one year.  A fact about a set of reports: ``nblint audit``
    reports it on each of them (nblint.app.evaluate); a single report has nothing."""
    yield from ()


def annual_report(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB002: no report title and no recognisable section or report statement (``Report.recognisable``)."""
    if not report.recognisable:
        yield Finding(0, 0, {})


def year_known(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB003: no report year in the title, the statistics period or the body."""
    if report.year is None:
        a = report.anchor()
        yield Finding(a, a, {})


def old_layout(rule: Rule, report: Report, ctx: Context) -> Iterator[Finding]:
    """NB106: a report judged by an older format's layout than its year's: tolerated with a warning in the years
    the format lists (``layout-for-years``, variant ``tolerated``), an error in later years."""
    if report.layout and report.layout != report.era:
        a = report.anchor()
        if formats.layout_tolerated(report.layout, report.year):
            yield Finding(a, a, {"variant": "tolerated", "year": report.year, "layout": report.layout})
        else:
            yield Finding(a, a, {"year": report.year, "layout": report.layout}, severity="error")


CHECKS = {
    "readable": readable,
    "unused-suppression": unused_suppression,
    "findings-cap": findings_cap,
    "missing-report": missing_report,
    "duplicate-report": duplicate_report,
    "annual-report": annual_report,
    "year-known": year_known,
    "old-layout": old_layout,
}
