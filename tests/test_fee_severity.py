"""NB403 is an error from 2021 (国办函〔2020〕109号) and a warning for 2019 and 2020 reports (``warning-years``)."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES

FEE = "（一）依据《政府信息公开信息处理费管理办法》收取信息处理费的情况。本年度未发出收费通知，未收取信息处理费。"


@pytest.mark.parametrize("year,severity", [(2020, "warning"), (2019, "warning"), (2024, "error")])
def test_fee_statement_severity_by_year(year, severity):
    from nblint.engine import Engine, Settings
    from nblint.source import Source

    text = (EXAMPLES / "compliant-2024.md").read_text(encoding="utf-8").replace("2024", str(year))
    text = text.replace("2025年1月20日", f"{year + 1}年1月20日")
    text = text.replace(FEE, "（一）其他情况。无。")
    res = Engine(Settings(select={"NB403"})).lint_source(Source(path="r.md", text=text, kind="markdown"))
    got = [d.severity for d in res.diagnostics if d.code == "NB403"]
    assert got == [severity]


def test_user_severity_still_wins():
    from nblint.engine import Engine, Settings
    from nblint.source import Source

    text = (EXAMPLES / "compliant-2024.md").read_text(encoding="utf-8").replace("2024", "2020")
    text = text.replace(FEE, "（一）其他情况。无。")
    res = Engine(Settings(select={"NB403"}, severity={"NB403": "error"})).lint_source(
        Source(path="r.md", text=text, kind="markdown")
    )
    assert [d.severity for d in res.diagnostics if d.code == "NB403"] == ["error"]
