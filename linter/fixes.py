"""Apply fixable edits (``--fix``) or show them (``--diff``) — text and Markdown sources only."""
from __future__ import annotations

import difflib
from pathlib import Path


def fixed_text(text: str, diagnostics) -> str:
    edits = []
    for d in diagnostics:
        if d.fix:
            edits.extend(d.fix.edits)
    edits.sort(key=lambda e: (e.start, e.end))
    out = []
    pos = 0
    for e in edits:
        if e.start < pos:
            continue  # overlapping edits: keep the first, the next run picks up the rest
        out.append(text[pos:e.start])
        out.append(e.text)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def apply_fixes(results, write: bool) -> str:
    """Returns a unified diff of every change; writes the files when ``write``."""
    chunks = []
    for r in results:
        if r.source_text is None or not any(d.fix for d in r.diagnostics):
            continue
        new = fixed_text(r.source_text, r.diagnostics)
        if new == r.source_text:
            continue
        chunks.extend(difflib.unified_diff(
            r.source_text.splitlines(keepends=True), new.splitlines(keepends=True),
            fromfile=r.path, tofile=r.path))
        if write:
            p = Path(r.path)
            raw = p.read_bytes()
            bom = raw.startswith(b"\xef\xbb\xbf")  # the reader's text keeps line endings, not the BOM
            p.write_bytes((b"\xef\xbb\xbf" if bom else b"") + new.encode("utf-8"))
    return "".join(chunks)
