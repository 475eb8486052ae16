"""``nblint audit``: lint thousands of published reports at once, for supervisors.

Two passes over a process pool (one :class:`~nblint.engine.Engine` per worker, built in the worker initializer;
workers get paths, never contents, and results stream back as they are done; a worker killed by the system
costs only the file it was on, see ``_ProcessPool``):

1. *lint* every file on its own; its result carries the report's agency and year;
2. *pairs*: once every agency and year is known, each report whose agency has a report for the year before is
   linted again with that report, and only the rules that read last year's report run (``Engine.cross_year``:
   NB305, NB306, NB503, NB512, as their check kinds say), on the models the first pass parsed: each worker keeps
   them in its own file in the audit's temporary folder (never through the pool's pipes; a worker on another
   machine sends them back instead).  Their diagnostics
   are merged into the first pass's result, in the order one lint with ``previous=`` gives (a text with
   suppression comments is linted whole: which comment is unused depends on every rule).  A task holds the
   pairs of one agency, so a report that is this year's of one pair and last year's of another, or last year's
   of several copies, is loaded once.

The first pass lints instead of only parsing for agency and year because with this pipeline parsing is most of a
lint: linting first and running the cross-year rules of the paired reports on the kept models costs one lint a
report plus a model load (a tenth of a parse) and the cross-year rules per paired report.  The first-pass results of reports with a known agency wait in a temporary file (not
in memory) until the pairs are known; reports without one are final at once, unless the copying pass (NB511) makes
every report wait for all the others.  A worker pickles its result itself and the parent writes those bytes to the
file as they are and loads them once, when the report is final: one spill, no pickling in the parent.  Workers
live for both passes.

Results are written as they arrive — JSON Lines (one record per diagnostic) and CSV (one row per report) — and
only a small summary per report (plus a capped number of source lines) is kept for the HTML page written at the
end (:mod:`nblint.app.audit_html`).  A file that cannot be read is an NB001 row; an internal error or a time-out in a
worker is a row with ``error`` set; neither stops the run.

The module is imported at every CLI start (to build the parser), so it imports nothing heavy at module level.
"""

from __future__ import annotations

import os
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..i18n import t

if TYPE_CHECKING:
    from .audit_html import HtmlCollector

SEVERITY_ORDER = ("error", "warning", "info")
INTERNAL_ERROR = "internal-error"  # the code of the one JSONL record written for a file whose lint crashed

MAX_SNIPPETS_PER_REPORT = 50  # source lines a worker sends back per report (for the HTML details)
MAX_SNIPPET_CHARS = 240  # characters of one source line kept around the diagnostic's column
MAX_HTML_DETAILS = 20_000  # diagnostics (with their source lines) kept in memory for the HTML page
DEFAULT_TIMEOUT = 120.0  # seconds one file may take in a worker
MAX_ERRORS_SHOWN = 10  # internal errors printed one by one on stderr


def add_arguments(p) -> None:
    p.add_argument("paths", nargs="+", metavar="DIR", help=t("help.audit.paths"))
    p.add_argument("--jobs", "-j", type=int, default=None, help=t("help.audit.jobs"))
    p.add_argument("--html", metavar="OUT.html", help=t("help.audit.html"))
    p.add_argument("--csv", metavar="OUT.csv", help=t("help.audit.csv"))
    p.add_argument("--jsonl", metavar="OUT.jsonl", help=t("help.audit.jsonl"))
    p.add_argument(
        "--no-pairing",
        action="store_true",
        help=t("help.audit.no-pairing"),
    )
    p.add_argument("--no-copying", action="store_true", help=t("help.audit.no-copying"))
    p.add_argument("--select", help=t("help.select"))
    p.add_argument("--ignore", help=t("help.ignore"))
    p.add_argument("--lang", choices=["zh", "en"], help=t("help.lang"))
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=t("help.audit.timeout", n=DEFAULT_TIMEOUT),
    )
    p.add_argument("--quiet", "-q", action="store_true", help=t("help.audit.quiet"))
    p.add_argument("--manifest", metavar="FILE.csv", help=t("help.audit.manifest"))
    p.add_argument("--expect", metavar="FILE", help=t("help.audit.expect"))
    p.add_argument("--profile", metavar="NAME", help=t("help.audit.profile"))
    p.add_argument("--scheduler", metavar="dask|tcp://HOST:PORT", help=t("help.audit.scheduler"))


# ----------------------------------------------------------------------------------------------------------------
# Agencies and years


def agency_key(name: str | None) -> str | None:
    """The name an agency is grouped by: NFKC (full-width forms → ASCII) without any white space.

    Nothing else is dropped: 某某市人民政府办公室 and 某某市人民政府 are different agencies."""
    if not name:
        return None
    return _agency_key(name)


@lru_cache(maxsize=65536)
def _agency_key(name: str) -> str | None:  # an audit asks for each report's key several times; agencies repeat
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)) or None


# A longer name that is a shorter one with the higher administrative divisions in front
# (淮安市洪泽区人民政府 ⊃ 洪泽区人民政府): the same agency, named in full.
def _division_patterns():
    """(division end, a run of higher divisions, a place name) from grammar/meta.yaml."""
    from .. import data

    meta = data.load_yaml("grammar/meta.yaml")
    higher, place = meta["higher-division-end"], meta["place-name-end"]
    return (
        re.compile(higher),
        re.compile(rf"(?:[\u4e00-\u9fff]{{1,10}}?(?:{higher}))+"),
        re.compile(rf"^[\u4e00-\u9fff]{{1,10}}?(?:{place})"),
    )


def canonical_agencies(keys: Iterable[str]) -> dict[str, str]:
    """Map each agency key to the name its reports are grouped under.

    A name that another name extends with higher divisions in front only (洪泽区人民政府 → 淮安市洪泽区人民政府) maps to
    the longest such name, when those longer names are themselves one chain (an ambiguous short name such as a
    district present in two cities stays on its own).  Every other name maps to itself."""
    _DIVISION_END, _HIGHER_DIVISIONS, _NAMED_PLACE = _division_patterns()
    names = set(keys)
    longer: dict[str, list[str]] = defaultdict(list)  # short name -> the names that extend it
    for name in names:
        for m in _DIVISION_END.finditer(name):
            rest = name[m.end() :]
            if rest in names and _HIGHER_DIVISIONS.fullmatch(name[: m.end()]):
                longer[rest].append(name)
    out = {}
    for name in names:
        out[name] = name
        if name in longer and _NAMED_PLACE.match(name):
            top = max(longer[name], key=len)
            if all(top.endswith(n) for n in longer[name]):
                out[name] = top
    return out


