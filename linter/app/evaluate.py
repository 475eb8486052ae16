"""What evaluators ask of an audited set, beyond each report's own diagnostics: one agency under one name, the same
agency/year present twice (NB509), agencies expected to report that did not (NB508, ``--expect``), and scores per
report and per agency by a scoring profile (nblint.profiles), with a ranking and a trend over the years.

Used by ``nblint audit`` (nblint.app.audit): :func:`merge_variants` and :func:`duplicates` once every agency and
year is known, :func:`mark_duplicate` and :func:`score_report` on each final result, :class:`Evaluation` for the
rows of missing reports and the per-agency and per-year figures of the HTML page.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from ..paths import display


@lru_cache(maxsize=1)
def _variant_end():
    from .. import data

    return re.compile(data.load_yaml("grammar/meta.yaml")["agency-variant-end"])


def merge_variants(canonical: dict[str, str]) -> dict[str, str]:
    """Extend a ``{key: canonical name}`` map so that a name and the same name with a government ending
    (grammar/meta.yaml ``agency-variant-end``: 平潭综合实验区 / 平潭综合实验区管委会) map to one name, the longest."""
    rx = _variant_end()
    by_base: dict[str, list[str]] = defaultdict(list)
    for name in set(canonical.values()):
        by_base[rx.sub("", name) or name].append(name)
    target = {}
    for names in by_base.values():
        top = max(names, key=lambda n: (len(n), n))
        for n in names:
            target[n] = top
    return {k: target.get(v, v) for k, v in canonical.items()}


def duplicates(entries: Iterable[tuple[str, str | None, int | None]]) -> dict[str, list[str]]:
    """``{path: [the other paths]}`` for every report that shares its (canonical) agency and year with another."""
    groups: dict[tuple[str, int], list[str]] = defaultdict(list)
    for path, agency, year in entries:
        if agency and year:
            groups[(agency, year)].append(path)
    out = {}
    for paths in groups.values():
        if len(paths) > 1:
            for p in paths:
                out[p] = sorted(q for q in paths if q != p)
    return out


@lru_cache(maxsize=4)
def _rule(code: str):
    from ..ruleset import load_rules

    return next(r for r in load_rules() if r.code == code)


def _diag(code: str, values: dict, lang: str) -> dict:
    r = _rule(code)
    return {
        "code": r.code,
        "name": r.name,
        "severity": r.severity,
        "line": 1,
        "col": 1,
        "end_line": 1,
        "end_col": 1,
        "message": r.render(values, lang),
        "source": None,
    }


NAMED_DUPLICATES = 5  # the other reports NB509's message names (the CSV's duplicates column lists them all)


@lru_cache(maxsize=65536)
def _abs(path: str) -> str:
    return os.path.abspath(path)


@lru_cache(maxsize=65536)
def _relative_dir(directory: str, here: str) -> str:
    return os.path.relpath(directory, here)


def relative(path: str, here: str) -> str:
    """``path`` relative to the folder ``here`` (absolute), as a person reads it: each pair of folders is worked out
    once (an agency's thirty copies name each other 870 times)."""
    d, name = os.path.split(_abs(path))
    r = _relative_dir(d, here)
    return display(name if r == os.curdir else os.path.join(r, name))


def mark_duplicate(rep: dict, others: list[str] | None, lang: str = "zh", severity: str | None = "info") -> None:
    """Add NB509 to a report that has others of its agency and year (naming them, the first NAMED_DUPLICATES and
    how many when there are more); ``severity``: the rule's severity for this file (its configuration's), None
    when the file's configuration turns the rule off."""
    if not others or rep.get("error") or severity is None:
        return
    here = os.path.dirname(_abs(rep["file"]))
    named = [relative(o, here) for o in others[:NAMED_DUPLICATES]]  # relative: no machine's folders
    values: dict = {"n": len(others) + 1, "others": "、".join(named)}
    if len(others) > NAMED_DUPLICATES:
        values.update(variant="more", more=len(others), rest=len(others) - NAMED_DUPLICATES)
    d = _diag("NB509", values, lang)
    d["severity"] = severity
    rep["diagnostics"].append(d)
    rep["counts"][d["severity"]] += 1
    rep["duplicates"] = list(others)


def score_report(rep: dict, profile, lang: str = "zh") -> None:
    """The report's score and deductions by the profile (``score``, ``deductions``: [label in ``lang``, points])."""
    if profile is None:
        return
    codes = {d["code"] for d in rep["diagnostics"]}
    rep["score"] = profile.score(codes)
    rep["deductions"] = [[d.label_in(lang), p] for d, p in profile.deducted(codes)]


def missing_row(agency: str, year: int, level: str, profile, lang: str = "zh") -> dict:
    """The row of an expected agency with no report for ``year``: no file, one NB508 diagnostic."""
    d = _diag("NB508", {"agency": agency, "year": year}, lang)
    rep: dict = {
        "file": "",
        "agency": agency,
        "agency_raw": agency,
        "year": year,
        "era": None,
        "title": None,
        "previous": None,
        "readable": None,
        "timed_out": False,
        "error": None,
        "missing": True,
        "level": level or None,
        "counts": {"error": 0, "warning": 0, "info": 0},
        "diagnostics": [d],
    }
    rep["counts"][d["severity"]] += 1
    if profile is not None:
        rep["score"] = profile.missing_score()
        rep["deductions"] = [["未发布" if lang == "zh" else "not published", profile.missing]]
    return rep


class Evaluation:
    """Collects one small record per report (agency, year, errors, score) for the missing rows, the ranking and
    the trend."""

    def __init__(self, profile=None, lang: str = "zh"):
        self.profile = profile
        self.lang = lang
        self.records: list[tuple[str | None, int | None, int, float | None, bool]] = []

    def add(self, rep: dict) -> None:
        self.records.append(
            (
                rep["agency"],
                rep["year"],
                rep["counts"]["error"] + bool(rep["error"]),
                rep.get("score"),
                bool(rep.get("missing")),
            )
        )

    def missing(self, expected, key) -> list[dict]:
        """Rows for the expected agencies (``manifest.Expected``) without a report; ``key`` maps a name to the
        audit's canonical name."""
        present = {(a, y) for a, y, _, _, m in self.records if a and y and not m}
        years = sorted({y for _, y, _, _, m in self.records if y and not m})
        out = []
        for e in expected:
            name = key(e.agency)
            for y in [e.year] if e.year else years:
                if (name, y) not in present:
                    out.append(missing_row(name, y, e.level, self.profile, self.lang))
        return out

    def ranking(self) -> list[dict]:
        """Per agency: reports, years, errors, compliance rate (reports without errors / reports) and mean score,
        best first (by score when a profile is given, else by compliance rate)."""
        acc: dict[str, dict] = {}
        for agency, year, errors, score, missing in self.records:
            if not agency:
                continue
            a = acc.setdefault(
                agency,
                {
                    "agency": agency,
                    "reports": 0,
                    "missing": 0,
                    "clean": 0,
                    "errors": 0,
                    "scores": [],
                    "years": set(),
                    "by_year": {},
                },
            )
            if year:
                a["years"].add(year)
            if missing:
                a["missing"] += 1
            else:
                a["reports"] += 1
                a["errors"] += errors
                a["clean"] += errors == 0
            if year:  # errors of the year's reports; None: no report that year
                a["by_year"][year] = None if missing else (a["by_year"].get(year) or 0) + errors
            if score is not None:
                a["scores"].append(score)
        out = []
        for a in acc.values():
            n = a["reports"]
            out.append(
                {
                    "agency": a["agency"],
                    "reports": n,
                    "missing": a["missing"],
                    "years": sorted(a["years"]),
                    "by_year": [[y, a["by_year"][y]] for y in sorted(a["by_year"])],
                    "errors": a["errors"],
                    "compliance": round(a["clean"] / n, 3) if n else 0.0,
                    "score": round(sum(a["scores"]) / len(a["scores"]), 2) if a["scores"] else None,
                }
            )
        out.sort(
            key=lambda r: (-(r["score"] if r["score"] is not None else -1), -r["compliance"], r["errors"], r["agency"])
        )
        for i, r in enumerate(out, 1):
            r["rank"] = i
        return out

    def trend(self) -> list[dict]:
        """Per year: reports, missing, errors per report, compliance rate and mean score."""
        acc: dict[int, list] = defaultdict(lambda: [0, 0, 0, 0, []])
        for _, year, errors, score, missing in self.records:
            if not year:
                continue
            t = acc[year]
            if missing:
                t[1] += 1
            else:
                t[0] += 1
                t[2] += errors
                t[3] += errors == 0
            if score is not None:
                t[4].append(score)
        return [
            {
                "year": y,
                "reports": t[0],
                "missing": t[1],
                "errors_per_report": round(t[2] / t[0], 2) if t[0] else 0.0,
                "compliance": round(t[3] / t[0], 3) if t[0] else 0.0,
                "score": round(sum(t[4]) / len(t[4]), 2) if t[4] else None,
            }
            for y, t in sorted(acc.items())
        ]
