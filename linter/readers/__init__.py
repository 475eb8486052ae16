"""Readers: turn a file of any supported format into a :class:`~nblint.source.Source`.

Each format lives in its own module and is imported only when a file of that format is read, so a Markdown
pre-commit run never imports the PDF or DOCX libraries.  A reader raises :class:`ReadError` for anything that
cannot be read; the engine turns that into NB001.
"""

from __future__ import annotations

import importlib
from contextlib import contextmanager
from pathlib import Path

from ..source import ReadError, Source

# extension -> module in this package; each module defines ``read(path: str, data: bytes) -> Source``
READERS = {
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}

MAX_BYTES = 64 * 1024 * 1024
# An annual report is 5,000–100,000 characters; a text far longer is not one report (and would only slow a
# pre-commit run or an editor down).
MAX_CHARS = 1_000_000


@contextmanager
def bad_input(what: str):
    """Any failure of a reader on bad input becomes a ReadError (NB001) that names the format: a file must
    never raise anything else, whatever a library does with it."""
    try:
        yield
    except ReadError:
        raise
    except RecursionError:
        raise ReadError(f"corrupt {what}: nested too deeply to read") from None
    except Exception as e:
        raise ReadError(f"corrupt {what}: {type(e).__name__}: {e}") from None


def supported(path: str | Path) -> bool:
    return Path(path).suffix.lower() in READERS


def read_path(path: str | Path) -> Source:
    p = Path(path)
    try:
        if p.stat().st_size > MAX_BYTES:
            raise ReadError(f"file is larger than {MAX_BYTES // (1024 * 1024)} MB")
        data = p.read_bytes()
    except OSError as e:
        raise ReadError(f"cannot open file: {e.strerror or e}") from None
    return read_bytes(str(path), data)


def read_bytes(path: str, data: bytes) -> Source:
    module = READERS.get(Path(path).suffix.lower(), "text")
    reader = importlib.import_module(f"{__name__}.{module}")
    with bad_input(module.upper()):  # the last net under every reader
        source = reader.read(path, data)
    if len(source.text) > MAX_CHARS:
        raise ReadError(
            f"the text is {len(source.text):,} characters long, far more than one annual report "
            f"(limit {MAX_CHARS:,}); not linted"
        )
    return source
