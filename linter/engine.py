"""The rule engine: run the selected rules over a report model and produce diagnostics.

Reads nothing but the model (and, for cross-year rules, the previous year's model).  Configuration decides which
rules run and at what severity; inline suppressions are applied last and unused ones are reported.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import budget
from .checks import Finding, reads_previous
from .checks import run as run_check
from .diagnostics import Diagnostic, Edit, FileResult, Fix
from .i18n import Msg
from .model import Report
from .ruleset import Rule, closest, load_rules, resolve
from .source import ReadError, Source
from .spans import LineIndex

if TYPE_CHECKING:
    from .pipeline import Memo

# diagnostics one rule gives one file at most, when no findings-cap rule (NB008) says otherwise
FINDINGS_CAP = 100
# ``timeout`` of the lint methods when the caller gives none: the default per-file budget (None: no limit)
DEFAULT_TIMEOUT: float | None = budget.DEFAULT_SECONDS


def timeout_message(seconds: float | None) -> Msg:
    """The NB001 reason for a file whose work ran past its budget (never "no text layer" or "corrupt")."""
    return Msg("read.timeout", n=f"{seconds:g}" if seconds is not None else "?")


@dataclass
class Settings:
    """Effective options for one file (after configuration layering)."""

    select: set[str] | None = None  # None: all
    ignore: set[str] = field(default_factory=set)
    severity: dict[str, str] = field(default_factory=dict)  # code -> severity
    agency_kind: str | None = None
    lang: str = "zh"
    extend_rules: tuple[str, ...] = ()
    # publication deadlines of a scoring profile (rules/profiles/): ({"kinds": [...], "date": "MM-DD"}, …), tried
    # before the rule's own (NB504); the first entry whose kinds fit the report wins
    deadlines: tuple = ()

    def enabled(self, code: str, opt_in: frozenset = frozenset()) -> bool:
        """Whether a rule runs: selected (or, with no selection, not an opt-in rule) and not ignored."""
        if code in self.ignore:
            return False
        if self.select is None:
            return code not in opt_in
        return code in self.select


@dataclass
class Context:
    settings: Settings
    previous: Report | None = None


class Engine:
    def __init__(self, settings: Settings | None = None, rules: list[Rule] | None = None):
        self.settings = settings or Settings()
        self.rules = rules if rules is not None else load_rules(self.settings.extend_rules)
        self.opt_in = frozenset(r.code for r in self.rules if not r.enabled)
        self.by_code = {r.code: r for r in self.rules}
        self.by_kind_check = {}
        for r in self.rules:
            if r.kind == "document":
                self.by_kind_check[r.params.get("check")] = r
        # the rules that read last year's report (their kind says so): what a lint with ``previous`` adds to one
        # without it, all that ``nblint audit``'s year-pair pass runs (``lint_source(..., only=engine.cross_year)``)
        self.cross_year = frozenset(r.code for r in self.rules if reads_previous(r))

    # ------------------------------------------------------------------------------------------------------
    def lint_path(
        self,
        path: str,
        previous: str | None = None,
        settings: Settings | None = None,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        cancel: threading.Event | None = None,
        read: Callable[[str], Source] | None = None,
        facts: dict | None = None,
    ) -> FileResult:
        """Lint one file within ``timeout`` seconds (None or 0: no limit), reading last year's report too.
        ``facts``: what is known about the file besides its text (``Source.meta``: a manifest's publication date).

        ``read`` (default :func:`nblint.readers.read_path`) turns a path, this file's or last year's, into its
        :class:`Source` or raises :class:`ReadError`: ``nblint audit`` gives the text it extracted in its first pass,
        so that no file is read twice.  A time-out is an NB001 diagnostic that says so; a lint stopped through
        ``cancel`` raises :class:`budget.Timeout` (``cancelled`` set): its result is stale and nobody wants it."""
        if read is None:
            from .readers import read_path

            read = read_path
        try:
            with budget.limit(timeout or None, cancel):
                try:
                    source = read_source(path, read, facts)
                except ReadError as e:
                    return self.unreadable(path, e, settings)
                budget.check()
                return self._lint_source(source, previous_report(previous, read), settings)
        except budget.Timeout as e:
            if e.cancelled:
                raise
            return self.timed_out(path, e.seconds, settings)

    def lint_source(
        self,
        source: Source,
        previous: Report | None = None,
        settings: Settings | None = None,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        cancel: threading.Event | None = None,
        memo: Memo | None = None,
        only: frozenset[str] | None = None,
        report: Report | None = None,
    ) -> FileResult:
        """Lint a source already read, within ``timeout`` seconds (see :meth:`lint_path`); ``memo``: what the parse
        of an earlier version of this document left (:class:`nblint.pipeline.Memo`), for a quick re-lint.

        ``only``: run just these rules (NB002 still decides whether the text is a report at all; its diagnostic is
        given only when named), for a caller that has the other rules' diagnostics already (``nblint audit`` adds the
        cross-year rules, :attr:`cross_year`, once last year's report is known).  Which suppression comment is
        unused depends on every rule's findings, so a text with suppression comments is linted whole; the result's
        ``only`` says which rules it holds (None: all).  ``report``: the model of ``source`` when the caller has
        parsed it already (:func:`parse`; the audit parses a report once for both its years' pairs)."""
        try:
            with budget.limit(timeout or None, cancel):
                return self._lint_source(source, previous, settings, memo, only, report)
        except budget.Timeout as e:
            if e.cancelled:
                raise
            return self.timed_out(source.path, e.seconds, settings)

    def timed_out(self, path: str, seconds: float | None, settings: Settings | None = None) -> FileResult:
        """The result for a file whose work ran past its budget: NB001 at 1:1 saying it timed out."""
        res = self.unreadable(path, ReadError(timeout_message(seconds)), settings)
        res.meta["timed_out"] = True
        return res

    def unreadable(self, path: str, e: ReadError, settings: Settings | None = None) -> FileResult:
        s = settings or self.settings
        rule = self.by_kind_check.get("readable")
        diags = []
        if rule and s.enabled(rule.code, self.opt_in):
            msg = rule.render({"reason": e.text(s.lang)}, s.lang)
            diags.append(
                Diagnostic(
                    path,
                    rule.code,
                    rule.name,
                    s.severity.get(rule.code, rule.severity),
                    msg,
                    e.line,
                    e.col,
                    e.line,
                    e.col,
                )
            )
        return FileResult(path, diags, {"readable": False})

    def _lint_source(
        self,
        source: Source,
        previous: Report | None = None,
        settings: Settings | None = None,
        memo: Memo | None = None,
        only: frozenset[str] | None = None,
        report: Report | None = None,
    ) -> FileResult:
        with _set_aside():
            return self._lint_read(source, previous, settings, memo, only, report)

    def _lint_read(
        self,
        source: Source,
        previous: Report | None,
        settings: Settings | None,
        memo: Memo | None,
        only: frozenset[str] | None,
        report: Report | None,
    ) -> FileResult:
        s = settings or self.settings
        if only is not None and has_suppressions(source):
            only = None  # NB009 needs every rule's findings
        if report is None:
            report = parse(source, memo)
        budget.check()
        if s.agency_kind:
            report.agency_kind = s.agency_kind
        ctx = Context(s, previous)
        diags: list[Diagnostic] = []
        gate = self.by_kind_check.get("annual-report")
        not_a_report = next(run_check(gate, report, ctx), None) if gate is not None else None
        if gate is not None and not_a_report is not None:
            # NB002 decides whether the text is an annual report at all: if not, no other rule runs
            if s.enabled(gate.code, self.opt_in) and (only is None or gate.code in only):
                diags.append(self._diagnostic(gate, not_a_report, report, s))
        else:
            cap = self.findings_cap()
            for rule in self.rules:
                if rule is gate or not s.enabled(rule.code, self.opt_in) or not self._applies(rule, report):
                    continue
                if only is not None and rule.code not in only:
                    continue
                budget.check()
                found = iter(run_check(rule, report, ctx))
                for f in itertools.islice(found, cap):
                    diags.append(self._diagnostic(rule, f, report, s))
                first_left = next(found, None)
                if first_left is not None:  # a flood (a heading pasted 50,000 times): the rest in one diagnostic
                    left = 1 + sum(1 for _ in found)
                    diags += self._capped(rule, first_left, left, cap, report, s)
        budget.check()
        diags = apply_suppressions(diags, source, self, s)
        diags.sort(key=Diagnostic.sort_key)
        return FileResult(source.path, diags, report.meta(), source.text, source.encoding, source.kind, report, only)

    def findings_cap(self) -> int:
        """How many diagnostics one rule gives one file at most (the ``limit`` of the findings-cap rule, NB008)."""
        rule = self.by_kind_check.get("findings-cap")
        return int(rule.params.get("limit", FINDINGS_CAP)) if rule is not None else FINDINGS_CAP

    def _capped(self, rule: Rule, first: Finding, left: int, cap: int, report: Report, s: Settings) -> list[Diagnostic]:
        """NB008 for the findings of ``rule`` beyond the cap, at the first one not listed (none when NB008 is off:
        the cap holds all the same, it keeps every output usable)."""
        note = self.by_kind_check.get("findings-cap")
        if note is None or not s.enabled(note.code, self.opt_in):
            return []
        values = {"code": rule.code, "name": rule.name, "n": left, "limit": cap}
        return [self._diagnostic(note, Finding(first.start, first.end, values), report, s)]

    @staticmethod
    def _applies(rule: Rule, report: Report) -> bool:
        """Era and agency kind: rules about the document judge it by its report year's era; the others by the
        layout it follows (a 2019 report in the pre-2019 layout is judged by the 2008 items)."""
        era = report.era if rule.kind == "document" else (report.layout or report.era)
        if not rule.applies_to(era):
            return False
        return not rule.agency_kinds or report.agency_kind in rule.agency_kinds

    def _diagnostic(self, rule: Rule, f: Finding, report: Report, s: Settings) -> Diagnostic:
        src_start, src_end = report.source_span((f.start, f.end))
        loc = report.source.location(src_start)
        end_loc = report.source.location(max(src_start, src_end))
        values = {"era": report.layout or report.era or "", **f.values}
        msg = rule.render(values, s.lang)
        extra = loc.extra()
        if f.related:
            extra["related"] = []
            label = rule.render_related(values, s.lang)
            for a, _b in f.related:
                rl = report.location(a)
                extra["related"].append({"line": rl.line, "col": rl.col, "message": label})
        fix = None
        if f.fix and rule.fixable and not report.source.editable:
            # a DOCX/PDF is not rewritten, but a person fixing it by hand wants the same advice (annotate, where)
            suggestion = rule.render_fix_title(values, s.lang)
            if suggestion:
                extra["suggestion"] = suggestion
        if f.fix and rule.fixable and report.source.editable:
            edits = []
            for a, b, text in f.fix:
                sa, sb = report.source_span((a, b))
                edits.append(Edit(sa, sb, text))
            fix = Fix(rule.render_fix_title(values, s.lang) or msg, edits)
        return Diagnostic(
            report.path,
            rule.code,
            rule.name,
            s.severity.get(rule.code, f.severity or rule.severity),
            msg,
            loc.line,
            loc.col,
            end_loc.line,
            end_loc.col,
            src_start,
            src_end,
            extra,
            fix,
            self._where(report, f, src_start, src_end),
        )

    @staticmethod
    def _where(report: Report, f: Finding, src_start: int, src_end: int) -> dict:
        """The human position (:meth:`Source.where`), plus the format's table the finding lies in ("三" for 表三):
        the DOCX's second Word table, or a table on page 3 of a PDF, is named as the format names it."""
        where = report.source.where(src_start, src_end)
        for t in report.tables.values():
            if t.span[0] <= f.start < t.span[1]:
                where["form"] = t.id
                break
        return where


def previous_report(path: str | None, read: Callable[[str], Source] | None = None) -> Report | None:
    """Last year's report for the cross-year rules (read by ``read``, default
    :func:`nblint.readers.read_path`); an unreadable one is as good as none."""
    if not path:
        return None
    if read is None:
        from .readers import read_path

        read = read_path
    try:
        return parse(read(path))
    except ReadError:
        return None


def parse(source: Source, memo: Memo | None = None) -> Report:
    from .pipeline import parse_source

    return parse_source(source, memo)


# ----------------------------------------------------------------------------------------------------------------
# Inline suppression: <!-- nblint: disable=NB207 --> … <!-- nblint: enable=NB207 -->,
# <!-- nblint: disable-next-line=NB301 -->

_SUPP = re.compile(
    r"<!--\s*nblint\s*:\s*(?P<verb>disable-next-line|disable|enable)\s*(?:=\s*(?P<codes>[A-Za-z0-9_,\s-]+?))?\s*-->"
)


@dataclass
class Suppression:
    verb: str
    codes: set[str] | None  # None = all
    line: int
    col: int
    start_line: int  # first line covered
    end_line: int  # last line covered (inclusive)
    used: bool = False
    unknown: tuple[str, ...] = ()  # identifiers that name no rule (a typo such as NB999): reported as errors


def _suppression_text(source: Source) -> str:
    return getattr(source, "original", None) or source.text


def has_suppressions(source: Source) -> bool:
    """Whether the text has an nblint suppression comment."""
    text = _suppression_text(source)
    return "nblint" in text and _SUPP.search(text) is not None


def parse_suppressions(text: str, engine: Engine) -> list[Suppression]:
    """The suppression comments of ``text``, in order, each with the lines it covers.  Linear in the number of
    comments: an ``enable`` closes the open blocks it matches through an index by code, and each block is closed
    (and leaves the index) once."""
    if "nblint" not in text:
        return []
    lines = text.split("\n")
    nlines = len(lines)
    out: list[Suppression] = []
    open_all: list[Suppression] = []  # every open block (closed ones are dropped when an enable-all clears it)
    open_any: list[Suppression] = []  # open blocks with no codes (disable = all), closed by every enable
    open_by_code: dict[str, list[Suppression]] = {}
    resolved: dict[str, set[str]] = {}
    next_line: dict[int, int] = {}
    index = LineIndex(text)

    def codes_of(ident: str) -> set[str]:
        hit = resolved.get(ident)
        if hit is None:
            hit = resolved[ident] = {r.code for r in resolve(engine.rules, ident, opt_in=True) or ()}
        return hit

    def close(sup: Suppression, line: int) -> None:
        if sup.end_line == nlines:
            sup.end_line = line

    for m in _SUPP.finditer(text):
        line, col = index.line_col(m.start())
        codes = None
        unknown: list[str] = []
        if m.group("codes"):
            codes = set()
            for ident in re.split(r"[,\s]+", m.group("codes")):
                if ident:
                    named = codes_of(ident)
                    if not named and resolve(engine.rules, ident, opt_in=True) is None:
                        unknown.append(ident)
                    codes |= named
        verb = m.group("verb")
        if unknown:
            out.append(Suppression("unknown", set(), line, col, line, line, unknown=tuple(unknown)))
            if not codes:
                continue  # nothing else named: the comment is only its typo
        if verb == "disable-next-line":
            nxt = next_line.get(line)
            if nxt is None:
                nxt = line + 1
                while nxt <= nlines and not lines[nxt - 1].strip():
                    nxt += 1
                next_line[line] = nxt
            out.append(Suppression(verb, codes, line, col, nxt, nxt))
        elif verb == "disable":
            sup = Suppression(verb, codes, line, col, line, nlines)
            out.append(sup)
            open_all.append(sup)
            if codes is None:
                open_any.append(sup)
            else:
                for c in codes:
                    open_by_code.setdefault(c, []).append(sup)
        elif codes is None:  # enable: closes every open block
            for sup in open_all:
                close(sup, line)
            open_all, open_any, open_by_code = [], [], {}
        else:  # enable=codes: closes the open blocks that share a code, and the blocks of all codes
            for sup in open_any:
                close(sup, line)
            open_any = []
            for c in codes:
                for sup in open_by_code.pop(c, ()):
                    close(sup, line)
    return out


def apply_suppressions(diags: list[Diagnostic], source: Source, engine: Engine, s: Settings) -> list[Diagnostic]:
    sups = parse_suppressions(_suppression_text(source), engine)
    if not sups:
        return diags
    kept = []
    for d in diags:
        hit = None
        for sup in sups:
            if sup.unknown:
                continue
            if sup.start_line <= d.line <= sup.end_line and (sup.codes is None or d.code in sup.codes):
                hit = sup
                break
        if hit:
            hit.used = True
        else:
            kept.append(d)
    rule = engine.by_kind_check.get("unused-suppression")
    if rule and s.enabled(rule.code, engine.opt_in):
        for sup in sups:
            severity = s.severity.get(rule.code, rule.severity)
            if sup.unknown:  # a code that names no rule: an error that names it (and the closest rule)
                close = [closest(engine.rules, ident) for ident in sup.unknown]
                hint = ", ".join(c for c in close if c)
                values = {"variant": "unknown-hint" if hint else "unknown", "codes": ",".join(sup.unknown)}
                msg = rule.render({**values, "hint": hint}, s.lang)
                severity = s.severity.get(rule.code, "error")
            elif not sup.used:
                codes = ",".join(sorted(sup.codes)) if sup.codes else "all"
                msg = rule.render({"codes": codes}, s.lang)
            else:
                continue
            kept.append(
                Diagnostic(source.path, rule.code, rule.name, severity, msg, sup.line, sup.col, sup.line, sup.col)
            )
    return kept


def read_source(path: str, read: Callable[[str], Source], facts: dict | None = None) -> Source:
    """``read(path)`` with what is known about the file besides its text (``facts``: a manifest's publication date)
    in its ``meta``; ReadError as ``read`` raises it."""
    source = read(path)
    if facts:
        source.meta.update(facts)
    return source


@contextlib.contextmanager
def _set_aside() -> Iterator[None]:
    """Set the objects alive before a lint (the engine, the source's text, offset map and reader objects) aside from
    the cyclic garbage collector while it runs (``gc.freeze``), and give them back after (``gc.unfreeze``; both are
    constant-time).  A large document otherwise costs a full collection over them again and again: half the lint
    of a DOCX with 50,000 table cells.  Objects made by the lint are collected as usual."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
