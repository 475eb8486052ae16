"""The language server applies a project's own rule directories (extend-rules), as `nblint check` does."""

from __future__ import annotations

from pathlib import Path

from conftest import EXAMPLES

RULE = (
    'code: ZJ002\nname: zhejiang-service-portal\nseverity: warning\neras: ["2021"]\nkind: pattern\n'
    "mode: required\nscope: document\npatterns: ['浙江政务服务网']\nmessage: 未提及浙江政务服务网\n"
    "message-en: no mention of 浙江政务服务网\ndescription: provincial example\nbasis: 示例\n"
    "examples: {fail: [x], pass: [浙江政务服务网]}\n"
)


def test_extend_rules_in_editor(tmp_path):
    from nblint.app.lsp import DocumentLinter

    (tmp_path / "province").mkdir()
    (tmp_path / "province" / "ZJ002.yaml").write_text(RULE, encoding="utf-8")
    (tmp_path / ".nblint.yaml").write_text("extend-rules: [province]\n", encoding="utf-8")
    doc = tmp_path / "report.md"
    text = (EXAMPLES / "compliant-2024.md").read_text(encoding="utf-8")
    state = DocumentLinter().lint(Path(doc).as_uri(), text)
    codes = [i.diag.code for i in state.items]
    assert "ZJ002" in codes, codes
