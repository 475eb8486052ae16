"""``nblint lsp``: a language server over stdio (pygls 2).

Diagnostics are published on didOpen, didChange (full sync) and didSave; every diagnostic that carries a fix
(NB103, NB204) has a quick fix; hovering a diagnostic shows its rule's ``nblint explain`` text.

The message loop never lints: :class:`LintWorker` lints in one background thread, each document under the per-file
time budget (nblint.budget), so typing, hovers and code actions are answered while a lint runs.  A change to a
document cancels its lint in progress (the budget's cancel event) and a result that is no longer the newest for its
document is never published.  A request whose params do not fit the method gets a JSON-RPC error (-32602; -32600
when the method itself is not a string) instead of no answer at all.

Positions: the engine reports 1-based lines and columns counted in code points; LSP wants 0-based lines and
columns in the negotiated position encoding, UTF-16 code units unless the client offers UTF-8 or UTF-32 (a Chinese
character is one UTF-16 unit and three UTF-8 bytes; an astral character such as 𠀀 is two UTF-16 units).  The
conversion uses the document's own text, split at "\\n" exactly as :class:`nblint.source.Source` counts lines.

The conversion helpers and :class:`DocumentLinter` import neither pygls nor lsprotocol, so the CLI can import this
module on every start; the server itself is built in :func:`run`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from .. import budget
from ..i18n import t
from ..spans import LineIndex, width

if TYPE_CHECKING:
    from ..diagnostics import Diagnostic
    from ..pipeline import Memo

SEVERITY = {"error": 1, "warning": 2, "info": 3}  # lsprotocol DiagnosticSeverity values
CONFIG_FILES = (".nblint.yaml", "pyproject.toml")


def add_arguments(parser) -> None:
    parser.add_argument("--stdio", action="store_true", help=t("help.lsp.stdio"))
    parser.add_argument("--lang", choices=["zh", "en"], help=t("help.lsp.lang"))


def run(args) -> int:
    server = build_server(lang=getattr(args, "lang", None))
    server.start_io()
    return 0


# ----------------------------------------------------------------------------------------------------------------
# Positions


class PositionMap:
    """Converts between code-point positions (engine) and LSP positions (0-based line, client units): the
    document's :class:`nblint.spans.LineIndex` in the negotiated encoding."""

    def __init__(self, text: str, encoding: str | None = "utf-16"):
        self.text = text
        self.encoding = (encoding or "utf-16").lower()
        self.index = LineIndex(text)

    def units(self, ch: str) -> int:
        return width(ch, self.encoding)

    def _width(self, s: str) -> int:
        return width(s, self.encoding)

    def line_text(self, line0: int) -> str:
        return self.index.line_text(line0 + 1)

    def position(self, line: int, col: int) -> tuple[int, int]:
        """1-based (line, code-point column) -> 0-based (line, client units); clamped to the document."""
        return self.index.position(self.index.offset(line, col), self.encoding)

    def position_at(self, offset: int) -> tuple[int, int]:
        """0-based code-point offset into the text -> 0-based (line, client units)."""
        return self.index.position(offset, self.encoding)

    def line_col(self, line0: int, character: int) -> tuple[int, int]:
        """0-based (line, client units) -> 1-based (line, code-point column).  A position inside a character
        (between the two halves of a surrogate pair) counts as that character."""
        return self.index.line_col(self.index.offset_at(line0, character, self.encoding))


# ----------------------------------------------------------------------------------------------------------------
# Linting documents (no LSP types here)


def kind_for(path: str) -> str:
    suffix = PurePosixPath(path).suffix.lower()
    if suffix in (".md", ".markdown"):
        return "markdown"
    if suffix in (".html", ".htm"):
        return "html"
    return "text"


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|"})


def markdown_escape(text: str) -> str:
    """A diagnostic's message as Markdown text (its * _ [ ] | are the message's, not markup)."""
    return text.translate(_MD_SPECIAL)


