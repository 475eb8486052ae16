"""nblint — a compliance linter for 政府信息公开工作年度报告 (government information disclosure annual reports).

Python API (plain data in, plain data out)::

    import nblint
    diags = nblint.lint_text(text, path="report.md")      # list of dicts
    diags = nblint.lint_path("report.pdf", previous="last-year.pdf")
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["lint_text", "lint_path", "__version__"]


def _engine(select=None, ignore=None, lang="zh", agency_kind=None):
    from .engine import Engine, Settings
    from .ruleset import load_rules, resolve_codes

    rules = load_rules()
    s = Settings(
        select=resolve_codes(rules, select) if select else None,
        ignore=resolve_codes(rules, ignore) if ignore else set(),
        lang=lang,
        agency_kind=agency_kind,
    )
    return Engine(s, rules)


def lint_text(
    text: str,
    path: str = "<text>",
    *,
    kind: str = "markdown",
    previous_text: str | None = None,
    select=None,
    ignore=None,
    lang: str = "zh",
    agency_kind: str | None = None,
) -> list[dict]:
    """Lint report text; returns diagnostics as dicts (path, code, name, severity, message, line, col, …)."""
    from .pipeline import parse_text
    from .source import Source

    eng = _engine(select, ignore, lang, agency_kind)
    prev = parse_text(previous_text) if previous_text else None
    res = eng.lint_source(Source(path=path, text=text, kind=kind), prev)
    return [d.to_dict() for d in res.diagnostics]


def lint_path(
    path: str,
    *,
    previous: str | None = None,
    select=None,
    ignore=None,
    lang: str = "zh",
    agency_kind: str | None = None,
) -> list[dict]:
    """Lint a report file of any supported format (.md .txt .html .docx .pdf)."""
    eng = _engine(select, ignore, lang, agency_kind)
    return [d.to_dict() for d in eng.lint_path(str(path), previous=previous).diagnostics]
