"""No text, however odd, makes the pipeline raise: random mixtures of report fragments, table rows, numbers,
pipes, headings and noise are parsed and checked (the engine turns problems into diagnostics, never exceptions)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PIECES = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
    "三、本年度办理结果",
    "（一）予以公开",
    "（七）总计",
    "1.属于国家秘密",
    "3.其他",
    "规章",
    "行政规范性文件",
    "行政许可",
    "本年制发件数",
    "总计",
    "结果维持",
    "第二十条第（一）项",
    "| ",
    " | ",
    "|",
    "||",
    "\n",
    "\n\n",
    " ",
    "0",
    "12",
    "0000000",
    "230 000023",
    "3.5",
    "-1",
    "/",
    "—",
    "无",
    "2024年",
    "统计期限为2024年1月1日至2024年12月31日",
    "信息处理费",
    "報告",
    "公開(kāi)",
    "。",
    "，",
    "<!-- nblint: disable=NB207 -->",
    "<!-- nblint: enable -->",
    "## ",
    "- 3 -",
    "第1页/共7页",
    "元",
    "万元",
    "某某镇人民政府2024年政府信息公开工作年度报告",
    "\u200b",
    "\ufeff",
    "\r\n",
    "𠀀",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=120))
def test_any_mixture_is_checked_without_exception(parts):
    import nblint

    text = "".join(parts)
    diags = nblint.lint_text(text, path="fuzz.md")
    for d in diags:
        assert d["line"] >= 1 and d["col"] >= 1
        assert d["code"].startswith("NB")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_any_unicode_text(text):
    import nblint

    nblint.lint_text(text, path="fuzz.txt", kind="text")
