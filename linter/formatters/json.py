"""JSON: every file with its report metadata (era, year and where it was found, agency) and diagnostics."""

from __future__ import annotations

import json

from ..paths import display


class JsonFormatter:
    def __init__(self, **_):
        pass

    def format(self, results) -> str:
        files = []
        for r in results:
            files.append(
                {
                    "path": display(r.path),
                    "meta": r.meta,
                    "diagnostics": [{**d.to_dict(), "path": display(d.path)} for d in r.diagnostics],
                }
            )
        return json.dumps({"files": files}, ensure_ascii=False, indent=2) + "\n"
