"""A published PDF and the text copy of it in the corpus get the same diagnostics, line positions aside; and
files far too large to be a report are refused quickly with NB001."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from conftest import EXAMPLES, shared

PAIRS = [
    ("govnianbao_szfgs2024.pdf", "001.txt"),
    ("kirogovcompare_hzq2023_working.pdf", "002.txt"),
    ("kirogovcompare_hzq2024_working.pdf", "003.txt"),
]


@pytest.mark.parametrize("pdf,txt", PAIRS)
def test_pdf_and_its_text_copy_agree(engine, pdf, txt):
    a = engine.lint_path(str(shared("binaries", pdf)))
    b = engine.lint_path(str(shared("corpus", txt)))
    assert Counter((d.code, d.message) for d in a.diagnostics) == Counter((d.code, d.message) for d in b.diagnostics)
    assert all(d.extra.get("page") for d in a.diagnostics)  # PDF positions carry their page


def test_twenty_megabyte_file_is_refused_fast(engine, tmp_path):
    text = (EXAMPLES / "compliant-2024.md").read_text(encoding="utf-8")
    p = tmp_path / "huge.md"
    p.write_text(text * (20 * 1024 * 1024 // len(text.encode()) + 1), encoding="utf-8")
    t0 = time.perf_counter()
    res = engine.lint_path(str(p))
    assert time.perf_counter() - t0 < 5
    assert [d.code for d in res.diagnostics] == ["NB001"]
    assert "远超一份年报" in res.diagnostics[0].message