def hover_markdown(ls) -> bool:
    """Whether the client shows Markdown in hovers (its first-listed format wins; none listed: Markdown)."""
    try:
        formats = ls.client_capabilities.text_document.hover.content_format
    except AttributeError:
        return True
    if not formats:
        return True
    return formats[0] == "markdown"


def uri_to_path(uri: str) -> str:
    from urllib.parse import unquote, urlparse

    p = urlparse(uri)
    if p.scheme != "file":
        return uri
    path = unquote(p.path)
    if len(path) >= 3 and path[0] == "/" and path[2] == ":":  # file:///C:/…
        path = path[1:]
    return path


@dataclass
class Published:
    """One engine diagnostic with its LSP range (0-based, client units)."""

    diag: Diagnostic
    start: tuple[int, int]
    end: tuple[int, int]
    edits: list[tuple[tuple[int, int], tuple[int, int], str]] = field(default_factory=list)

    def contains(self, pos: tuple[int, int]) -> bool:
        return self.start <= pos <= self.end

    def overlaps(self, start: tuple[int, int], end: tuple[int, int]) -> bool:
        return self.start <= end and start <= self.end


@dataclass
class DocumentState:
    uri: str
    version: int | None
    text: str
    items: list[Published]
    lang: str = "zh"


class DocumentLinter:
    """Lints document text and keeps the last result of every open document.  One engine per set of rule
    directories (the built-in rules, plus a project's `extend-rules`), built once and kept for the session."""

    def __init__(self, lang: str | None = None):
        from ..settings import Flags, Workspace

        self.workspace = Workspace(Flags(lang=lang))
        self.engine = self.workspace.engine()
        self.lang = lang
        self.docs: dict[str, DocumentState] = {}
        self.memos: dict[str, Memo] = {}  # uri -> what its last parse left for the next (nblint.pipeline.Memo)
        self.encoding = "utf-16"
        # called with (configuration file, problem or None) when a configuration turns broken or is mended
        self.on_settings_problem: Callable[[str, Exception | None], None] | None = None
        self._problems: dict[str, str] = {}  # configuration file -> the problem last reported

    def settings_for(self, path: str):
        """(engine, settings) for the file's project configuration (.nblint.yaml / [tool.nblint]), resolved as
        `nblint check` resolves it.  A broken configuration is reported (``on_settings_problem``) and the file is
        linted with the defaults meanwhile."""
        import os

        from ..config import Config, ConfigError
        from ..engine import Settings
        from ..ruleset import RuleError
        from ..settings import UsageError

        where = None
        try:  # an unsaved, untitled document has no project: defaults
            cfg = self.workspace.config_for(path) if os.path.isabs(path) else Config()
            where = cfg.path
            resolved = self.workspace.resolve(path, cfg)
        except (ConfigError, UsageError, OSError, RuleError) as e:
            self._settings_problem(where or getattr(e, "path", None), e)
            return self.engine, Settings(lang=self.lang or "zh")
        if where is not None:
            self._settings_problem(where, None)
        return resolved

    def _settings_problem(self, config_path: str | None, problem: Exception | None) -> None:
        key = config_path or ""
        text = str(problem) if problem is not None else None
        if self._problems.get(key) == text:
            return
        if text is None:
            self._problems.pop(key, None)
        else:
            self._problems[key] = text
        if self.on_settings_problem is not None:
            self.on_settings_problem(key, problem)

    def source(self, path: str, text: str):
        from ..source import Source

        kind = kind_for(path)
        if kind == "html":
            from ..readers import read_bytes

            # a BOM makes the reader decode as UTF-8 whatever <meta charset> says; it is not part of the text
            return read_bytes(path, b"\xef\xbb\xbf" + text.encode("utf-8"))
        return Source(path=path, text=text, kind=kind)

    def lint(self, uri: str, text: str, version: int | None = None) -> DocumentState:
        """Lint a document and keep the result as its current state."""
        state = self.compute(uri, text, version)
        self.docs[uri] = state
        return state

    def compute(
        self,
        uri: str,
        text: str,
        version: int | None = None,
        cancel: threading.Event | None = None,
        timeout: float | None = budget.DEFAULT_SECONDS,
    ) -> DocumentState:
        """Lint a document within ``timeout`` seconds (a time-out is NB001 saying so) without keeping the result.
        Raises :class:`nblint.budget.Timeout` (``cancelled``) when ``cancel`` is set before it is done."""
        from ..diagnostics import Diagnostic
        from ..source import ReadError

        path = uri_to_path(uri)
        engine, settings = self.engine, None
        try:
            with budget.limit(timeout or None, cancel):
                engine, settings = self.settings_for(path)
                try:
                    # timeout=None: within this budget (a nested budget never extends the outer one)
                    result = engine.lint_source(
                        self.source(path, text), settings=settings, timeout=None, memo=self._memo(uri)
                    )
                    diags = result.diagnostics
                except ReadError as e:
                    diags = engine.unreadable(path, e, settings).diagnostics
        except budget.Timeout as e:
            if e.cancelled:
                raise
            diags = engine.timed_out(path, e.seconds, settings).diagnostics
        except Exception as e:
            diags = [
                Diagnostic(
                    path,
                    "NB000",
                    "internal-error",
                    "error",
                    f"nblint internal error: {type(e).__name__}: {e} (please report this)",
                )
            ]
        pm = PositionMap(text, self.encoding)
        items = []
        for d in diags:
            start = pm.position(d.line, d.col)
            end = pm.position(d.end_line, d.end_col)
            if end < start:
                end = start
            if end == start and start[1] < pm._width(pm.line_text(start[0])):
                # a point (e.g. where a missing section belongs): mark the character there
                line_text = pm.line_text(start[0])
                _, c = pm.line_col(*start)
                end = (start[0], start[1] + pm.units(line_text[c - 1]))
            edits = []
            if d.fix is not None:
                for ed in d.fix.edits:
                    edits.append((pm.position_at(ed.start), pm.position_at(ed.end), ed.text))
            items.append(Published(d, start, end, edits))
        lang = settings.lang if settings is not None else self.lang or "zh"
        return DocumentState(uri, version, text, items, lang)

    def _memo(self, uri: str) -> Memo:
        memo = self.memos.get(uri)
        if memo is None:
            from ..pipeline import Memo

            memo = self.memos[uri] = Memo()
        return memo

    def forget(self, uri: str) -> None:
        """A closed document: its state and memo go."""
        self.docs.pop(uri, None)
        self.memos.pop(uri, None)

    def at(self, uri: str, pos: tuple[int, int]) -> list[Published]:
        state = self.docs.get(uri)
        return [p for p in state.items if p.contains(pos)] if state else []

    def explain(self, code: str, lang: str = "zh", markdown: bool = True) -> str | None:
        """The hover text of a rule: description, basis, link; no message template."""
        from ..ruleset import hover_text

        rule = self.engine.by_code.get(code)
        return hover_text(rule, lang, markdown) if rule else None


