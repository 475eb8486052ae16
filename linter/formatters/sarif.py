"""SARIF 2.1.0 (columns counted in Unicode code points, declared with columnKind)."""
from __future__ import annotations

import json
from pathlib import Path

LEVEL = {"error": "error", "warning": "warning", "info": "note"}


class SarifFormatter:
    def __init__(self, rules=None, **_):
        self.rules = rules or []

    def format(self, results) -> str:
        from .. import __version__

        rules = []
        index = {}
        for i, r in enumerate(self.rules):
            index[r.code] = i
            rules.append({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.name.replace("-", " ")},
                "fullDescription": {"text": r.description},
                "help": {"text": f"{r.description}\n\nBasis: {r.basis}"},
                "defaultConfiguration": {"level": LEVEL[r.severity]},
                "properties": {"basis": r.basis, "eras": list(r.eras), "fixable": r.fixable,
                               "aliases": list(r.aliases)},
            })
        res = []
        artifacts = {}
        for fr in results:
            uri = Path(fr.path).as_posix()
            artifacts.setdefault(uri, len(artifacts))
            for d in fr.diagnostics:
                item = {
                    "ruleId": d.code,
                    "level": LEVEL.get(d.severity, "warning"),
                    "message": {"text": d.message},
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri, "index": artifacts[uri]},
                            "region": {"startLine": d.line, "startColumn": d.col,
                                       "endLine": max(d.end_line, d.line),
                                       "endColumn": d.end_col if (d.end_line, d.end_col) > (d.line, d.col) else d.col + 1},
                        }
                    }],
                }
                if d.code in index:
                    item["ruleIndex"] = index[d.code]
                if d.extra:
                    item["properties"] = {k: v for k, v in d.extra.items() if k != "related"}
                res.append(item)
        doc = {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {"name": "nblint", "version": __version__,
                                    "informationUri": "https://example.invalid/nblint", "rules": rules}},
                "columnKind": "unicodeCodePoints",
                "artifacts": [{"location": {"uri": u}} for u in artifacts],
                "results": res,
            }],
        }
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
