"""Apply fixable edits (``--fix``) or show them (``--diff``) — text and Markdown sources only."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

# the reader kinds whose text is the file itself, so that an edit can be written back
FIXABLE_KINDS = ("text", "markdown")


def applicable(result, diagnostic) -> bool:
    """Whether ``--fix`` would apply this diagnostic's fix (marked [*] in the text output)."""
    return diagnostic.fix is not None and result.kind in FIXABLE_KINDS and result.source_text is not None


def fixed_text(text: str, diagnostics) -> str:
    return apply_edits(text, diagnostics)[0]


def apply_edits(text: str, diagnostics) -> tuple[str, int]:
    """The text with the diagnostics' fixes applied, and how many diagnostics were fixed (all of their edits
    applied).  Where edits overlap the first is kept; the next run picks up the rest."""
    edits: list[tuple[Any, int]] = []
    for k, d in enumerate(diagnostics):
        if d.fix:
            edits.extend((e, k) for e in d.fix.edits)
    edits.sort(key=lambda ek: (ek[0].start, ek[0].end))
    out = []
    pos = 0
    skipped = set()
    for e, k in edits:
        if e.start < pos:
            skipped.add(k)
            continue
        out.append(text[pos : e.start])
        out.append(e.text)
        pos = e.end
    out.append(text[pos:])
    return "".join(out), len({k for _, k in edits} - skipped)


def apply_fixes(results, write: bool) -> tuple[str, int]:
    """A unified diff of every change, and how many diagnostics it fixes; writes the files when ``write`` (a file
    whose fixed text cannot be written in its encoding is left alone, and its fixes are not counted)."""
    chunks: list[str] = []
    fixed = 0
    for r in results:
        if r.source_text is None or r.kind not in FIXABLE_KINDS or not any(d.fix for d in r.diagnostics):
            continue
        new, n = apply_edits(r.source_text, r.diagnostics)
        if new == r.source_text:
            continue
        if write:
            # the reader's text keeps the line endings; write it back in the file's own encoding (utf-8-sig and
            # utf-16 put their byte-order mark back themselves)
            try:
                data = new.encode(r.encoding)
            except (UnicodeEncodeError, LookupError):
                continue  # the fixed text cannot be written in the file's encoding: leave the file alone
            Path(r.path).write_bytes(data)
        fixed += n
        chunks.extend(
            difflib.unified_diff(
                r.source_text.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=r.path, tofile=r.path
            )
        )
    return "".join(chunks), fixed