def pair_years(entries: Iterable[tuple[str, str | None, int | None]]) -> dict[str, str]:
    """``{path: previous path}`` for every report whose agency has a report for the year before.

    ``entries``: (path, agency, year) with the agency already canonical.  When the agency has several reports for
    the year before (copies in several formats or places), the one in the same directory and of the same format
    is preferred, then the first in sort order."""
    by_key: dict[tuple[str, int], list[str]] = defaultdict(list)
    known = [(p, a, y) for p, a, y in entries if a and y]
    for path, agency, year in known:
        by_key[(agency, year)].append(path)
    best: dict[tuple[str, int], dict] = {}  # per agency and year: the first path by (folder, format), folder, format

    def first_of(key: tuple[str, int]) -> dict:
        hit = best.get(key)
        if hit is None:
            hit = best[key] = {}
            for c in sorted(by_key[key], reverse=True):  # the first in sort order is written last
                d, e = _where(c)
                hit[(d, e)] = hit[(d, None)] = hit[(None, e)] = hit[(None, None)] = c
        return hit

    pairs = {}
    for path, agency, year in known:
        if (agency, year - 1) in by_key:
            hit = first_of((agency, year - 1))
            here, ext = _where(path)
            pairs[path] = hit.get((here, ext)) or hit.get((here, None)) or hit.get((None, ext)) or hit[(None, None)]
    return pairs


def _where(path: str) -> tuple[str, str]:
    """A path's folder and format (its extension in lower case)."""
    return os.path.split(path)[0], os.path.splitext(path)[1].lower()


def missing_years(entries: Iterable[tuple[str | None, int | None]]) -> list[dict]:
    """Agencies with gaps between their first and last year: [{agency, first, last, years, missing}]."""
    years: dict[str, set[int]] = defaultdict(set)
    for agency, year in entries:
        if agency and year:
            years[agency].add(year)
    out: list[dict] = []
    for agency, ys in years.items():
        gap = [y for y in range(min(ys), max(ys) + 1) if y not in ys]
        if gap:
            out.append({"agency": agency, "first": min(ys), "last": max(ys), "years": sorted(ys), "missing": gap})
    out.sort(key=lambda r: (-len(r["missing"]), r["agency"]))
    return out


# ----------------------------------------------------------------------------------------------------------------
# Worker side: one Engine per process, built once by the initializer.

_ENGINE = None
_TIMEOUT: float | None = None
_FACTS: dict[str, dict] = {}  # a manifest's facts by file (nblint.app.manifest.file_key)
_COPYING = False  # send each report's clauses back for the copying pass (nblint.app.copying)


def _init_worker(settings, timeout: float | None, facts: dict | None = None, copying: bool = False) -> None:
    """Build the worker's engine.  Each file then runs under a time budget of ``timeout`` seconds (nblint.budget:
    cooperative checks between steps, plus its backstop alarm in a worker's main thread for a step that cannot
    check); a file that runs out is an NB001 time-out row, whatever its format."""
    global _ENGINE, _TIMEOUT, _FACTS, _COPYING
    from ..settings import Workspace

    _ENGINE = Workspace(settings)  # resolves each file's project configuration, like `nblint check`
    _TIMEOUT = timeout or None
    _FACTS = facts or {}
    _COPYING = copying


def _error_text(e: BaseException) -> str:
    return f"{type(e).__name__}: {e}" if str(e) else type(e).__name__


def _lint_one(task: tuple) -> dict:
    """Lint one file into a small, picklable summary.

    ``task``: (path, previous[, keep]).  With ``keep`` (the folder the audit keeps reports in), a report the pair
    pass may need is kept there for it: its parsed model, else the reader's :class:`Source` (see :func:`_keep`);
    the summary says where (``_kept``: (file, offset, size)), so that the pair pass reads no report file a second
    time and parses no report again."""
    path, previous = task[0], task[1]
    keep = task[2] if len(task) > 2 else None
    assert _ENGINE is not None, "the worker's initializer has not run"
    facts = None
    if _FACTS:
        from .manifest import file_key

        facts = _FACTS.get(file_key(path))
    read = _Reader({}, bool(keep))
    try:
        engine, settings = _ENGINE.resolve(path)
        res = engine.lint_path(path, previous=previous, settings=settings, timeout=_TIMEOUT, read=read, facts=facts)
    except Exception as e:
        return _report(path, previous, {}, [], error=_error_text(e))
    rep = _report(path, previous, res.meta, res.diagnostics, res.source_text)
    if _COPYING:
        from .copying import fingerprint

        rep["copying"] = fingerprint(res, engine, settings)
    if path in read.kept and rep["year"] is not None and agency_key(rep["agency_raw"]) is not None:
        packed = (pack_model(res.report) if res.report is not None else None) or pack_source(read.kept[path])
        rep["_kept"] = _keep(str(keep), packed)
    return rep


def _lint_first(task: tuple) -> tuple[dict, bytes]:
    """:func:`_lint_one` for the audit's own first pass: (head, body).  ``head`` is what the parent keeps in memory
    (file, agency, year, where the report is kept, its clauses' hashes for the copying pass); ``body`` is the rest
    of the result pickled here, ``(report dict, its clauses' lines and columns)``, which the parent writes to its
    spill file as it is and loads once, when it yields the report (no pickling of results in the parent)."""
    import pickle

    rep = _lint_one(task)
    fp = rep.pop("copying", None)
    at = None
    if fp is not None:  # arrays as (dtype, bytes): a tenth of the cost of pickling and loading NumPy arrays
        from .copying import flat

        at = (flat(fp.pop("lines")), flat(fp.pop("cols")))
        fp["hashes"], fp["lengths"] = flat(fp["hashes"]), flat(fp["lengths"])
    head = {"file": rep["file"], "agency_raw": rep["agency_raw"], "year": rep["year"], "_kept": rep.pop("_kept", None)}
    head["copying"] = fp
    return head, pickle.dumps((rep, at), pickle.HIGHEST_PROTOCOL)


_KEPT: dict[str, int] = {}  # this process's file of kept reports in an audit's folder -> its descriptor


def _forget(folder: str) -> None:
    """Close this process's files of kept reports in ``folder`` (the audit is over)."""
    for name in [n for n in _KEPT if os.path.dirname(n) == folder]:
        os.close(_KEPT.pop(name))


def _keep(folder: str, packed: bytes) -> tuple[str, int, int] | bytes:
    """Write ``packed`` to this process's file in the audit's ``folder``: (file, offset, size).  A worker on
    another machine (Dask over tcp://) has no such folder: the bytes go back to the parent instead."""
    if not os.path.isdir(folder):
        return packed
    name = os.path.join(folder, f"kept-{os.getpid()}")
    fd = _KEPT.get(name)
    if fd is None:
        fd = _KEPT[name] = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    off = os.lseek(fd, 0, os.SEEK_END)
    view = memoryview(packed)
    while view:
        view = view[os.write(fd, view) :]
    return (name, off, len(packed))