class LintWorker:
    """Lints documents in one background thread, so that the message loop never waits for a lint.

    :meth:`submit` queues the newest text of a document (replacing a queued older one) and cancels the document's
    lint in progress; :meth:`forget` drops a closed document.  ``deliver(uri, state, generation)`` is called from
    the worker thread with each finished result; the caller publishes it only if :meth:`current` still says it is
    the newest (a change may have arrived meanwhile)."""

    def __init__(
        self,
        linter: DocumentLinter,
        deliver: Callable[[str, DocumentState, int], None],
        timeout: float | None = budget.DEFAULT_SECONDS,
        warm_up: Callable[[], None] | None = None,
    ):
        self.linter, self.deliver, self.timeout, self.warm_up = linter, deliver, timeout, warm_up
        self.lock = threading.Condition()
        self.generation: dict[str, int] = {}
        self.queued: dict[str, tuple[str, int | None, int]] = {}  # uri -> (text, version, generation), FIFO
        self.latest: dict[str, tuple[str, int | None]] = {}  # uri -> the newest (text, version) of an open document
        self.running: dict[str, threading.Event] = {}  # uri -> cancel event of its lint in progress
        self.thread = threading.Thread(target=self._loop, name="nblint-lint", daemon=True)
        self.thread.start()

    def submit(self, uri: str, text: str, version: int | None) -> int:
        with self.lock:
            gen = self.generation[uri] = self.generation.get(uri, 0) + 1
            self.latest[uri] = (text, version)
            self.queued.pop(uri, None)  # keep FIFO order by the newest request
            self.queued[uri] = (text, version, gen)
            if uri in self.running:
                self.running[uri].set()
            self.lock.notify()
            return gen

    def forget(self, uri: str) -> None:
        with self.lock:
            self.generation[uri] = self.generation.get(uri, 0) + 1
            self.latest.pop(uri, None)
            self.queued.pop(uri, None)
            if uri in self.running:
                self.running[uri].set()

    def relint_all(self) -> None:
        """Lint every open document again (its newest text): the project configuration changed."""
        with self.lock:
            docs = list(self.latest.items())
        for uri, (text, version) in docs:
            self.submit(uri, text, version)

    def current(self, uri: str, gen: int) -> bool:
        with self.lock:
            return self.generation.get(uri) == gen

    def idle(self) -> bool:
        with self.lock:
            return not self.queued and not self.running

    def _loop(self) -> None:
        if self.warm_up is not None:
            try:
                self.warm_up()
            except Exception:
                pass
        while True:
            with self.lock:
                while not self.queued:
                    self.lock.wait()
                uri = next(iter(self.queued))
                text, version, gen = self.queued.pop(uri)
                cancel = self.running[uri] = threading.Event()
            try:
                state = self.linter.compute(uri, text, version, cancel=cancel, timeout=self.timeout)
            except budget.Timeout:  # cancelled by a newer change: nobody wants this result
                state = None
            except BaseException:  # compute turns errors into a diagnostic; never let the worker die
                state = None
            finally:
                with self.lock:
                    if self.running.get(uri) is cancel:
                        del self.running[uri]
            if state is not None and self.current(uri, gen):
                try:
                    self.deliver(uri, state, gen)
                except Exception:
                    pass


