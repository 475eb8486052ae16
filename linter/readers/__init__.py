"""Readers: turn a file of any supported format into a :class:`~nblint.source.Source`.

Each format lives in its own module and is imported only when a file of that format is read, so a Markdown
pre-commit run never imports the PDF or DOCX libraries.  A reader raises :class:`ReadError` for anything that
cannot be read; the engine turns that into NB001.
"""

from __future__ import annotations

import importlib
import os
import stat
from contextlib import contextmanager
from pathlib import Path

from ..budget import Timeout
from ..i18n import Msg
from ..source import ReadError, Source

# files as clerks have them, read by the office module (listed here: importing it would cost a cold check 5 ms)
WORD = (".doc", ".wps", ".dot", ".wpt", ".rtf")
SHEETS = (".et", ".ett", ".xls", ".xlsx", ".ods")
IMAGES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".gif", ".webp")

# extension -> module in this package; each module defines ``read(path: str, data: bytes) -> Source``
READERS = {
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
    # files as clerks have them: converted through LibreOffice where installed, else NB001 with what to do
    **dict.fromkeys(WORD + SHEETS + IMAGES, "office"),
}

MAX_BYTES = 64 * 1024 * 1024
# An annual report is 5,000–100,000 characters; a text far longer is not one report (and would only slow a
# pre-commit run or an editor down).
MAX_CHARS = 1_000_000
# Lines likewise: the longest real report read (corpus, binaries, seeds) has under 250 lines, a PDF's one cell per
# line a few thousand; 20,000 lines are no one report (a heading pasted 50,000 times took seconds to lay out).
MAX_LINES = 20_000


@contextmanager
def bad_input(what: str):
    """Any failure of a reader on bad input becomes a ReadError (NB001) that names the format: a file must
    never raise anything else, whatever a library does with it."""
    try:
        yield
    except (ReadError, Timeout):
        raise  # a time-out is reported as such by whoever set the budget, not as a corrupt file
    except RecursionError:
        raise ReadError(Msg("read.nested", what=what)) from None
    except Exception as e:
        raise ReadError(Msg("read.corrupt", what=what, detail=f"{type(e).__name__}: {e}")) from None


def supported(path: str | Path) -> bool:
    return Path(path).suffix.lower() in READERS


_NONBLOCK = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def not_regular(mode: int) -> ReadError:
    """NB001 for a directory entry that is not a regular file (it is never opened for reading, so never waited on)."""
    kinds = (
        (stat.S_ISDIR, "dir"),
        (stat.S_ISFIFO, "fifo"),
        (stat.S_ISCHR, "chr"),
        (stat.S_ISBLK, "blk"),
        (stat.S_ISSOCK, "sock"),
    )
    kind = next((name for test, name in kinds if test(mode)), "other")
    return ReadError(Msg("read.not-regular", kind=Msg(f"read.kind.{kind}")))


def read_path(path: str | Path) -> Source:
    """Read a report file.  Only regular files are read: a FIFO, a device, a socket or a directory (also behind a
    symbolic link) is NB001 at once.  The file is opened without blocking and checked on the opened descriptor (no
    race with a rename), and the read is bounded by the bytes actually read, not by the size the file claims."""
    p = os.fspath(path)
    try:
        mode = os.stat(p).st_mode
        if not stat.S_ISREG(mode):  # before opening: opening a device can have effects
            raise not_regular(mode)
        fd = os.open(p, os.O_RDONLY | _NONBLOCK)
    except OSError as e:
        raise ReadError(Msg("read.open", why=e.strerror or e)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise not_regular(st.st_mode)
        if st.st_size > MAX_BYTES:
            raise ReadError(_too_large())
        with os.fdopen(fd, "rb") as f:
            fd = -1  # closed with f
            data = _read_bounded(f, st.st_size)
    except OSError as e:
        raise ReadError(Msg("read.read", why=e.strerror or e)) from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > MAX_BYTES:
        raise ReadError(_too_large())
    return read_bytes(str(path), data)


def _read_bounded(f, size: int) -> bytes:
    """The file's bytes, at most MAX_BYTES + 1 of them, asked for in pieces of the size the file claims (one read
    of MAX_BYTES + 1 made the buffer of a 64 MB file for every small report) and read on while more come (a file
    that grows, or claims no size)."""
    want = min(size, MAX_BYTES) + 1
    data = f.read(want)
    if len(data) < want:
        return data  # the end of the file
    parts = [data]
    got = len(data)
    while got <= MAX_BYTES:
        more = f.read(min(max(got, 65536), MAX_BYTES + 1 - got))
        if not more:
            break
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def _too_large() -> Msg:
    return Msg("read.too-large", mb=MAX_BYTES // (1024 * 1024))


def read_bytes(path: str, data: bytes) -> Source:
    module = READERS.get(Path(path).suffix.lower(), "text")
    reader = importlib.import_module(f"{__name__}.{module}")
    with bad_input(module.upper()):  # the last net under every reader
        source = reader.read(path, data)
    if len(source.text) > MAX_CHARS:
        raise ReadError(Msg("read.too-long", n=len(source.text), limit=MAX_CHARS))
    lines = source.text.count("\n") + 1
    if lines > MAX_LINES:
        raise ReadError(Msg("read.too-many-lines", n=lines, limit=MAX_LINES))
    return source