PAIRS = "pairs"  # the first item of a pair-pass task: (PAIRS, [(path, previous), ...], {path: (file, offset, size)})


def _lint_pairs(task: tuple) -> list[dict]:
    """The year-pair pass for a few reports of one agency: each report is linted again with last year's, running
    only the rules that read last year's report (``Engine.cross_year``).  Each result holds those rules'
    diagnostics (``only``: their codes), to be merged into the first pass's result by the parent; a text with
    suppression comments is linted whole (``only`` None: the result replaces the first).

    ``task``: (PAIRS, [(path, previous), ...], {path: where the first pass kept it}).  Each report is loaded (or
    read and parsed) once for the task, whether it is this year's or last year's of a pair, and dropped once its
    last pair is done."""
    pairs, stored = task[1], task[2]
    assert _ENGINE is not None, "the worker's initializer has not run"
    read = _Reader(stored, False)
    left = Counter(p for pair in pairs for p in pair)  # pairs still to come that need each report
    models: dict[tuple[str, bool], Any] = {}  # (path, with the manifest's facts) -> Report (None: unreadable)
    out = []
    for path, previous in pairs:
        facts = None
        if _FACTS:
            from .manifest import file_key

            facts = _FACTS.get(file_key(path))
        try:
            engine, settings = _ENGINE.resolve(path)
            res = _lint_pair(engine, settings, path, previous, facts, read, models)
        except Exception as e:
            out.append(_report(path, previous, {}, [], error=_error_text(e)))
        else:
            rep = _report(path, previous, res.meta, res.diagnostics, res.source_text)
            rep["only"] = sorted(res.only) if res.only is not None else None
            out.append(rep)
        for p in (path, previous):
            left[p] -= 1
            if not left[p]:
                models.pop((p, False), None)
                models.pop((p, True), None)
    return out


def _lint_pair(engine, settings, path, previous, facts, read, models):
    """One pair of :func:`_lint_pairs` under the file's time budget, with the models parsed so far."""
    from .. import budget
    from ..engine import parse, previous_report, read_source
    from ..source import ReadError

    try:
        with budget.limit(_TIMEOUT):
            for p in (path, previous):  # the models the first pass kept: this year's and last year's alike
                if (p, True) not in models and (p, False) not in models:
                    kept = read.load(p)
                    if kept is not None and kept[0] == "model":
                        models[(p, True)] = models[(p, False)] = kept[1]
            key = (path, bool(facts))
            if key not in models:
                try:
                    source = read_source(path, read, facts)
                except ReadError as e:
                    return engine.unreadable(path, e, settings)
                models[key] = parse(source)
            report = models[key]
            budget.check()
            if (previous, False) not in models:  # last year's report as `nblint check --previous` reads it
                models[(previous, False)] = previous_report(previous, read)
            return engine.lint_source(
                report.source, models[(previous, False)], settings, timeout=None, only=engine.cross_year, report=report
            )
    except budget.Timeout as e:
        return engine.timed_out(path, e.seconds, settings)


MAX_PAIRS_PER_TASK = 32  # pairs of one agency linted by one task (its reports parsed once for all of them)


def _pair_batches(pairs: dict[str, str], agency_of: dict[str, str]) -> list[tuple[list[tuple[str, str]], set[str]]]:
    """The pair-pass tasks: each agency's pairs in order of last year's report (a report that is last year's of
    several is parsed once), cut into tasks of at most MAX_PAIRS_PER_TASK; each with the set of files it reads."""
    by_agency: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for f, prev in pairs.items():
        by_agency[agency_of[f]].append((f, prev))
    out = []
    for agency in sorted(by_agency):
        ps = sorted(by_agency[agency], key=lambda fp: (fp[1], fp[0]))
        for i in range(0, len(ps), MAX_PAIRS_PER_TASK):
            batch = ps[i : i + MAX_PAIRS_PER_TASK]
            out.append((batch, {p for pair in batch for p in pair}))
    out.sort(key=lambda b: -len(b[0]))  # the longest first: the last tasks do not leave a core idle
    return out


def _merge(first: dict, second: dict) -> dict:
    """A paired report's final result from its first-pass result and its pair-pass result (see :func:`_lint_pairs`):
    the cross-year rules' diagnostics in their places among the others (ordered as one lint orders them: line,
    column, code; a rule's own in its order), or the pair pass's whole result when it linted the text whole.
    With an error in the pair pass, the first pass's result stands with the error; after a time-out it stands
    alone."""
    if second["error"]:
        return {**first, "previous": second["previous"], "error": second["error"]}
    if second["timed_out"]:
        return first
    if second.get("only") is None:  # linted whole: it replaces the first (which alone has the clauses of NB511)
        rep = {**second, "copying": first.get("copying")} if "copying" in first else dict(second)
        rep.pop("only", None)
        return rep
    only = set(second["only"])
    diags = [d for d in first["diagnostics"] if d["code"] not in only] + second["diagnostics"]
    diags.sort(key=lambda d: (d["line"], d["col"], d["code"]))  # stable: Diagnostic.sort_key within one file
    for d in diags[MAX_SNIPPETS_PER_REPORT:]:
        d["source"] = None
    counts = Counter(d["severity"] for d in diags)
    return {
        **first,
        "previous": second["previous"],
        "diagnostics": diags,
        "counts": {sev: counts.get(sev, 0) for sev in SEVERITY_ORDER},
    }


PACK_PLAIN_BELOW = 65_536  # bytes of a pickle kept as they are (compressing a small text costs more CPU)


def _pack(tag: bytes, data: bytes) -> bytes:
    import zlib

    return tag + data if len(data) < PACK_PLAIN_BELOW else tag.upper() + zlib.compress(data, 1)


def pack_source(source) -> bytes:
    """A reader's Source as bytes (its fields only: no cached line index): pickled, and compressed when large (a
    PDF's character boxes; a typical text report is a few kilobytes)."""
    import dataclasses
    import pickle

    return _pack(b"s", pickle.dumps(dataclasses.replace(source), pickle.HIGHEST_PROTOCOL))


KEPT_VIEWS = ("prose",)  # derived views kept with a model: the masked prose (NB503 and NB511, nblint.similarity)


