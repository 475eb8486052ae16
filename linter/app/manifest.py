"""The inputs of an evaluation besides the reports: a crawl's manifest and the list of agencies expected to report.

``--manifest FILE.csv``: one row per crawled file, columns ``path, agency, level, region, url, published`` (a
header row names them; only ``path`` is required; a relative path is relative to the manifest's folder).  What it
says about a file is passed to the lint as the file's known facts (``Source.meta``): the publication date
(origin ``manifest``, which NB504 trusts most), the agency and its level.

``--expect FILE``: the agencies that must report, one per row, columns ``agency, level`` and optionally ``year``
(CSV with a header, or one name per line).  An expected agency without a year is expected for every year the
audited reports cover.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass

MANIFEST_COLUMNS = ("path", "agency", "level", "region", "url", "published")


class ManifestError(ValueError):
    """A manifest or expect file that cannot be used (``file:line: message``)."""


def _rows(path: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header (its names lower-cased) and every non-blank row after it, with its line number; ``([], rows)``
    when the first row names none of the columns (a file of one name per line: every row is data)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = [(i + 1, r) for i, r in enumerate(csv.reader(fh)) if any(c.strip() for c in r)]
    except OSError as e:
        raise ManifestError(f"{path}: cannot read: {e.strerror or e}") from None
    except (UnicodeDecodeError, csv.Error) as e:
        raise ManifestError(f"{path}: not a UTF-8 CSV file ({e})") from None
    if not rows:
        return [], []
    header = [c.strip().lower() for c in rows[0][1]]
    if not set(header) & {*MANIFEST_COLUMNS, "year"}:
        return [], rows
    return header, rows[1:]


def file_key(path: str) -> str:
    """How a file is looked up in the manifest: its absolute, normalised path."""
    return os.path.normcase(os.path.abspath(path))


def read_manifest(path: str) -> dict[str, dict[str, str]]:
    """``{file_key: facts}`` where facts holds ``published`` (with ``published-origin: manifest``), ``agency``,
    ``level``, ``region`` and ``url`` when the row gives them."""
    header, rows = _rows(path)
    if "path" not in header:
        raise ManifestError(
            f"{path}:1: the header row must name a 'path' column (columns: {', '.join(MANIFEST_COLUMNS)})"
        )
    base = os.path.dirname(os.path.abspath(path))
    out: dict[str, dict[str, str]] = {}
    for line, r in rows:
        rec = {h: (r[i].strip() if i < len(r) else "") for i, h in enumerate(header)}
        if not rec.get("path"):
            raise ManifestError(f"{path}:{line}: the path is empty")
        facts = {k: rec[k] for k in ("agency", "level", "region", "url") if rec.get(k)}
        if rec.get("published"):
            from ..meta import parse_date

            if parse_date(rec["published"]) is None:
                raise ManifestError(f"{path}:{line}: published {rec['published']!r} is not a date (2024-01-20)")
            facts["published"] = rec["published"]
            facts["published-origin"] = "manifest"
        out[file_key(os.path.join(base, rec["path"]))] = facts
    return out


@dataclass(frozen=True)
class Expected:
    agency: str
    level: str = ""
    year: int | None = None


def read_expect(path: str) -> list[Expected]:
    """The agencies that must report (see the module docstring)."""
    header, rows = _rows(path)
    if "agency" not in header:  # one name per line, the first line included
        return [Expected(r[0].strip()) for _, r in rows if r and r[0].strip()]
    out = []
    for line, r in rows:
        rec = {h: (r[i].strip() if i < len(r) else "") for i, h in enumerate(header)}
        if not rec.get("agency"):
            raise ManifestError(f"{path}:{line}: the agency is empty")
        year = rec.get("year") or ""
        if year and not (year.isdigit() and len(year) == 4):
            raise ManifestError(f"{path}:{line}: year {year!r} is not a year")
        out.append(Expected(rec["agency"], rec.get("level", ""), int(year) if year else None))
    return out
