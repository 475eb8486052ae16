"""SARIF 2.1.0 for code-scanning tools (GitHub code scanning, IDE SARIF viewers).

Columns are 1-based and counted in Unicode code points, as everywhere in nblint, and the run says so with
``columnKind: unicodeCodePoints``.  Every rule carries its description, legal basis and ``nblint explain`` text
as help, and its default level; a diagnostic with a fix carries it as a SARIF ``fixes`` entry (regions in the same
line/column terms), related positions become ``relatedLocations``.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..diagnostics import place_text
from ..paths import uri_path
from ..spans import LineIndex

LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def artifact_uri(path: str) -> str:
    """A URI reference for a report path: relative paths stay relative (resolved against the checkout by code
    scanning), absolute ones become file: URIs; non-ASCII characters are percent-encoded (RFC 3986) from the name's
    bytes in the file system, so a name that is not UTF-8 keeps its own bytes."""
    p = Path(path)
    if p.is_absolute():
        return p.as_uri()
    return uri_path(p.as_posix())


def _region(line: int, col: int, end_line: int, end_col: int, nonempty: bool = True) -> dict:
    if (end_line, end_col) < (line, col):
        end_line, end_col = line, col
    if nonempty and (end_line, end_col) == (line, col):
        end_col = col + 1  # a point (where something missing belongs): one character
    return {"startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col}


def _logical_location(where: dict) -> dict | None:
    """The page, paragraph or table cell of a PDF/DOCX diagnostic as a SARIF logical location (a place in the
    document a person can find; the physical region counts lines of nblint's extracted text)."""
    if "page" in where:
        kind = "page"
    elif "paragraph" in where:
        kind = "paragraph"
    elif "cell" in where:
        kind = "tableCell"
    elif "row" in where:
        kind = "tableRow"
    elif "table" in where:
        kind = "table"
    else:
        return None
    return {"name": place_text(where, "en"), "kind": kind}


class SarifFormatter:
    def __init__(self, rules=None, lang=None, **_):
        self.rules = rules or []
        self.lang = lang or "zh"

    def _rule(self, r) -> dict:
        from ..ruleset import doc_uri, explain_text

        out = {
            "id": r.code,
            "name": r.name,
            "shortDescription": {"text": f"{r.code} {r.name}"},
            "fullDescription": {"text": r.describe(self.lang)},
            "help": {"text": explain_text(r, self.lang)},
            "defaultConfiguration": {"level": LEVEL[r.severity]},
            "properties": {
                "basis": r.basis,
                "eras": list(r.eras),
                "fixable": r.fixable,
                "aliases": list(r.aliases),
                "kind": r.kind,
            },
        }
        uri = doc_uri(r.code)  # docs/rules.md, anchored at the rule (none when nblint has no docs to point to)
        if uri:
            out["helpUri"] = uri
        return out

    def format(self, results) -> str:
        from .. import __version__

        rules = []
        index = {}
        for i, r in enumerate(self.rules):
            index[r.code] = i
            rules.append(self._rule(r))
        res = []
        artifacts: dict[str, int] = {}
        for fr in results:
            uri = artifact_uri(fr.path)
            artifacts.setdefault(uri, len(artifacts))
            lines = None
            for d in fr.diagnostics:
                loc = {
                    "artifactLocation": {"uri": uri, "index": artifacts[uri]},
                    "region": _region(d.line, d.col, d.end_line, d.end_col),
                }
                item = {
                    "ruleId": d.code,
                    "level": LEVEL.get(d.severity, "warning"),
                    "message": {"text": d.message},
                    "locations": [{"physicalLocation": loc}],
                }
                if d.code in index:
                    item["ruleIndex"] = index[d.code]
                related = d.extra.get("related") if d.extra else None
                if related:
                    item["relatedLocations"] = [
                        {
                            "id": k,
                            "message": {"text": rl["message"]},
                            "physicalLocation": {
                                "artifactLocation": {"uri": uri, "index": artifacts[uri]},
                                "region": _region(rl["line"], rl["col"], rl["line"], rl["col"]),
                            },
                        }
                        for k, rl in enumerate(related, 1)
                    ]
                if d.fix is not None and fr.source_text is not None:
                    if lines is None:
                        lines = LineIndex(fr.source_text)
                    replacements = []
                    for e in d.fix.edits:
                        (l1, c1), (l2, c2) = lines.line_col(e.start), lines.line_col(e.end)
                        replacements.append(
                            {
                                "deletedRegion": _region(l1, c1, l2, c2, nonempty=False),
                                "insertedContent": {"text": e.text},
                            }
                        )
                    item["fixes"] = [
                        {
                            "description": {"text": d.fix.description},
                            "artifactChanges": [
                                {
                                    "artifactLocation": {"uri": uri, "index": artifacts[uri]},
                                    "replacements": replacements,
                                }
                            ],
                        }
                    ]
                props = {k: v for k, v in (d.extra or {}).items() if k != "related"}
                if d.where:
                    props["where"] = d.where
                    logical = _logical_location(d.where)
                    if logical:
                        item["locations"][0]["logicalLocations"] = [logical]
                if props:
                    item["properties"] = props
                res.append(item)
        doc = {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "nblint",
                            "version": __version__,
                            "semanticVersion": __version__,
                            "rules": rules,
                        }
                    },
                    "columnKind": "unicodeCodePoints",
                    "artifacts": [{"location": {"uri": u}} for u in artifacts],
                    "results": res,
                }
            ],
        }
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