def pack_model(report) -> bytes | None:
    """A report's model as bytes, without the views its rules derived (``Report.cache``) but those of KEPT_VIEWS,
    or None when it cannot be pickled.  Loading it costs a tenth of parsing the text again (0.13 against 2.2 ms a
    text report), and it lints exactly as a new parse of its text (the model of the first pass, with a manifest's
    facts).  The masked prose the copying pass made is kept: the pair pass's NB503 would make it again for this
    year's report and last year's (masking is most of NB503's time)."""
    import pickle

    cache = report.cache
    report.cache = {k: cache[k] for k in KEPT_VIEWS if k in cache}
    try:
        return _pack(b"m", pickle.dumps(report, pickle.HIGHEST_PROTOCOL))
    except Exception:  # an object a reader left that does not pickle: the text goes instead
        return None
    finally:
        report.cache = cache


def unpack(data: bytes) -> tuple[str, Any]:
    """("source", Source) or ("model", Report) from :func:`pack_source` / :func:`pack_model`."""
    import pickle
    import zlib

    tag, body = data[:1], memoryview(data)[1:]
    obj = pickle.loads(zlib.decompress(body) if tag.isupper() else body)
    return ("model" if tag.lower() == b"m" else "source"), obj


def unpack_source(data: bytes):
    """The Source of :func:`pack_source` (or of the model of :func:`pack_model`)."""
    kind, obj = unpack(data)
    return obj.source if kind == "model" else obj


class _Reader:
    """The ``read`` hook of :meth:`Engine.lint_path` for one task: the reports kept by the first pass where there
    are some (``stored``: path -> (file, offset, size)), the file otherwise; with ``keep``, what it read is also
    kept (``kept``: path -> Source)."""

    def __init__(self, stored: dict[str, tuple[str, int, int]] | None, keep: bool):
        self.spans = stored or {}
        self.keep = keep
        self.kept: dict = {}

    def load(self, path: str) -> tuple[str, Any] | None:
        """What the first pass kept of ``path`` (see :func:`unpack`), or None."""
        if path in self.spans:
            where, off, size = self.spans[path]
            try:
                with open(where, "rb") as f:
                    return unpack(os.pread(f.fileno(), size, off))
            except OSError:  # a worker on another machine (Dask over tcp://) has no access to the audit's folder
                pass
        return None

    def __call__(self, path: str):
        kept = self.load(path)
        if kept is not None:
            return kept[1].source if kept[0] == "model" else kept[1]
        from ..readers import read_path

        src = read_path(path)
        if self.keep:
            self.kept[path] = src
        return src


def _report(path, previous, meta, diagnostics, text=None, error=None) -> dict:
    diags = []
    for i, d in enumerate(diagnostics):
        diags.append(
            {
                "code": d.code,
                "name": d.name,
                "severity": d.severity,
                "line": d.line,
                "col": d.col,
                "end_line": d.end_line,
                "end_col": d.end_col,
                "message": d.message,
                "where": d.where,
                "source": _snippet(text, d) if text is not None and i < MAX_SNIPPETS_PER_REPORT else None,
            }
        )
    counts = Counter(d["severity"] for d in diags)
    return {
        "file": path,
        "agency": None,  # the canonical name, filled in by the parent
        "agency_raw": meta.get("agency"),
        "year": meta.get("year"),
        "era": meta.get("era"),
        "title": meta.get("title"),
        "agency_source": meta.get("agency_source"),
        "level": meta.get("level"),
        "published": meta.get("published"),  # {date, origin} or None
        "previous": previous,
        "readable": meta.get("readable", True) if error is None else None,
        "timed_out": bool(meta.get("timed_out")),
        "error": error,
        "counts": {s: counts.get(s, 0) for s in SEVERITY_ORDER},
        "diagnostics": diags,
    }