def _protocol_class():
    """pygls's protocol, answering a request whose params cannot be read with a JSON-RPC error (pygls only logs
    it, and the client waits for that answer for ever)."""
    from pygls.exceptions import JsonRpcException, JsonRpcInvalidRequest
    from pygls.protocol import LanguageServerProtocol

    answered = object()

    def is_request(data) -> bool:
        return isinstance(data, dict) and "jsonrpc" in data and "id" in data and "method" in data

    class Protocol(LanguageServerProtocol):
        def structure_message(self, data):
            try:
                if is_request(data) and not isinstance(data["method"], str):
                    raise JsonRpcInvalidRequest()
                return super().structure_message(data)
            except JsonRpcException as exc:
                if not is_request(data):
                    raise  # not a request: nobody waits for an answer
                msg_id = data["id"]
                if isinstance(msg_id, bool) or not isinstance(msg_id, (int, str)):
                    msg_id = None  # JSON-RPC: an id that cannot be read is answered with null
                # a plain dict: pygls's own response type would drop an "id" of null
                self._send_data({"jsonrpc": "2.0", "id": msg_id, "error": {"code": exc.code, "message": exc.message}})
                return answered

        def handle_message(self, message):
            if message is answered:
                return None
            return super().handle_message(message)

    return Protocol


# ----------------------------------------------------------------------------------------------------------------
# The server


