"""The house plan, enforced: formats are data (no era named in Python outside the registry), checks read only the
model (they never import the layout stage or the report-facts stage), and formatters and the language server do
not import the command line."""

from __future__ import annotations

import ast
from pathlib import Path

from nblint import formats

LINTER = Path(__file__).resolve().parents[1] / "linter"


def _modules():
    for p in sorted(LINTER.rglob("*.py")):
        yield p.relative_to(LINTER).as_posix(), ast.parse(p.read_text(encoding="utf-8"))


def _docstrings(tree) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def _imports(tree, module: str) -> set[str]:
    """Absolute names (nblint.x.y) this module imports, at module level or inside functions."""
    pkg = ["nblint", *module.removesuffix(".py").split("/")][:-1]
    if module.endswith("__init__.py"):
        pkg = ["nblint", *module.split("/")[:-1]]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = pkg[: len(pkg) - node.level + 1] if node.level else []
            name = ".".join(base + (node.module.split(".") if node.module else []))
            out.add(name)
            out.update(f"{name}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_no_era_literal_outside_the_registry():
    eras = set(formats.era_ids())
    years = {int(f["years"]["from"]) for f in formats.load_formats().values()}
    assert eras and years
    found = []
    for name, tree in _modules():
        if name == "formats.py":
            continue
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and id(node) not in docs:
                v = node.value
                if (isinstance(v, str) and v in eras) or (type(v) is int and v in years):
                    found.append(f"{name}:{node.lineno}: {v!r}")
    assert not found, "eras are data (grammar/formats), ask nblint.formats:\n" + "\n".join(found)


def test_checks_read_only_the_model():
    bad = []
    for name, tree in _modules():
        if name.startswith("checks/"):
            for imp in _imports(tree, name):
                if imp.startswith(("nblint.layout", "nblint.meta", "nblint.pipeline")):
                    bad.append(f"{name} imports {imp}")
    assert not bad, bad


# app/lsp.py still takes settings_for from the CLI until the settings resolver (issue 12 item 4, another branch)
# lands; strict, so that the marker must be removed when it does
def test_formatters_and_lsp_do_not_import_the_cli():
    bad = []
    for name, tree in _modules():
        if name.startswith("formatters/") or name == "app/lsp.py":
            for imp in _imports(tree, name):
                if imp.startswith("nblint.app.cli"):
                    bad.append(f"{name} imports {imp}")
    assert not bad, bad


def test_the_import_check_sees_relative_imports():
    """The checks above would pass vacuously if relative imports were resolved wrongly."""
    trees = dict(_modules())
    assert "nblint.model" in _imports(trees["checks/__init__.py"], "checks/__init__.py")
    assert "nblint.layout" in _imports(trees["meta.py"], "meta.py")
    assert "nblint.formats" in _imports(trees["app/new.py"], "app/new.py")


def test_check_kinds_are_dispatch_tables_of_typed_documented_functions():
    import inspect

    from nblint.checks import KINDS, kind_module

    for kind in KINDS:
        mod = kind_module(kind)
        assert mod.CHECKS and not hasattr(mod, "run"), kind
        for name, fn in mod.CHECKS.items():
            sig = inspect.signature(fn)
            assert list(sig.parameters) == ["rule", "report", "ctx"], (kind, name)
            assert [p.annotation for p in sig.parameters.values()] == ["Rule", "Report", "Context"], (kind, name)
            assert sig.return_annotation == "Iterator[Finding]", (kind, name)
            assert (fn.__doc__ or "").strip(), f"{kind}/{name} needs a docstring"


def test_every_rule_names_a_check_of_its_kind():
    from nblint.checks import kind_module
    from nblint.ruleset import load_rules

    for r in load_rules():
        assert r.check in kind_module(r.kind).CHECKS, r.code


def test_loader_rejects_an_unknown_check_at_its_key(tmp_path, monkeypatch):
    monkeypatch.setenv("NBLINT_LANG", "en")  # the needles are the English texts
    from nblint.ruleset import RuleError, load_rules

    src = Path(__file__).resolve().parents[1] / "rules" / "NB204-label-mismatch.yaml"
    text = (
        src.read_text(encoding="utf-8")
        .replace("code: NB204", "code: ZJ204")
        .replace("name: label-mismatch", "name: zj-label")
    )
    lines = text.split("\n")
    row = next(i for i, ln in enumerate(lines) if ln.startswith("check:"))
    lines[row] = "check: lables"
    (tmp_path / "ZJ204.yaml").write_text("\n".join(lines), encoding="utf-8")
    try:
        load_rules([str(tmp_path)])
    except RuleError as e:
        msg = "\n".join(e.problems)
    else:
        raise AssertionError("an unknown check was accepted")
    assert f"ZJ204.yaml:{row + 1}:1: check must be one of present, rows," in msg


def test_checks_reference_is_current():
    from nblint.checks import checks_markdown

    doc = Path(__file__).resolve().parents[1] / "docs" / "checks.md"
    assert doc.read_text(encoding="utf-8") == checks_markdown(), "regenerate: python -m nblint.checks > docs/checks.md"


def test_loader_wants_message_fragments_in_both_languages(tmp_path, monkeypatch):
    monkeypatch.setenv("NBLINT_LANG", "en")  # the needles are the English texts
    from nblint.ruleset import load_rule_file

    src = Path(__file__).resolve().parents[1] / "rules" / "NB204-label-mismatch.yaml"
    text = src.read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(text.replace("fix-title-en:", "# fix-title-en:"), encoding="utf-8")
    rule, probs = load_rule_file(tmp_path / "a.yaml")
    assert rule is None and any("'fix-title' and 'fix-title-en' go together" in p for p in probs)
    lines = [ln for ln in text.split("\n") if not ln.startswith("fix-title")]
    (tmp_path / "b.yaml").write_text("\n".join(lines), encoding="utf-8")
    rule, probs = load_rule_file(tmp_path / "b.yaml")
    assert rule is None and any("a fixable rule needs 'fix-title'" in p for p in probs)
