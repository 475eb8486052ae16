"""``python -m nblint.bench``: every figure of issue 16 by name (the timing itself is not tested: a benchmark)."""

from __future__ import annotations

import pytest

from nblint.app import bench


def test_names_and_one_quick_figure(capsys):
    assert set(bench.BENCHES) == {"pdf", "html", "nb503", "cold", "audit", "text", "lsp", "corpus"}
    bench.main(["--only", "nb503", "--quick"])
    out = capsys.readouterr().out
    assert "24,000 chars" in out and "repeated share 97%, 1 finding" in out


def test_unknown_name_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as e:
        bench.main(["--only", "speed"])
    assert e.value.code == 2 and "unknown benchmark speed" in capsys.readouterr().err