def _snippet(text: str, d) -> dict | None:
    """The source line a diagnostic points to, from the reader's text: {text, start, end, cut}, where start/end
    delimit the highlighted span within ``text`` and ``cut`` is how many characters were dropped in front of a
    long line.  The diagnostic's offset finds the line (for HTML sources d.line counts lines of the HTML file,
    while the reader's text is the extracted one); without an offset, d.line and d.col are used."""
    if d.offset or d.end_offset:
        off = min(d.offset, len(text))
        a = text.rfind("\n", 0, off) + 1
        b = text.find("\n", off)
        b = len(text) if b < 0 else b
        line, start, end = text[a:b], off - a, min(max(d.end_offset, d.offset), b) - a
    else:
        lines = text.split("\n", d.line)  # split only as far as the line needed
        if not 1 <= d.line <= len(lines):
            return None
        line, start = lines[d.line - 1], d.col - 1
        end = d.end_col - 1 if d.end_line == d.line else len(line)
    line = line.rstrip("\r")
    start = max(0, min(start, len(line)))
    end = max(start, min(end, len(line)))
    cut = 0
    if len(line) > MAX_SNIPPET_CHARS:  # keep a window around the span
        cut = max(0, min(start - MAX_SNIPPET_CHARS // 3, len(line) - MAX_SNIPPET_CHARS))
        line = line[cut : cut + MAX_SNIPPET_CHARS]
    return {"text": line, "start": start - cut, "end": min(end - cut, len(line)), "cut": cut}


# ----------------------------------------------------------------------------------------------------------------
# Parent side


class _InProcess:
    """The pool interface, in this process (--jobs 1): simpler to debug and to profile."""

    def __init__(self, initializer, initargs):
        initializer(*initargs)

    def imap_unordered(self, fn, it, chunksize=1):
        return map(fn, it)

    def close(self) -> None:
        pass


def _crashed(task: tuple) -> dict | list[dict]:
    """The error row of a task whose worker died: a first-pass task (path, previous[, keep[, stored]]) gives one, a
    pair-pass task (PAIRS, pairs, stored) one per pair (the first pass's results stand, with the error)."""
    if task[0] == PAIRS:
        why = "the worker process died while comparing this report, or another of its agency, with last year's"
        return [_report(path, previous, {}, [], error=f"{why} ({_DEATH})") for path, previous in task[1]]
    path, previous = task[0], task[1]  # see _lint_one
    return _report(path, previous, {}, [], error=f"the worker process died on this file ({_DEATH})")


_DEATH = "killed by the system: out of memory, or a crash in a library"


class _ProcessPool:
    """Worker processes that survive a worker killed by the system (out of memory, a crash in a C library), where
    ``multiprocessing.Pool`` would wait for the lost work forever.  Files run in parallel in order; when the pool
    breaks, the files that were in flight run again one at a time, so that a file that kills its worker again
    becomes an internal-error row (``on_crash``), and the rest continue in parallel."""

    def __init__(self, jobs: int, initializer, initargs, on_crash):
        self.jobs, self.initializer, self.initargs, self.on_crash = jobs, initializer, initargs, on_crash
        self.executors: list = []
        self.ready = None  # the executor of the last call, kept for the next (its workers and their warm caches)

    def _executor(self, n: int):
        from concurrent.futures import ProcessPoolExecutor

        ex = ProcessPoolExecutor(max_workers=n, initializer=self.initializer, initargs=self.initargs)
        self.executors.append(ex)
        return ex

    def imap_unordered(self, fn, tasks, chunksize=1):
        from concurrent.futures.process import BrokenProcessPool

        pending = list(tasks)
        while pending:
            ex, self.ready = self.ready or self._executor(self.jobs), None
            done = 0
            try:
                for res in ex.map(fn, pending, chunksize=chunksize):
                    done += 1
                    yield res
                pending = []
                self.ready = ex
            except BrokenProcessPool:
                ex.shutdown(wait=False, cancel_futures=True)
                in_flight = pending[done : done + self.jobs * chunksize]
                pending = pending[done + len(in_flight) :]
                single = self._executor(1)
                for task in in_flight:
                    try:
                        yield single.submit(fn, task).result()
                    except BrokenProcessPool:
                        yield self.on_crash(task)
                        single.shutdown(wait=False, cancel_futures=True)
                        single = self._executor(1)
                single.shutdown(wait=True)

    def close(self, wait: bool = True) -> None:
        for ex in self.executors:
            ex.shutdown(wait=wait, cancel_futures=not wait)
        self.executors = []
        self.ready = None


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _chunksize(n: int, jobs: int) -> int:
    # big enough that the per-task overhead vanishes, small enough that the progress bar moves and the last
    # chunks do not leave a core idle
    return max(1, min(32, n // (jobs * 16)))


class Progress:
    """A one-line progress bar with rate and ETA on a TTY; silent otherwise."""

    def __init__(self, label: str, total: int, stream=None, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.label, self.total, self.done = label, total, 0
        self.t0 = self.last = time.monotonic()

    def update(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last >= 0.1 or self.done >= self.total:
            self.last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = max(now - self.t0, 1e-9)
        rate = self.done / elapsed
        frac = self.done / self.total if self.total else 1.0
        width = 24
        bar = "#" * int(frac * width) + "." * (width - int(frac * width))
        eta = (self.total - self.done) / rate if rate > 0 else 0
        self.stream.write(
            f"\r{self.label:<5} [{bar}] {self.done}/{self.total} {frac:4.0%} {rate:7.1f}/s "
            f"ETA {_hms(eta)}  elapsed {_hms(elapsed)}\x1b[K"
        )
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()


def _hms(s: float) -> str:
    s = int(s + 0.5)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


class Audit:
    """One audit run.  Iterate it for the per-report dicts (in completion order); afterwards ``files``,
    ``pairs`` and :meth:`missing_years` describe the run.

    Each dict: file, agency (canonical name), agency_raw, year, era, title, previous (the path paired as last
    year's report, or None), readable, error (internal error or time-out, else None), counts {error, warning,
    info} and diagnostics [{code, name, severity, line, col, end_line, end_col, message, source}], where
    ``source`` is the line pointed to ({text, start, end, cut}) for the first few diagnostics of a report."""

    def __init__(
        self,
        paths: Iterable[str],
        jobs: int | None = None,
        previous_pairing: bool = True,
        settings=None,
        timeout: float = DEFAULT_TIMEOUT,
        progress: bool | None = False,
        facts: dict | None = None,
        profile=None,
        lang: str = "zh",
        scheduler: str | None = None,
        copying: bool = False,
        workspace=None,
    ):
        self.paths = [str(p) for p in paths]
        self.facts = facts or {}  # a manifest's facts by file (nblint.app.manifest)
        self.profile = profile  # nblint.profiles.Profile: a score per report
        self.lang = lang
        self.scheduler = scheduler  # None: local processes; "dask" or tcp://HOST:PORT: Dask distributed
        self.duplicates: dict[str, list[str]] = {}
        # resolves a file's settings for the audit-level rules (NB509): the caller's, with what it resolved already
        self._workspace: Any = workspace
        self.copying = copying  # the copying pass (NB511, nblint.app.copying) runs over the reports
        self.jobs = max(1, jobs or default_jobs())
        self.previous_pairing = previous_pairing
        self.settings = settings  # nblint.settings.Flags (None: none), applied over each file's configuration
        self.timeout = timeout
        self.progress = progress
        self.files: list[str] = []
        self.pairs: dict[str, str] = {}
        self.canonical: dict[str, str] = {}
        self._agency_years: list[tuple[str | None, int | None]] = []

    def _pool(self, n: int):
        args = (self.settings, self.timeout, self.facts, self.copying)
        if self.scheduler:
            from .distributed import DaskPool

            return DaskPool(self.scheduler, self.jobs, _init_worker, args)
        if self.jobs == 1 or n <= 1:
            return _InProcess(_init_worker, args)
        return _ProcessPool(min(self.jobs, n), _init_worker, args, _crashed)

    def __iter__(self) -> Iterator[dict]:
        """The reports in this order: those without an agency as they come in (at once, unless the copying pass
        makes every report wait), then those not paired with last year's in the order they came in, then the
        paired ones by file name.  Every result waits in one spill file as the worker pickled it
        (:func:`_lint_first`) and is loaded once, when it is yielded."""
        import tempfile

        from .cli import discover

        self.files = files = self._included(discover(self.paths))
        if not files:
            return
        pool = self._pool(len(files))
        finished = False
        # results wait until every agency and year is known (for the pairs and the duplicates) and, with the
        # copying pass, until every report is in
        spill = tempfile.TemporaryFile(prefix="nblint-audit-")
        # the reports the first pass parsed, kept by the workers (each in its own file) for the pair pass
        kept = tempfile.TemporaryDirectory(prefix="nblint-audit-kept-") if self.previous_pairing else None
        kept_at: dict[str, tuple[str, int, int]] = {}  # file -> (file it is kept in, offset, size)
        own = None  # the parent's file in ``kept``, for what a remote worker sent back
        early: list[tuple[str, tuple[int, int]]] = []  # the results without an agency (copying): file, where
        offsets: dict[str, tuple[int, int]] = {}  # file -> where its first-pass result is in the spill file
        known: list[tuple[str, str, int | None]] = []  # (file, agency key, year) of the spilled results
        clauses: dict[str, tuple[str | None, dict]] = {}  # file -> agency, clauses for the copying pass
        try:
            bar = Progress("lint", len(files), enabled=self.progress)
            first = ((f, None, kept.name if kept is not None else None) for f in files)
            for res in pool.imap_unordered(_lint_first, first, _chunksize(len(files), self.jobs)):
                bar.update()
                head, body = res if isinstance(res, tuple) else (res, None)  # a dict: the row of a crashed worker
                where = head.pop("_kept", None)
                fp = head.pop("copying", None)
                if body is None:
                    body = self._body(head)
                key = agency_key(head["agency_raw"])
                if key is None and not self.copying:
                    yield self._final(self._load(body)[0])  # no agency, nothing to pair or compare: final now
                    continue
                if fp is not None:
                    from .copying import unflat

                    fp["hashes"], fp["lengths"] = unflat(fp["hashes"]), unflat(fp["lengths"])
                    clauses[head["file"]] = (head["agency_raw"], fp)
                at = (spill.tell(), len(body))
                spill.write(body)
                if key is None:
                    early.append((head["file"], at))
                    continue
                if isinstance(where, bytes):  # from a worker without access to ``kept``: the parent keeps it
                    data, where = where, None
                    if kept is not None:
                        if own is None:
                            own = open(os.path.join(kept.name, "kept-parent"), "wb")
                        where = (own.name, own.tell(), len(data))
                        own.write(data)
                if where is not None:
                    kept_at[head["file"]] = where
                offsets[head["file"]] = at
                known.append((head["file"], key, head["year"]))
            bar.close()
            spill.flush()  # read back with os.pread
            from .evaluate import duplicates, merge_variants

            self.canonical = merge_variants(canonical_agencies(k for _, k, _ in known))
            entries = [(f, self.canonical[k], y) for f, k, y in known]
            self.pairs = pair_years(entries) if self.previous_pairing else {}
            self.duplicates = duplicates(entries)
            agency_of = {f: a for f, a, _ in entries if f in self.pairs}
            del known, entries
            single = [(f, at) for f, at in offsets.items() if f not in self.pairs]
            if not self.copying:
                for _, at in single:
                    yield self._final(self._read(spill, at)[0])
            bar = Progress("pairs", len(self.pairs), enabled=self.progress)
            if own is not None:
                own.flush()
            tasks = [
                (PAIRS, batch, {p: kept_at[p] for p in reads if p in kept_at})
                for batch, reads in _pair_batches(self.pairs, agency_of)
            ]
            del agency_of
            second: dict[str, dict] = {}  # the pair pass's results (a few diagnostics each), merged below
            for batch in pool.imap_unordered(_lint_pairs, tasks, 1):
                bar.update(len(batch))
                for rep in batch:
                    second[rep["file"]] = rep
            bar.close()
            paired = [(f, offsets[f]) for f in sorted(self.pairs)]  # in this order, whatever order they ended in
            if not self.copying:
                for _, at in paired:
                    rep = self._read(spill, at)[0]
                    yield self._final(_merge(rep, second.pop(rep["file"])))
            else:
                yield from self._copying(spill, early + single + paired, clauses, second)
            finished = True
        finally:
            spill.close()
            if own is not None:
                own.close()
            if kept is not None:
                _forget(kept.name)  # this process's own file (--jobs 1)
                kept.cleanup()
            if isinstance(pool, _InProcess):
                pool.close()
            else:  # a process pool: let it end normally, unless the run was cut short
                pool.close(wait=finished)

    @staticmethod
    def _body(rep: dict) -> bytes:
        import pickle

        return pickle.dumps((rep, None), pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def _load(body: bytes) -> tuple[dict, Any]:
        import pickle

        return pickle.loads(body)

    def _read(self, spill, at: tuple[int, int]) -> tuple[dict, Any]:
        return self._load(os.pread(spill.fileno(), at[1], at[0]))

    def _copying(
        self,
        spill,
        order: list[tuple[str, tuple[int, int]]],
        clauses: dict[str, tuple[str | None, dict]],
        second: dict[str, dict],
    ) -> Iterator[dict]:
        """The copying pass (NB511, nblint.app.copying) over every report, then each report final with its NB511
        diagnostics, in ``order`` (each file and where its result is in the spill file)."""
        from ..paths import display
        from .copying import add_findings, copying_rule, entry, findings, unflat

        rule = copying_rule()
        entries = []
        if rule is not None:  # the clauses in the order the reports are yielded
            entries = [entry({"file": f, "agency_raw": clauses[f][0]}, clauses[f][1]) for f, _ in order if f in clauses]
        found = findings(rule, entries, self.canonical)
        del entries
        for f, at in order:
            rep, where = self._read(spill, at)
            if f in second:
                rep = _merge(rep, second.pop(f))
            rep = self._final(rep, score=False)
            fp, fs = clauses.get(f), found.get(f)
            if fs:  # the lines and columns of the clauses, for the few reports with NB511
                where = (unflat(where[0]), unflat(where[1]))
            if rule:
                rep = add_findings(rule, rep, fs, fp[1] if fp else None, where, display)
            yield self._score(rep)  # NB511 counts in the score like every other finding

    def _score(self, rep: dict) -> dict:
        from .evaluate import score_report

        score_report(rep, self.profile, self.lang)
        return rep

    def _final(self, rep: dict, score: bool = True) -> dict:
        """The report as the audit yields it: its agency's canonical name, NB509 for a report of an agency and year
        that others have, and (``score``) the profile's score of its findings."""
        from .evaluate import mark_duplicate

        key = agency_key(rep["agency_raw"])
        rep["agency"] = self.canonical.get(key, key) if key is not None else None
        others = self.duplicates.get(rep["file"])
        if others:
            mark_duplicate(rep, others, self.lang, self._severity(rep["file"], "NB509"))
        self._agency_years.append((rep["agency"], rep["year"]))
        return self._score(rep) if score else rep

    def missing_years(self) -> list[dict]:
        return missing_years(self._agency_years)

    def _ws(self):
        """The workspace that resolves a file's configuration: the caller's, or one made when first needed."""
        from ..settings import Workspace

        if self._workspace is None:
            self._workspace = Workspace(self.settings)
        return self._workspace

    def _included(self, files: list[str]) -> list[str]:
        """The files to audit: one that ``exclude`` in its configuration leaves out is not audited, as in ``nblint
        check``, unless it was named itself (not found in a folder)."""
        named = set(self.paths)
        ws = self._ws()
        return [f for f in files if f in named or not ws.excluded(f)]

    def _severity(self, path: str, code: str) -> str | None:
        """The severity of an audit-level rule for one file under its configuration (None: turned off)."""
        eng, s = self._ws().resolve(path)
        rule = eng.by_code.get(code)
        if rule is None or not s.enabled(code, eng.opt_in):
            return None
        return s.severity.get(code, rule.severity)

    def name_of(self, agency: str) -> str:
        """The name an expected agency is grouped under in this run (normalised, variants merged)."""
        from .evaluate import merge_variants

        key = agency_key(agency) or agency
        if key in self.canonical:
            return self.canonical[key]
        merged = merge_variants({**self.canonical, key: key})  # 某某区 expected, 某某区人民政府 audited
        return merged[key]


def audit_paths(paths: Iterable[str], jobs: int | None = None, previous_pairing: bool = True) -> Iterator[dict]:
    """Audit every report under ``paths`` (directories are searched recursively); yields one dict per report
    as soon as it is linted (see :class:`Audit` for the keys).  For the missing-years summary as well, iterate an
    :class:`Audit` and call its ``missing_years()`` afterwards."""
    return iter(Audit(paths, jobs=jobs, previous_pairing=previous_pairing))


# ----------------------------------------------------------------------------------------------------------------
# Writers: each takes the per-report dicts as they arrive.  File names are written in their display form (bytes
# that are not UTF-8 as \xNN, nblint.paths), and the files are opened with errors="backslashreplace" as a last net:
# a name or a text that cannot be encoded never stops the run (and a writer that fails anyway costs one row, see
# ``run``).


class JsonlWriter:
    FIELDS = ("file", "agency", "year", "era", "level", "published", "score")

    def __init__(self, path: str):
        import json

        self.fh = open(path, "w", encoding="utf-8", errors="backslashreplace", newline="\n")
        # what json.dumps(..., ensure_ascii=False) builds for every call, built once (40,000 records for 10,000 reports)
        self.encode = json.JSONEncoder(ensure_ascii=False).encode

    def add(self, rep: dict) -> None:
        from ..paths import display

        head = {k: rep.get(k) for k in self.FIELDS}
        head["file"] = display(rep["file"])
        out = []
        for d in rep["diagnostics"]:
            out.append(
                self.encode(
                    {
                        **head,
                        "code": d["code"],
                        "name": d["name"],
                        "severity": d["severity"],
                        "line": d["line"],
                        "col": d["col"],
                        "message": d["message"],
                        # the page / paragraph / table cell and a quote, where a person finds it in a PDF or DOCX
                        "where": {k: v for k, v in (d.get("where") or {}).items() if k != "quote"} or None,
                        "quote": (d.get("where") or {}).get("quote"),
                    }
                )
            )
        if rep["error"]:
            out.append(
                self.encode(
                    {
                        **head,
                        "code": INTERNAL_ERROR,
                        "name": INTERNAL_ERROR,
                        "severity": "error",
                        "line": None,
                        "col": None,
                        "message": rep["error"],
                        "where": None,
                        "quote": None,
                    }
                )
            )
        if out:
            self.fh.write("\n".join(out) + "\n")

    def close(self) -> None:
        self.fh.close()


def top_codes(diags: list[dict], n: int = 5) -> tuple[list[tuple[str, int]], list[str]]:
    """(most frequent codes with counts, codes at the worst severity present ordered by frequency)."""
    c = Counter(d["code"] for d in diags)
    freq = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))
    worst = next((s for s in SEVERITY_ORDER if any(d["severity"] == s for d in diags)), None)
    worst_codes = [code for code, _ in freq if any(d["code"] == code and d["severity"] == worst for d in diags)]
    return freq[:n], worst_codes


class CsvWriter:
    HEADER = [
        "file",
        "agency",
        "year",
        "era",
        "previous",
        "errors",
        "warnings",
        "infos",
        "total",
        "worst_severity",
        "worst_codes",
        "top_codes",
        "readable",
        "internal_error",
        "agency_source",
        "level",
        "published",
        "published_origin",
        "score",
        "deductions",
        "duplicates",
        "missing",
    ]

    def __init__(self, path: str, lang: str | None = None):
        import csv

        # BOM: spreadsheet programs read UTF-8
        self.fh = open(path, "w", encoding="utf-8-sig", errors="backslashreplace", newline="")
        self.w = csv.writer(self.fh)
        self.w.writerow([t(f"csv.{key}", lang) for key in self.HEADER])  # in the interface language

    def add(self, rep: dict) -> None:
        from ..paths import display

        freq, worst_codes = top_codes(rep["diagnostics"])
        c = rep["counts"]
        worst = next((s for s in SEVERITY_ORDER if c[s]), "error" if rep["error"] else "")
        self.w.writerow(
            [
                display(rep["file"]),
                rep["agency"] or "",
                rep["year"] or "",
                rep["era"] or "",
                display(rep["previous"] or ""),
                c["error"],
                c["warning"],
                c["info"],
                sum(c.values()),
                worst,
                " ".join(worst_codes),
                " ".join(f"{code}:{k}" for code, k in freq),
                "" if rep["readable"] is None else str(rep["readable"]).lower(),
                rep["error"] or "",
                rep.get("agency_source") or "",
                rep.get("level") or "",
                (rep.get("published") or {}).get("date", ""),
                (rep.get("published") or {}).get("origin", ""),
                "" if rep.get("score") is None else f"{rep['score']:g}",
                " ".join(f"{label}:-{p:g}" for label, p in rep.get("deductions") or []),
                " ".join(display(p) for p in rep.get("duplicates") or []),
                "true" if rep.get("missing") else "",
            ]
        )

    def close(self) -> None:
        self.fh.close()


class Totals:
    """What the summary line and the HTML overview count."""

    def __init__(self):
        self.reports = 0
        self.severity = Counter()
        self.codes = Counter()
        self.code_severity: dict[str, Counter] = defaultdict(Counter)
        self.names: dict[str, str] = {}
        self.agencies: set[str] = set()
        self.years = Counter()
        self.unreadable = 0
        self.timed_out = 0
        self.errors = 0
        self.paired = 0
        self.unknown_agency = 0
        self.unknown_year = 0
        self.missing = 0  # rows of expected agencies without a report (--expect)
        self.duplicates = 0  # reports that share their agency and year with another
        self.code_reports = Counter()  # reports with at least one diagnostic of a code

    def add(self, rep: dict) -> None:
        self.code_reports.update({d["code"] for d in rep["diagnostics"]})
        if rep.get("missing"):  # not a report: counted apart
            self.missing += 1
            for d in rep["diagnostics"]:
                self.codes[d["code"]] += 1
                self.code_severity[d["code"]][d["severity"]] += 1
                self.names.setdefault(d["code"], d["name"])
            return
        self.duplicates += bool(rep.get("duplicates"))
        self.reports += 1
        for d in rep["diagnostics"]:
            self.severity[d["severity"]] += 1
            self.codes[d["code"]] += 1
            self.code_severity[d["code"]][d["severity"]] += 1
            self.names.setdefault(d["code"], d["name"])
        if rep["agency"]:
            self.agencies.add(rep["agency"])
        else:
            self.unknown_agency += 1
        if rep["year"]:
            self.years[rep["year"]] += 1
        else:
            self.unknown_year += 1
        self.unreadable += rep["readable"] is False
        self.timed_out += bool(rep.get("timed_out"))
        self.errors += bool(rep["error"])
        self.paired += bool(rep["previous"])


def run(args) -> int:
    from ..paths import display
    from .cli import EXIT_CLEAN, EXIT_ERROR, UsageError

    for p in args.paths:
        if not os.path.exists(p):
            raise UsageError(f"{p}: no such file or directory")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if not args.timeout >= 0 or args.timeout == float("inf"):
        raise UsageError("--timeout must be 0 (no limit) or a positive number of seconds")
    from ..settings import Flags, Workspace

    flags = Flags.from_args(args)  # the project's .nblint.yaml / [tool.nblint] apply per file, as in `check`
    workspace = Workspace(flags)
    for p in args.paths:  # a broken configuration or an unknown code is a usage error before any work starts
        workspace.resolve(p if os.path.isfile(p) else os.path.join(p, "x"))
    for out in (args.html, args.csv, args.jsonl):
        if out and not os.path.isdir(os.path.dirname(os.path.abspath(out))):
            raise UsageError(f"{out}: its directory does not exist")

    inputs = _evaluation_inputs(args)
    lang = flags.lang or "zh"
    audit = Audit(
        args.paths,
        jobs=args.jobs,
        previous_pairing=not args.no_pairing,
        settings=flags,
        timeout=args.timeout,
        progress=None,
        facts=inputs["facts"],
        profile=inputs["profile"],
        lang=lang,
        scheduler=getattr(args, "scheduler", None),
        copying=not args.no_copying,
        workspace=workspace,
    )
    from .evaluate import Evaluation

    evaluation = Evaluation(inputs["profile"], lang)
    writers: list[JsonlWriter | CsvWriter | HtmlCollector] = []
    try:
        if args.jsonl:
            writers.append(JsonlWriter(args.jsonl))
        if args.csv:
            writers.append(CsvWriter(args.csv, args.lang))
    except OSError as e:
        raise UsageError(f"cannot write {e.filename}: {e.strerror}") from None
    totals = Totals()
    html = None
    if args.html:
        from .audit_html import HtmlCollector

        html = HtmlCollector(MAX_HTML_DETAILS, MAX_SNIPPETS_PER_REPORT, lang=args.lang or "zh")
        writers.append(html)
    t0 = time.monotonic()
    write_errors = 0

    def rows():
        yield from audit  # with NB511 (nblint.app.copying) once every report is in
        if inputs["expect"] is not None:  # after the run: the expected agencies without a report
            yield from evaluation.missing(inputs["expect"], audit.name_of)

    try:
        for rep in rows():
            evaluation.add(rep)
            totals.add(rep)
            for w in writers:
                try:
                    w.add(rep)
                except Exception as e:  # a writer error costs this row of this output, never the run
                    write_errors += 1
                    if write_errors <= MAX_ERRORS_SHOWN:
                        print(
                            f"nblint: internal error while writing the row of {display(rep['file'])}: "
                            f"{_error_text(e)} (please report this)",
                            file=sys.stderr,
                        )
            if rep["error"] and totals.errors <= MAX_ERRORS_SHOWN:
                print(f"nblint: internal error while auditing {display(rep['file'])}: {rep['error']}", file=sys.stderr)
    finally:
        for w in writers:
            if w is not html:
                w.close()
    elapsed = time.monotonic() - t0
    if totals.errors > MAX_ERRORS_SHOWN:
        print(
            f"nblint: … and {totals.errors - MAX_ERRORS_SHOWN} more internal errors (the CSV and JSON Lines outputs "
            f"list them all)",
            file=sys.stderr,
        )
    missing = audit.missing_years()
    if write_errors > MAX_ERRORS_SHOWN:
        print(f"nblint: … and {write_errors - MAX_ERRORS_SHOWN} more rows that could not be written", file=sys.stderr)
    if html is not None:
        try:
            html.write(
                args.html,
                totals,
                missing,
                {
                    "paths": args.paths,
                    "elapsed": elapsed,
                    "jobs": audit.jobs,
                    "lang": lang,
                    "profile": inputs["profile"],
                    "ranking": evaluation.ranking(),
                    "trend": evaluation.trend(),
                },
            )
        except OSError as e:
            write_errors += 1
            print(f"nblint: cannot write {display(args.html)}: {e.strerror or e}", file=sys.stderr)
    if not args.quiet:
        print(summary_text(totals, missing, elapsed))
        for label, path in (("JSON Lines", args.jsonl), ("CSV", args.csv), ("HTML", args.html)):
            if path:
                print(f"{label}: {display(path)}")
    return EXIT_ERROR if totals.errors or write_errors else EXIT_CLEAN


def _evaluation_inputs(args) -> dict:
    """The manifest's facts, the expected agencies and the scoring profile the options name (a usage error when
    one cannot be read)."""
    from .. import profiles
    from .cli import UsageError
    from .manifest import ManifestError, read_expect, read_manifest

    out: dict = {"facts": None, "expect": None, "profile": None}
    try:
        if getattr(args, "manifest", None):
            out["facts"] = read_manifest(args.manifest)
        if getattr(args, "expect", None):
            out["expect"] = read_expect(args.expect)
        if getattr(args, "profile", None):
            out["profile"] = profiles.get(args.profile)
    except (ManifestError, profiles.ProfileError) as e:
        raise UsageError(str(e)) from None
    if getattr(args, "scheduler", None):
        from .distributed import check_scheduler

        check_scheduler(args.scheduler)
    return out


def summary_text(totals: Totals, missing: list[dict], elapsed: float, limit: int = 20) -> str:
    s = totals.severity
    years = sorted(totals.years)
    span = f"{years[0]}–{years[-1]}" if years else "none"
    lines = [
        f"Audited {totals.reports} reports in {elapsed:.1f} s ({totals.reports / max(elapsed, 1e-9):.0f}/s): "
        f"{len(totals.agencies)} agencies, years {span}, {totals.paired} paired with the year before.",
        f"{sum(s.values())} diagnostics: {s['error']} errors, {s['warning']} warnings, {s['info']} infos; "
        f"{totals.unreadable} unreadable{f' ({totals.timed_out} timed out)' if totals.timed_out else ''}, "
        f"{totals.errors} internal errors; "
        f"agency unknown in {totals.unknown_agency}, year unknown in {totals.unknown_year}.",
    ]
    if totals.missing or totals.duplicates:
        lines.append(
            f"{totals.missing} expected reports missing (NB508), {totals.duplicates} reports sharing their agency and "
            f"year with another (NB509)."
        )
    if missing:
        lines.append(f"Agencies with missing years ({len(missing)}):")
        for m in missing[:limit]:
            lines.append(f"  {m['agency']}: {m['first']}–{m['last']}, missing {', '.join(map(str, m['missing']))}")
        if len(missing) > limit:
            lines.append(f"  … and {len(missing) - limit} more (see the HTML page)")
    return "\n".join(lines)
