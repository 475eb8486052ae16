"""Files as clerks have them: .doc/.wps/.et/.xlsx/images are never skipped in silence — NB001 with what to do, or,
where LibreOffice is installed, a .doc converted and linted like the DOCX it came from."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run_nblint

from nblint.readers import office

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "defects-tables.md"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def nblint(*args, cwd=ROOT, env=None):
    return run_nblint(*args, cwd=cwd, env=env)


NO_SOFFICE = {"NBLINT_SOFFICE": "none"}


def test_a_folder_of_doc_and_wps_files_is_not_a_pass(tmp_path):
    d = tmp_path / "onlydoc"
    d.mkdir()
    (d / "2023年报.doc").write_bytes(OLE2)
    (d / "2024年报.wps").write_bytes(OLE2)
    p = nblint("check", "onlydoc", cwd=tmp_path, env=NO_SOFFICE)
    assert p.returncode == 1, p.stdout + p.stderr
    assert "全部通过" not in p.stdout
    lines = p.stdout.splitlines()
    assert lines[0] == (
        "onlydoc/2023年报.doc:1:1: NB001 错误 无法读取文件：这是旧版 Word（.doc）文件，nblint 不能直接读取："
        "请用 Word 或 WPS「另存为」.docx 后再检查"
    )
    assert lines[1].startswith("onlydoc/2024年报.wps:1:1: NB001 错误 无法读取文件：这是 WPS 文字（.wps）文件")
    assert "「另存为」.docx" in lines[1]
    assert lines[-1] == "发现 2 个问题（2 个错误），共 2 个文件"


def test_an_rtf_without_libreoffice_is_not_called_old_word(tmp_path):
    """An .rtf is Word's export, not an old Word file: the advice names what it is."""
    (tmp_path / "年报.rtf").write_bytes(b"{\\rtf1\\ansi{\\fonttbl\\f0 SimSun;}\\f0 \\u25919? 2024}")
    out = nblint("check", ".", cwd=tmp_path, env=NO_SOFFICE).stdout
    assert (
        "年报.rtf:1:1: NB001 错误 无法读取文件：nblint 不能直接读取这种文件（.rtf）：请用 Word 或 WPS「另存为」.docx"
        in out
    )
    assert "旧版 Word" not in out


def test_spreadsheets_and_images_are_reported_with_advice(tmp_path):
    for name in ("统计表.xlsx", "统计表.et", "扫描件.jpg"):
        (tmp_path / name).write_bytes(b"PK\x03\x04 not really" if name.endswith("xlsx") else b"\xff\xd8\xff\xe0")
    p = nblint("check", ".", "--lang", "zh", cwd=tmp_path, env=NO_SOFFICE)
    out = p.stdout
    assert p.returncode == 1
    assert "统计表.xlsx:1:1: NB001 错误 无法读取文件：这是电子表格（.xlsx），不是年报正文" in out
    assert "统计表.et:1:1: NB001 错误 无法读取文件：这是电子表格（.et）" in out
    assert "扫描件.jpg:1:1: NB001 错误 无法读取文件：这是图片（.jpg），没有文字层" in out
    en = nblint("check", ".", "--lang", "en", cwd=tmp_path, env=NO_SOFFICE).stdout
    assert "a spreadsheet (.xlsx) is not the report's text" in en


def test_an_empty_folder_is_not_a_pass(tmp_path):
    (tmp_path / "empty").mkdir()
    p = nblint("check", "empty", cwd=tmp_path)
    assert p.returncode == 2 and p.stdout == ""
    assert "没有找到可检查的年报文件" in p.stderr


def test_a_web_page_or_text_saved_as_doc_is_read_as_what_it_is(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    (tmp_path / "as-text.doc").write_text(text, encoding="utf-8")
    (tmp_path / "as-text.md").write_text(text, encoding="utf-8")
    codes = {}
    for name in ("as-text.doc", "as-text.md"):
        p = nblint("check", name, "--output-format", "json", cwd=tmp_path, env=NO_SOFFICE)
        codes[name] = [(d["code"], d["line"]) for d in json.loads(p.stdout)["files"][0]["diagnostics"]]
    assert codes["as-text.doc"] == codes["as-text.md"] and codes["as-text.md"]
    page = "<html><body>" + "".join(f"<p>{ln}</p>" for ln in text.splitlines() if ln.strip()) + "</body></html>"
    (tmp_path / "page.doc").write_text(page, encoding="utf-8")
    p = nblint("check", "page.doc", "--output-format", "json", cwd=tmp_path, env=NO_SOFFICE)
    assert "NB001" not in {d["code"] for d in json.loads(p.stdout)["files"][0]["diagnostics"]}


def _docx_from(md: Path, out: Path) -> None:
    """A Word document holding the example report, one paragraph per line (its tables as pipe rows)."""
    import docx

    document = docx.Document()
    for ln in md.read_text(encoding="utf-8").splitlines():
        if ln.strip():
            document.add_paragraph(ln.lstrip("# "))
    document.save(str(out))


@pytest.mark.skipif(office.soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_a_doc_is_converted_by_libreoffice_and_linted_like_its_docx(tmp_path):
    _docx_from(EXAMPLE, tmp_path / "report.docx")
    exe = office.soffice()
    assert exe is not None
    subprocess.run(
        [exe, "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--convert-to", "doc",
         "--outdir", str(tmp_path / "doc"), str(tmp_path / "report.docx")],
        check=True, capture_output=True, timeout=120, env=dict(os.environ, HOME=str(tmp_path)),
    )  # fmt: skip
    doc = tmp_path / "doc" / "report.doc"
    assert doc.read_bytes().startswith(OLE2[:8])
    got = {}
    for path in (doc, tmp_path / "report.docx"):
        p = nblint("check", path, "--output-format", "json", cwd=tmp_path)
        got[path.suffix] = [(d["code"], d["message"]) for d in json.loads(p.stdout)["files"][0]["diagnostics"]]
    assert got[".doc"] == got[".docx"]
    assert ("NB204", "表二行标签「规范性文件」与格式不一致，应为「行政规范性文件」") in got[".doc"]


@pytest.mark.skipif(shutil.which("sleep") is None, reason="no sleep program")
def test_a_conversion_that_hangs_is_cut_off_by_the_time_budget(tmp_path):
    fake = tmp_path / "fake-soffice"
    fake.write_text("#!/bin/sh\nsleep 60\n", encoding="utf-8")
    fake.chmod(0o755)
    (tmp_path / "slow.doc").write_bytes(OLE2)
    p = nblint("check", "slow.doc", "--timeout", "1", cwd=tmp_path, env={"NBLINT_SOFFICE": str(fake)})
    assert p.returncode == 1
    assert p.stdout.startswith("slow.doc:1:1: NB001 错误 无法读取文件：")
    assert "超过 1 秒" in p.stdout or "处理超时" in p.stdout
