"""nblint — a compliance linter for 政府信息公开工作年度报告 (government information disclosure annual reports).

Python API (plain data in, plain data out)::

    import nblint
    diags = nblint.lint_text(text, path="report.md")      # list of dicts
    diags = nblint.lint_path("report.pdf", previous="last-year.pdf")

Each call is bounded by ``timeout`` seconds (default ``nblint.budget.DEFAULT_SECONDS``; None or 0: no limit), also
when called from a thread: a file that takes longer gives one NB001 diagnostic saying it timed out.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["lint_text", "lint_path", "__version__"]

_DEFAULT_TIMEOUT = 60.0  # = budget.DEFAULT_SECONDS (not imported here: `import nblint` stays light)


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
    timeout: float | None = _DEFAULT_TIMEOUT,
) -> list[dict]:
    """Lint report text; returns diagnostics as dicts (path, code, name, severity, message, line, col, …)."""
    from .pipeline import parse_text
    from .source import Source

    eng = _engine(select, ignore, lang, agency_kind)
    from . import budget

    try:
        with budget.limit(timeout or None):
            prev = parse_text(previous_text) if previous_text else None
            res = eng.lint_source(Source(path=path, text=text, kind=kind), prev, timeout=None)
    except budget.Timeout as e:
        res = eng.timed_out(path, e.seconds)
    return [d.to_dict() for d in res.diagnostics]


def lint_path(
    path: str,
    *,
    previous: str | None = None,
    select=None,
    ignore=None,
    lang: str = "zh",
    agency_kind: str | None = None,
    timeout: float | None = _DEFAULT_TIMEOUT,
) -> list[dict]:
    """Lint a report file of any supported format (.md .txt .html .docx .pdf) within ``timeout`` seconds."""
    eng = _engine(select, ignore, lang, agency_kind)
    return [d.to_dict() for d in eng.lint_path(str(path), previous=previous, timeout=timeout).diagnostics]