def build_server(lang: str | None = None):
    from lsprotocol import types as T
    from pygls.lsp.server import LanguageServer

    from .. import __version__

    server = LanguageServer(
        "nblint", __version__, text_document_sync_kind=T.TextDocumentSyncKind.Full, protocol_cls=_protocol_class()
    )
    linter = DocumentLinter(lang)
    server.linter = linter  # type: ignore[attr-defined]  # for tests and embedding
    loop_box: list = []  # the message loop, once known: results go back to it to be stored and published

    def warm_up() -> None:
        # the first lint builds the parser and loads the formats (~0.1 s): done in the worker, before any document
        from .new import render

        linter.compute("file:///warm-up.md", render(2024, "某某县人民政府"))

    def deliver(uri: str, state: DocumentState, gen: int) -> None:  # in the worker thread
        if loop_box:
            loop_box[0].call_soon_threadsafe(store_and_publish, uri, state, gen)

    def store_and_publish(uri: str, state: DocumentState, gen: int) -> None:  # in the message loop
        if not worker.current(uri, gen):
            return  # a newer text arrived (or the document was closed) meanwhile
        linter.docs[uri] = state
        server.text_document_publish_diagnostics(
            T.PublishDiagnosticsParams(
                uri=uri, version=state.version, diagnostics=[lsp_diagnostic(uri, p) for p in state.items]
            )
        )

    worker = LintWorker(linter, deliver, warm_up=warm_up)
    server.lint_worker = worker  # type: ignore[attr-defined]  # for tests and embedding

    def settings_problem(config_path: str, problem: Exception | None) -> None:
        """A broken project configuration: an error diagnostic at its position in the configuration file and a
        message window (the reports are linted with the defaults meanwhile); mended: the diagnostic goes."""
        from pathlib import Path

        uri = Path(config_path).as_uri() if config_path and Path(config_path).is_absolute() else None
        items = []
        if problem is not None:
            line, col = max(getattr(problem, "line", 1) - 1, 0), max(getattr(problem, "col", 1) - 1, 0)
            message = getattr(problem, "message", None) or str(problem)
            items.append(
                T.Diagnostic(
                    range=rng((line, col), (line, col + 1)),
                    message=message,
                    severity=T.DiagnosticSeverity.Error,
                    source="nblint",
                )
            )
            server.window_show_message(
                T.ShowMessageParams(type=T.MessageType.Error, message=f"nblint: {problem} (using the defaults)")
            )
        if uri is not None:
            server.text_document_publish_diagnostics(T.PublishDiagnosticsParams(uri=uri, diagnostics=items))

    def settings_problem_threadsafe(config_path: str, problem: Exception | None) -> None:
        # found while linting, in the worker thread: published from the message loop like every other result
        if loop_box:
            loop_box[0].call_soon_threadsafe(settings_problem, config_path, problem)
        else:
            settings_problem(config_path, problem)

    linter.on_settings_problem = settings_problem_threadsafe

    def rng(start, end) -> T.Range:
        return T.Range(T.Position(*start), T.Position(*end))

    def lsp_diagnostic(uri: str, p: Published) -> T.Diagnostic:
        d = p.diag
        related = None
        if d.extra.get("related"):
            pm = PositionMap(linter.docs[uri].text, linter.encoding)
            related = []
            for r in d.extra["related"]:
                pos = pm.position(r["line"], r["col"])
                related.append(T.DiagnosticRelatedInformation(T.Location(uri, rng(pos, pos)), r["message"]))
        return T.Diagnostic(
            range=rng(p.start, p.end),
            message=d.message,
            severity=T.DiagnosticSeverity(SEVERITY.get(d.severity, 2)),
            code=d.code,
            source="nblint",
            related_information=related,
            data={"name": d.name, "fixable": d.fix is not None},
        )

    def publish(uri: str, text: str, version: int | None) -> None:
        """Lint in the worker; the result is published when it is done (and still the newest)."""
        import asyncio

        if not loop_box:
            loop_box.append(asyncio.get_running_loop())
        worker.submit(uri, text, version)

    @server.feature(T.INITIALIZED)
    def initialized(ls: LanguageServer, params: T.InitializedParams):
        enc = ls.workspace.position_encoding
        linter.encoding = str(getattr(enc, "value", enc) or "utf-16")

    @server.feature(T.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LanguageServer, params: T.DidOpenTextDocumentParams):
        doc = params.text_document
        publish(doc.uri, doc.text, doc.version)

    @server.feature(T.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LanguageServer, params: T.DidChangeTextDocumentParams):
        doc = ls.workspace.get_text_document(params.text_document.uri)
        publish(doc.uri, doc.source, params.text_document.version)

    @server.feature(T.TEXT_DOCUMENT_DID_SAVE, T.SaveOptions(include_text=True))
    def did_save(ls: LanguageServer, params: T.DidSaveTextDocumentParams):
        uri = params.text_document.uri
        name = PurePosixPath(uri_to_path(uri)).name
        if name in CONFIG_FILES:
            # the project configuration changed: forget it and lint every open report again
            from .. import config as configmod

            configmod.find_for_dir.cache_clear()
            worker.relint_all()
            return  # a configuration is not a report: its diagnostics are its own problems (settings_problem)
        state = linter.docs.get(uri)
        if state is not None or params.text is not None:
            text = params.text if params.text is not None else ls.workspace.get_text_document(uri).source
            publish(uri, text, state.version if state else None)

    @server.feature(T.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LanguageServer, params: T.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        worker.forget(uri)
        linter.forget(uri)
        server.text_document_publish_diagnostics(T.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(
        T.TEXT_DOCUMENT_CODE_ACTION,
        T.CodeActionOptions(code_action_kinds=[T.CodeActionKind.QuickFix, T.CodeActionKind.SourceFixAll]),
    )
    def code_action(ls: LanguageServer, params: T.CodeActionParams):
        uri = params.text_document.uri
        state = linter.docs.get(uri)
        if state is None:
            return []
        start = (params.range.start.line, params.range.start.character)
        end = (params.range.end.line, params.range.end.character)
        only = [str(getattr(k, "value", k)) for k in (params.context.only or [])]

        def wanted(kind: str) -> bool:
            return not only or any(kind == k or kind.startswith(k + ".") for k in only)

        actions = []
        fixable = [p for p in state.items if p.edits]
        if wanted(T.CodeActionKind.QuickFix.value):
            for p in fixable:
                if p.diag.fix is None or not p.overlaps(start, end):
                    continue
                actions.append(
                    T.CodeAction(
                        title=f"{p.diag.code}: {p.diag.fix.description}",
                        kind=T.CodeActionKind.QuickFix,
                        diagnostics=[lsp_diagnostic(uri, p)],
                        is_preferred=True,
                        edit=T.WorkspaceEdit(changes={uri: [T.TextEdit(rng(a, b), t) for a, b, t in p.edits]}),
                    )
                )
        if fixable and (wanted(T.CodeActionKind.SourceFixAll.value) and (only or len(fixable) > 1)):
            edits, last = [], (-1, -1)
            for a, b, t in sorted((e for p in fixable for e in p.edits), key=lambda e: (e[0], e[1])):
                if a < last:
                    continue  # overlapping edits: keep the first, as `nblint check --fix` does
                edits.append(T.TextEdit(rng(a, b), t))
                last = b
            actions.append(
                T.CodeAction(
                    title="nblint: fix all auto-fixable problems",
                    kind=f"{T.CodeActionKind.SourceFixAll.value}.nblint",
                    edit=T.WorkspaceEdit(changes={uri: edits}),
                )
            )
        return actions

    @server.feature(T.TEXT_DOCUMENT_HOVER)
    def hover(ls: LanguageServer, params: T.HoverParams):
        pos = (params.position.line, params.position.character)
        uri = params.text_document.uri
        hits = linter.at(uri, pos)
        if not hits:
            return None
        markdown = hover_markdown(ls)
        parts, seen = [], set()
        for p in hits:
            if p.diag.code in seen:
                continue
            seen.add(p.diag.code)
            parts.append(
                (markdown_escape(p.diag.message) if markdown else p.diag.message)
                + "\n\n"
                + (linter.explain(p.diag.code, linter.docs[uri].lang, markdown) or f"{p.diag.code} {p.diag.name}")
            )
        first = hits[0]
        kind = T.MarkupKind.Markdown if markdown else T.MarkupKind.PlainText
        return T.Hover(
            contents=T.MarkupContent(kind=kind, value=("\n\n---\n\n" if markdown else "\n\n").join(parts)),
            range=rng(first.start, first.end),
        )

    return server
