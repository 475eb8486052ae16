"""Apply fixable edits (``--fix``) or show them (``--diff``) — text and Markdown sources only."""

from __future__ import annotations

import difflib
from pathlib import Path

# the reader kinds whose text is the file itself, so that an edit can be written back
FIXABLE_KINDS = ("text", "markdown")


def applicable(result, diagnostic) -> bool:
    """Whether ``--fix`` would apply this diagnostic's fix (marked [*] in the text output)."""
    return diagnostic.fix is not None and result.kind in FIXABLE_KINDS and result.source_text is not None


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
        out.append(text[pos : e.start])
        out.append(e.text)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def apply_fixes(results, write: bool) -> str:
    """Returns a unified diff of every change; writes the files when ``write``."""
    chunks: list[str] = []
    for r in results:
        if r.source_text is None or r.kind not in FIXABLE_KINDS or not any(d.fix for d in r.diagnostics):
            continue
        new = fixed_text(r.source_text, r.diagnostics)
        if new == r.source_text:
            continue
        chunks.extend(
            difflib.unified_diff(
                r.source_text.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=r.path, tofile=r.path
            )
        )
        if write:
            p = Path(r.path)
            # the reader's text keeps the line endings; write it back in the file's own encoding (utf-8-sig and
            # utf-16 put their byte-order mark back themselves)
            try:
                data = new.encode(r.encoding)
            except (UnicodeEncodeError, LookupError):
                data = None
            if data is None:
                continue  # the fixed text cannot be written in the file's encoding: leave the file alone
            p.write_bytes(data)
    return "".join(chunks)
