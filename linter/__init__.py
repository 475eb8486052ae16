"""nblint — a compliance linter for 政府信息公开工作年度报告 (government information disclosure annual reports).

Python API (plain data in, plain data out)::

    import nblint
    diags = nblint.lint_text(text, path="report.md")      # list of dicts
    diags = nblint.lint_path("report.pdf", previous="last-year.pdf")

    linter = nblint.Linter(select=["NB2"], lang="en")      # rules and grammar loaded once, for many files
    for p in paths:
        diags = linter.lint_path(p)

Settings are resolved as ``nblint check`` resolves them (:mod:`nblint.settings`): the project configuration found by
walking up from each file (``.nblint.yaml`` or ``[tool.nblint]``), or the file given as ``config=``, or none with
``config=False``; the keyword arguments act as the command-line flags do.  A broken configuration raises
:class:`nblint.config.ConfigError` (``file:line:col: message``), an unknown rule code :class:`nblint.UsageError`
(a ValueError).

Each call is bounded by ``timeout`` seconds (default ``nblint.budget.DEFAULT_SECONDS``; None or 0: no limit), also
when called from a thread: a file that takes longer gives one NB001 diagnostic saying it timed out.
"""

from __future__ import annotations

from functools import lru_cache

TYPE_CHECKING = False  # typing is not imported at `import nblint` (the CLI's start)
if TYPE_CHECKING:
    from .settings import Workspace

__version__ = "0.1.0"

__all__ = ["Linter", "UsageError", "lint_text", "lint_path", "__version__"]

_DEFAULT_TIMEOUT = 60.0  # = budget.DEFAULT_SECONDS (not imported here: `import nblint` stays light)


class UsageError(ValueError):
    """A wrong argument: an unknown rule code in ``select``/``ignore``, a bad flag (the CLI's exit status 2)."""


class Linter:
    """A reusable linter: built once (rules, grammar), then any number of ``lint_path``/``lint_text`` calls, from
    any thread."""

    def __init__(
        self,
        *,
        select=None,
        extend_select=None,
        ignore=None,
        lang: str | None = None,
        agency_kind: str | None = None,
        config: str | bool | None = None,
    ):
        from .settings import Flags, Workspace

        flags = Flags.make(
            select=select,
            extend_select=extend_select,
            ignore=ignore,
            lang=lang,
            agency_kind=agency_kind,
            config=str(config) if config not in (None, True, False) else None,
            use_config_files=config is not False,
        )
        self.workspace: Workspace = Workspace(flags)
        self.workspace.engine(self.workspace.fixed)  # load the rules and the grammar now, not at the first call

    def lint_path(self, path, previous: str | None = None, *, timeout: float | None = _DEFAULT_TIMEOUT) -> list[dict]:
        """Lint a report file of any supported format (.md .txt .html .docx .pdf) within ``timeout`` seconds."""
        res = self.workspace.lint_path(str(path), previous=str(previous) if previous else None, timeout=timeout)
        return [d.to_dict() for d in res.diagnostics]

    def lint_text(
        self,
        text: str,
        path: str = "<text>",
        *,
        kind: str = "markdown",
        previous_text: str | None = None,
        timeout: float | None = _DEFAULT_TIMEOUT,
    ) -> list[dict]:
        """Lint report text; returns diagnostics as dicts (path, code, name, severity, message, line, col, …)."""
        from . import budget
        from .pipeline import parse_text
        from .source import Source

        try:
            with budget.limit(timeout or None):
                prev = parse_text(previous_text) if previous_text else None
                res = self.workspace.lint_source(Source(path=path, text=text, kind=kind), prev, timeout=None)
        except budget.Timeout as e:
            eng, s = self.workspace.resolve(path)
            res = eng.timed_out(path, e.seconds, s)
        return [d.to_dict() for d in res.diagnostics]


@lru_cache(maxsize=32)  # thread-safe; two threads' first calls may build two Linters, one is kept
def _cached(select, ignore, lang, agency_kind) -> Linter:
    return Linter(select=select, ignore=ignore, lang=lang, agency_kind=agency_kind)


def _linter(select, ignore, lang, agency_kind) -> Linter:
    """The default Linter for these arguments, built at the first call with them."""
    select = tuple(select) if select and not isinstance(select, str) else select
    ignore = tuple(ignore) if ignore and not isinstance(ignore, str) else ignore
    return _cached(select, ignore, lang, agency_kind)


def lint_text(
    text: str,
    path: str = "<text>",
    *,
    kind: str = "markdown",
    previous_text: str | None = None,
    select=None,
    ignore=None,
    lang: str | None = None,
    agency_kind: str | None = None,
    timeout: float | None = _DEFAULT_TIMEOUT,
) -> list[dict]:
    """Lint report text; returns diagnostics as dicts (path, code, name, severity, message, line, col, …)."""
    return _linter(select, ignore, lang, agency_kind).lint_text(
        text, path, kind=kind, previous_text=previous_text, timeout=timeout
    )


def lint_path(
    path: str,
    *,
    previous: str | None = None,
    select=None,
    ignore=None,
    lang: str | None = None,
    agency_kind: str | None = None,
    timeout: float | None = _DEFAULT_TIMEOUT,
) -> list[dict]:
    """Lint a report file of any supported format (.md .txt .html .docx .pdf) within ``timeout`` seconds."""
    return _linter(select, ignore, lang, agency_kind).lint_path(path, previous=previous, timeout=timeout)
