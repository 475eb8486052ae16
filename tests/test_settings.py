"""One settings resolver (nblint.settings) for the CLI, the language server, `nblint audit` and the Python API:
the same project configuration gives the same diagnostics everywhere; one identifier matcher (ruleset.resolve)
for selection, suppression comments and `explain`; a reusable nblint.Linter."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from nblint.app.cli import main

DEFECTIVE = ROOT / "tests" / "fixtures" / "integrations" / "defective-2024.md"  # NB204 ×2, NB207, NB103


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "sub").mkdir()
    shutil.copy(DEFECTIVE, tmp_path / "a.md")
    shutil.copy(DEFECTIVE, tmp_path / "sub" / "b.md")
    (tmp_path / ".nblint.yaml").write_text(
        "ignore: [NB103]\nper-file-ignores: {'sub/*.md': [label-mismatch]}\nseverity: {NB207: error}\n",
        encoding="utf-8",
    )
    return tmp_path


EXPECTED = {  # what the configuration above leaves, per file: (code, severity)
    "a.md": [("NB204", "warning"), ("NB204", "warning"), ("NB207", "error")],
    "b.md": [("NB207", "error")],
}


def _by_file(items) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list] = {}
    for path, code, severity in items:
        out.setdefault(Path(path).name, []).append((code, severity))
    return {k: sorted(v) for k, v in out.items()}


def test_rule_names_resolve(project):
    from nblint.ruleset import load_rules, resolve

    rules = load_rules()
    assert [r.code for r in resolve(rules, "label-mismatch")] == ["NB204"]
    assert resolve(rules, "NB9") is None and resolve(rules, "nonsense") is None
    assert "NB212" not in {r.code for r in resolve(rules, "NB21")}  # a prefix selects no opt-in rule …
    assert "NB212" in {r.code for r in resolve(rules, "NB21", opt_in=True)}  # … but a suppression silences it
    assert [r.code for r in resolve(rules, "nb212")] == ["NB212"]  # its full code does select it


def test_check_applies_the_project_configuration(project, capsys):
    main(["check", "--output-format", "json", str(project)])
    files = json.loads(capsys.readouterr().out)["files"]
    got = _by_file((f["path"], d["code"], d["severity"]) for f in files for d in f["diagnostics"])
    assert got == EXPECTED


def test_audit_honours_the_project_configuration(project, tmp_path, capsys):
    out = tmp_path / "audit.jsonl"
    assert main(["audit", "--jobs", "1", "--quiet", "--no-pairing", "--jsonl", str(out), str(project)]) == 0
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # the two files are the same agency's report for the same year: the audit says so on both (NB509, a fact
    # about the set that `check` cannot know)
    assert sorted(Path(r["file"]).name for r in recs if r["code"] == "NB509") == ["a.md", "b.md"]
    assert _by_file((r["file"], r["code"], r["severity"]) for r in recs if r["code"] != "NB509") == EXPECTED


def test_audit_flags_go_on_top_of_the_configuration(project, tmp_path, capsys):
    out = tmp_path / "audit.jsonl"
    main(["audit", "--jobs", "2", "--quiet", "--ignore", "NB207", "--jsonl", str(out), str(project)])
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len([r for r in recs if r["code"] == "NB509"]) == 2  # the same report twice (see above)
    got = _by_file((r["file"], r["code"], r["severity"]) for r in recs if r["code"] != "NB509")
    assert got == {"a.md": [("NB204", "warning")] * 2}


def test_language_server_applies_the_project_configuration(project):
    from nblint.app.lsp import DocumentLinter

    lsp = DocumentLinter()
    items = []
    for p in (project / "a.md", project / "sub" / "b.md"):
        state = lsp.lint(p.as_uri(), p.read_text(encoding="utf-8"))
        items += [(str(p), i.diag.code, i.diag.severity) for i in state.items]
    assert _by_file(items) == EXPECTED


def test_api_applies_the_project_configuration(project):
    import nblint

    linter = nblint.Linter()
    items = [
        (str(p), d["code"], d["severity"])
        for p in (project / "a.md", project / "sub/b.md")
        for d in linter.lint_path(p)
    ]
    assert _by_file(items) == EXPECTED
    # lint_text by a path in the project: the same configuration
    text = DEFECTIVE.read_text(encoding="utf-8")
    got = [(d["code"], d["severity"]) for d in nblint.lint_text(text, path=str(project / "sub" / "new.md"))]
    assert sorted(got) == EXPECTED["b.md"]
    # config=False: built-in defaults; config=FILE: that file for every path
    assert len(nblint.Linter(config=False).lint_path(project / "a.md")) == 4
    other = project / "other.yaml"
    other.write_text("select: [NB103]\n", encoding="utf-8")
    assert [d["code"] for d in nblint.Linter(config=other).lint_path(project / "a.md")] == ["NB103"]


def test_flags_replace_select_and_add_to_ignore(project, capsys):
    main(["check", "--output-format", "json", "--select", "NB2", "--ignore", "NB207", str(project / "a.md")])
    codes = [d["code"] for f in json.loads(capsys.readouterr().out)["files"] for d in f["diagnostics"]]
    assert codes == ["NB204", "NB204"]


def test_linter_is_built_once_and_the_functions_reuse_it(project):
    import nblint

    linter = nblint.Linter(config=False)
    eng = linter.workspace.engine()
    linter.lint_path(project / "a.md")
    linter.lint_text("x")
    assert linter.workspace.engine() is eng and len(linter.workspace._engines) == 1
    assert nblint._linter(["NB2"], None, "en", None) is nblint._linter(["NB2"], None, "en", None)
    en, zh = nblint.lint_path(DEFECTIVE, select="NB207", lang="en"), nblint.lint_path(DEFECTIVE, select=["NB207"])
    assert [d["code"] for d in en] == [d["code"] for d in zh] == ["NB207"]
    assert en[0]["message"] != zh[0]["message"]


def test_suppression_comments_use_the_same_matcher(tmp_path):
    import nblint

    text = DEFECTIVE.read_text(encoding="utf-8")
    lines = text.split("\n")
    lines.insert(24, "<!-- nblint: disable-next-line=label-mismatch -->")  # by name, before line 25's NB204
    got = nblint.lint_text("\n".join(lines), path=str(tmp_path / "r.md"))
    assert [(d["code"], d["line"]) for d in got if d["line"] in (25, 26)] == []
    lines[24] = "<!-- nblint: disable-next-line=ALL -->"
    got = nblint.lint_text("\n".join(lines), path=str(tmp_path / "r.md"))
    assert [(d["code"], d["line"]) for d in got if d["line"] in (25, 26)] == []


def test_explain_by_alias_or_name_but_not_prefix(capsys):
    assert main(["explain", "label-mismatch"]) == 0 and capsys.readouterr().out.startswith("NB204 label-mismatch")
    assert main(["explain", "NB2"]) == 2


def test_language_server_reports_a_broken_configuration(project):
    from nblint.app.lsp import DocumentLinter

    lsp = DocumentLinter()
    seen = []
    lsp.on_settings_problem = lambda path, problem: seen.append((path, problem and str(problem)))
    cfg = project / ".nblint.yaml"
    cfg.write_text("ignore: [NB103]\nselect: [1]\n", encoding="utf-8")
    doc = project / "a.md"
    state = lsp.lint(doc.as_uri(), doc.read_text(encoding="utf-8"))
    assert seen == [(str(cfg), f"{cfg}:2:10: select[0] 应为字符串（规则代码、前缀或名称），不能是 1")]
    assert len(state.items) == 4  # linted with the defaults meanwhile
    lsp.lint(doc.as_uri(), doc.read_text(encoding="utf-8"))
    assert len(seen) == 1  # reported once, not at every keystroke
    from nblint import config

    cfg.write_text("ignore: [NB103]\n", encoding="utf-8")
    config.find_for_dir.cache_clear()  # what didSave of a configuration file does
    state = lsp.lint(doc.as_uri(), doc.read_text(encoding="utf-8"))
    assert seen[-1] == (str(cfg), None) and len(state.items) == 3


def test_language_server_session_shows_a_broken_configuration(tmp_path):
    """Over stdio: a message window and an error diagnostic at the value in .nblint.yaml; the report is linted
    with the defaults meanwhile; saving a mended configuration removes the diagnostic."""
    from test_lsp import Client

    cfg = tmp_path / ".nblint.yaml"
    cfg.write_text("ignore: [NB103]\nseverity: {NB207: fatal}\n", encoding="utf-8")
    report = tmp_path / "r.md"
    text = DEFECTIVE.read_text(encoding="utf-8")
    report.write_text(text, encoding="utf-8")
    client = Client(tmp_path)
    try:
        client.request("initialize", {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}})
        client.notify("initialized", {})
        doc = {"uri": report.as_uri(), "languageId": "markdown", "version": 1, "text": text}
        client.notify("textDocument/didOpen", {"textDocument": doc})
        shown = client.wait_notification("window/showMessage")
        assert (
            shown["type"] == 1 and f"{cfg}:2:19: NB207 的严重程度只能是 error, warning, info 之一" in shown["message"]
        )
        at_cfg = client.wait_notification("textDocument/publishDiagnostics", lambda p: p["uri"] == cfg.as_uri())
        [d] = at_cfg["diagnostics"]
        assert d["range"]["start"] == {"line": 1, "character": 18} and d["severity"] == 1
        pub = client.wait_notification("textDocument/publishDiagnostics", lambda p: p["uri"] == report.as_uri())
        assert len(pub["diagnostics"]) == 4
        cfg.write_text("ignore: [NB103]\n", encoding="utf-8")
        client.notify("textDocument/didSave", {"textDocument": {"uri": cfg.as_uri()}, "text": cfg.read_text()})
        cleared = client.wait_notification("textDocument/publishDiagnostics", lambda p: p["uri"] == cfg.as_uri())
        assert cleared["diagnostics"] == []
        pub = client.wait_notification("textDocument/publishDiagnostics", lambda p: p["uri"] == report.as_uri())
        assert sorted(x["code"] for x in pub["diagnostics"]) == ["NB204", "NB204", "NB207"]
    finally:
        client.close()
