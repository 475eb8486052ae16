"""NB503 (repeated text) on long paragraphs: the share of the report's prose repeated from last year's
(nblint.similarity, shingles in linear time), so a long, lightly edited copy of last year's paragraph is found
(difflib's greedy matcher scored a 24,000-character one at 0.72 and missed it, in seconds) and a rewrite is not."""

import nblint

HEAD = "某某局{year}年政府信息公开工作年度报告\n\n五、存在的主要问题及改进情况\n\n"
SENTENCES = [
    "我局政府信息公开工作取得一定成效，但仍存在公开内容不够全面、政策解读形式单一等问题。",
    "下一步，我局将进一步加强培训，完善制度，提升公开质量。",
    "针对栏目更新不及时的问题，本年度建立月度巡查通报机制，共通报十二次。",
    "将把答复文书质量纳入考核，并组织两次专题培训，规范依申请公开办理流程。",
]


def _paragraph(n_chars: int) -> str:
    out, i = [], 0
    while sum(map(len, out)) < n_chars:
        out.append(f"第{i}项：" + SENTENCES[i % len(SENTENCES)])
        i += 1
    return "".join(out)


def _edited(text: str, every: int = 37) -> str:
    """Every ``every``-th character replaced, as a lightly edited copy."""
    return "".join("改" if i % every == 0 and c != "。" else c for i, c in enumerate(text))


def _nb503(text: str, previous: str) -> list[dict]:
    return [d for d in nblint.lint_text(text, previous_text=previous, select=["NB503"]) if d["code"] == "NB503"]


def test_long_lightly_edited_paragraph_is_found():
    last = _paragraph(24_000)
    this = _edited(last)
    diags = _nb503(HEAD.format(year=2024) + this + "\n", HEAD.format(year=2023) + last + "\n")
    assert len(diags) == 1 and diags[0]["line"] == 5


def test_long_rewritten_paragraph_is_not_reported():
    last = _paragraph(24_000)
    this = _edited(last, every=3)
    assert _nb503(HEAD.format(year=2024) + this + "\n", HEAD.format(year=2023) + last + "\n") == []
