"""Files as clerks have them: old Word (.doc), WPS Writer (.wps), spreadsheets (.et, .xls, .xlsx), images.

None of them is skipped in silence.  A .doc or .wps is converted to .docx by LibreOffice when it is installed
(``soffice --headless``, in a temporary directory with its own profile, bounded by the file's time budget, never
touching the network) and then read as a DOCX; without LibreOffice it is NB001 with what to do (「请另存为 .docx 后再
检查」).  A file that only bears the name (a web page or plain text saved as .doc, a .docx renamed) is read as what it
is.  Spreadsheets and images are NB001 with advice: they are not the report's text.

``NBLINT_SOFFICE`` names the LibreOffice program to use; ``NBLINT_SOFFICE=none`` turns conversion off.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .. import budget
from ..i18n import Msg
from ..source import ReadError, Source
from . import IMAGES, SHEETS  # the suffixes this module reads, listed with the other readers'

SOFFICE_SECONDS = 60.0  # one conversion at most, within the file's own budget
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read(path: str, data: bytes) -> Source:
    ext = Path(path).suffix.lower()
    if ext in SHEETS:
        raise ReadError(Msg("read.format.sheet", ext=ext))
    if ext in IMAGES:
        raise ReadError(Msg("read.format.image", ext=ext))
    if not data:
        raise ReadError(Msg("read.empty"))
    head = data[:4096].lstrip()
    if data.startswith(b"PK"):  # a .docx under another name
        from . import docx

        return docx.read(path, data)
    if head.startswith(b"%PDF-"):
        from . import pdf

        return pdf.read(path, data)
    if not data.startswith(_OLE2) and not head.startswith(b"{\\rtf"):
        if b"<html" in head.lower() or b"<!doctype html" in head.lower():  # Word's "save as web page" named .doc
            from . import html

            return html.read(path, data)
        from . import text

        try:
            return text.read(path, data)
        except ReadError:
            pass  # not text either: a binary format of its own; LibreOffice may know it
    exe = soffice()
    if exe is None:
        raise ReadError(_without_converter(ext))
    converted = convert(exe, data, ext)
    from . import docx

    source = docx.read(path, converted)
    source.converted = "LibreOffice"  # type: ignore[attr-defined]
    return source


def _without_converter(ext: str) -> Msg:
    """What to do with a file only LibreOffice could read, when it is not installed: its own program's advice."""
    if ext in (".wps", ".wpt"):
        return Msg("read.format.wps")
    if ext in (".doc", ".dot"):
        return Msg("read.format.doc")
    return Msg("read.format.other", ext=ext or "?")  # .rtf, or a binary file under another Word name


def soffice() -> str | None:
    """The LibreOffice program to convert with, or None (not installed, or ``NBLINT_SOFFICE=none``)."""
    named = os.environ.get("NBLINT_SOFFICE")
    if named is not None:
        if named.strip().lower() in ("", "none", "0", "off"):
            return None
        return shutil.which(named)
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(exe: str, data: bytes, ext: str) -> bytes:
    """The .docx that LibreOffice makes of ``data``; ReadError when it fails or runs past the budget."""
    left = budget.remaining()
    seconds = SOFFICE_SECONDS if left is None else min(SOFFICE_SECONDS, left)
    with tempfile.TemporaryDirectory(prefix="nblint-soffice-") as tmp:
        src = Path(tmp) / f"report{ext}"
        src.write_bytes(data)
        out = Path(tmp) / "out"
        cmd = [
            exe,
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}",  # its own profile: runs side by side
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            str(src),
        ]
        env = dict(os.environ, HOME=tmp)
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        try:
            log, _ = proc.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            budget.check()  # the file's budget ran out: reported as the file's time-out
            raise ReadError(
                Msg("read.convert-failed", ext=ext, detail=Msg("read.convert-timeout", n=seconds))
            ) from None
        finally:
            if proc.poll() is None:  # a time-out (ours or the budget's): the whole process group goes
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except OSError:
                    pass
                proc.wait()
        result = out / "report.docx"
        if proc.returncode != 0 or not result.is_file():
            detail = (log or b"").decode("utf-8", "replace").strip().splitlines()
            why = detail[-1][:200] if detail else f"exit {proc.returncode}"
            raise ReadError(Msg("read.convert-failed", ext=ext, detail=why))
        return result.read_bytes()
