"""``nblint serve``: a local page to drop a report on (Starlette + uvicorn + python-multipart).

A clerk who never opens a terminal starts ``nblint serve`` (or has it started for them), opens
``http://127.0.0.1:8765/`` and drops a DOCX, PDF, HTML, Markdown or text report on the page: the report's text comes
back with every problem highlighted, grouped by section, with the page or paragraph, and each problem's explanation
and legal basis on click; the annotated copy of the file downloads from the same page.  The page is
``serve_page.html`` with its words (the ``ui.*`` texts of :data:`nblint.i18n.STRINGS`, in the server's language or
``/?lang=en``) filled in, plus ``linter/app/static/`` (CSS and JavaScript): no CDN, no external request, so it works
offline.

Endpoints (all ``POST`` ones take ``multipart/form-data`` with ``file``, optional ``previous`` — last year's report
for the cross-year rules — and optional ``lang`` = ``zh`` | ``en``):

- ``POST /api/check``: exactly what ``nblint check --output-format json FILE`` prints for the same file.
- ``POST /api/view``: the report's text, its sections and page breaks, and the diagnostics with their spans (in
  UTF-16 code units, as JavaScript counts), places (page, paragraph) and the explanations of their rules.
- ``POST /api/annotate``: the annotated copy (``nblint.app.annotate.annotate_bytes``), as a download.

Uploads stay in memory (python-multipart spools a large one to an unlinked temporary file, closed with the
request): nothing is kept after the response.  A request larger than the size limit is refused with 413 while it is
still arriving; a bad upload is a JSON message in Chinese, never a traceback; a lint runs in a worker thread (off the
event loop, at most two at a time) within the same per-file time budget as ``nblint check`` (:mod:`nblint.budget`).
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from .. import budget, i18n

STATIC = Path(__file__).resolve().parent / "static"
DEFAULT_PORT = 8765
DEFAULT_MAX_MB = 50.0
DRAIN_FACTOR = 8  # a refused body is read (and dropped) up to this many times the limit before the answer
MAX_WORKERS = 2  # lints at the same time (the machine's other requests wait for a free one)


@lru_cache(maxsize=2)
def page_html(lang: str) -> str:
    """The page (``serve_page.html``) in ``lang``: its %T_…% fields filled with the ``ui.*`` words of
    :data:`nblint.i18n.STRINGS`, and both languages' words as JSON for the script (it switches language in place)."""
    words = i18n.words("ui.", lang)
    both = json.dumps({lg: i18n.words("ui.", lg) for lg in ("zh", "en")}, ensure_ascii=False).replace("</", "<\\/")
    text = Path(__file__).with_name("serve_page.html").read_text(encoding="utf-8").replace("%WORDS%", both)
    return re.sub(r"%T_([A-Za-z.]+)%", lambda m: html.escape(words[m.group(1)]), text)


def accepted() -> list[str]:
    """The extensions a report can be uploaded with: those nblint reads itself (.doc, .wps, spreadsheets and
    images are taken too, and answered as ``nblint check`` answers them, with NB001 saying what to do)."""
    from ..readers import READERS

    return [ext for ext, kind in READERS.items() if kind != "office"]


def text(lang: str, key: str, **values: Any) -> str:
    """A message of the page or the API (``serve.*`` in :data:`nblint.i18n.STRINGS`) in ``lang``."""
    return i18n.t(f"serve.{key}", lang if lang in i18n.LANGS else "zh", **values)


class UploadError(Exception):
    """A request the page cannot check: answered with ``status`` and a message in the request's language."""

    def __init__(self, status: int, key: str, **values: Any):
        self.status, self.key, self.values = status, key, values
        super().__init__(key)

    def message(self, lang: str) -> str:
        return text(lang, self.key, **self.values)


# ----------------------------------------------------------------------------------------------------------------
# Checking an upload (no web framework here: the functions below are what the endpoints run in a worker thread)


@dataclass
class Upload:
    name: str  # the file's own name, without any folder the browser sent
    data: bytes


@dataclass
class Checked:
    result: Any  # FileResult
    source: Any  # Source, or None when the file could not be read
    sections: list[dict]  # {"title", "start"} in the reader's text (code points)


def safe_name(raw: str | None) -> str:
    """The base name of an uploaded file (browsers may send ``C:\\fakepath\\x.pdf``; a client may send ``../x``)."""
    name = PurePosixPath((raw or "").replace("\\", "/")).name.strip()
    name = "".join(ch for ch in name if ch >= " " and ch != "\x7f")
    return name or "report.txt"


def accept(upload: Upload) -> None:
    """Refuse an upload that cannot be a report before reading it: empty, or of a kind nblint does not read."""
    from ..readers import supported

    ext = Path(upload.name).suffix.lower()
    if not supported(upload.name):
        raise UploadError(415, "bad-type", ext=ext or upload.name)
    if not upload.data:
        raise UploadError(400, "empty", name=upload.name)


def check_upload(workspace, upload: Upload, previous: Upload | None, timeout: float | None) -> Checked:
    """Lint an uploaded report as ``nblint check`` lints the same file (same reader, rules, settings and budget)."""
    from ..engine import parse
    from ..readers import read_bytes
    from ..source import ReadError

    eng, s = workspace.resolve(upload.name)
    try:
        with budget.limit(timeout or None):
            try:
                source = read_bytes(upload.name, upload.data)
            except ReadError as e:
                return Checked(eng.unreadable(upload.name, e, s), None, [])
            prev = None
            if previous is not None:
                try:  # an unreadable last-year report is as good as none (as with --previous)
                    prev = parse(read_bytes(previous.name, previous.data))
                except ReadError:
                    prev = None
            result = eng.lint_source(source, prev, s, timeout=None)
            sections = []
            if result.meta.get("readable", True) and not result.meta.get("timed_out"):
                report = parse(source)
                for sec in report.sections:
                    start, _ = report.source_span(sec.heading.span)
                    sections.append({"title": sec.heading.text.strip(), "start": start})
            return Checked(result, source, sections)
    except budget.Timeout as e:
        return Checked(eng.timed_out(upload.name, e.seconds, s), None, [])


def check_json(checked: Checked) -> str:
    """What ``nblint check --output-format json`` prints for the file."""
    from ..formatters.json import JsonFormatter

    return JsonFormatter().format([checked.result])


class Utf16:
    """Code-point offsets of a text → UTF-16 offsets (what JavaScript strings count)."""

    def __init__(self, s: str):
        self.astral = [i for i, ch in enumerate(s) if ord(ch) > 0xFFFF] if not s.isascii() else []

    def __call__(self, offset: int) -> int:
        if not self.astral:
            return offset
        import bisect

        return offset + bisect.bisect_left(self.astral, offset)


def place(extra: dict, lang: str, where: dict | None = None) -> str:
    """Where a diagnostic is, for a person: 第3页, 第12段, 表格2第3行 (empty when the file has no pages/blocks),
    phrased as every output phrases it (``diagnostics.place_text``); a diagnostic without ``where`` is placed by
    the reader's page and block in ``extra``."""
    from ..diagnostics import place_text
    from ..source import place_of

    return str(place_text(where or place_of(extra.get("page"), extra.get("block")), lang))


def rule_info(rule, lang: str) -> dict:
    """The explanation of a rule as the page shows it on click: its description and legal basis."""
    return {
        "name": rule.name,
        "severity": rule.severity,
        "description": rule.describe(lang).strip(),
        "basis": rule.basis,
    }


def view(checked: Checked, rules: list, lang: str) -> dict:
    """The page's data: the report text, its sections and pages, the diagnostics with spans and explanations."""
    res, src = checked.result, checked.source
    body = src.text if src is not None else ""
    u16 = Utf16(body)
    by_code = {r.code: r for r in rules}
    starts = [sec["start"] for sec in checked.sections]
    import bisect

    diags = []
    for i, d in enumerate(res.diagnostics):
        dd = d.to_dict()
        readable = src is not None
        k = bisect.bisect_right(starts, d.offset) - 1 if readable else -2
        a, b = (d.offset, max(d.offset, d.end_offset)) if readable else (0, 0)
        diags.append(
            {
                "id": i,
                "code": d.code,
                "name": d.name,
                "severity": d.severity,
                "message": d.message,
                "line": d.line,
                "col": d.col,
                "start": u16(min(a, len(body))),
                "end": u16(min(b, len(body))),
                "section": k,
                "place": place(d.extra, lang, dd.get("where")),
                "where": dd.get("where"),
                "fix": d.fix.description if d.fix is not None else None,
            }
        )
    # page breaks of a PDF: the first text line of each page
    pages = []
    if src is not None and src.line_info:
        last = None
        index = src.lines
        for n in sorted(src.line_info):
            p = src.line_info[n].get("page")
            if p is not None and p != last and n <= len(index):
                pages.append({"page": p, "start": u16(index.line_span(n)[0])})
                last = p
    sections = [{"title": text(lang, "file"), "start": 0, "id": -2}, {"title": text(lang, "preamble"), "id": -1}]
    sections += [{"title": sec["title"], "start": u16(sec["start"]), "id": i} for i, sec in enumerate(checked.sections)]
    from ..paths import display

    return {
        "file": display(res.path),
        "kind": getattr(src, "kind", None),
        "meta": res.meta,
        "text": body,
        "sections": sections,
        "pages": pages,
        "diagnostics": diags,
        "rules": {
            code: rule_info(by_code[code], lang)
            for code in sorted({d.code for d in res.diagnostics})
            if code in by_code
        },
    }


def annotate(upload: Upload, checked: Checked, lang: str) -> tuple[bytes, str]:
    """The annotated copy of the upload, by the annotate module (ImportError while it is absent)."""
    from . import annotate as annotate_module

    return annotate_module.annotate_bytes(
        upload.data, upload.name, checked.result.diagnostics, source=checked.source, lang=lang
    )


# ----------------------------------------------------------------------------------------------------------------
# The web application


class BodyTooLarge(Exception):
    pass


class LimitBody:
    """ASGI middleware: refuse a request body larger than ``limit`` bytes with 413 — at once when Content-Length says
    so, else as soon as the bytes received pass the limit (nothing more is read)."""

    def __init__(self, app, limit: int, lang: str, per_file: int | None = None):
        self.app, self.limit, self.lang = app, limit, lang
        self.per_file = per_file or limit  # the limit the message names: one file's (the body holds two and a form)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        from starlette.responses import JSONResponse

        too_large = JSONResponse(
            {"error": text(self.lang, "too-large", mb=self.limit_mb)}, status_code=413, headers={"Connection": "close"}
        )

        async def drain(seen: int) -> None:
            # read the rest of the body, keeping nothing, so that the client (which is still sending) gets the answer
            # instead of a reset connection; a body without end is cut off at DRAIN_FACTOR times the limit
            more = True
            while more and seen <= self.limit * DRAIN_FACTOR:
                message = await receive()
                if message["type"] != "http.request":
                    return
                seen += len(message.get("body", b""))
                more = message.get("more_body", False)

        for k, v in scope.get("headers", ()):
            if k == b"content-length":
                try:
                    if int(v) > self.limit:
                        await drain(0)
                        return await too_large(scope, receive, send)
                except ValueError:
                    pass
        seen = 0
        started = False

        async def counted_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    if message.get("more_body", False):
                        await drain(seen)
                    raise BodyTooLarge()
            return message

        async def watched_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if not started:
                await too_large(scope, receive, send)

    @property
    def limit_mb(self) -> float:
        return round(self.per_file / 1024 / 1024, 1)


def create_app(
    *,
    max_mb: float = DEFAULT_MAX_MB,
    timeout: float | None = budget.DEFAULT_SECONDS,
    lang: str = "zh",
    hosts: list[str] | None = None,
):
    """The ASGI application of ``nblint serve`` (also usable under any ASGI server)."""
    import anyio
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, JSONResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    from ..settings import Flags, Workspace

    max_bytes = int(max_mb * 1024 * 1024)
    # the uploads are checked with the built-in rules and defaults, whatever folder the server was started in
    workspaces = {lg: Workspace(Flags(lang=lg, use_config_files=False)) for lg in ("zh", "en")}
    for ws in workspaces.values():
        ws.engine()  # load the rules and the grammar now, not at the first upload
    limiter: list[anyio.CapacityLimiter] = []

    def lang_of(request: Request, form=None) -> str:
        lg = (form.get("lang") if form is not None else None) or request.query_params.get("lang") or lang
        if lg not in i18n.LANGS:
            raise UploadError(400, "bad-lang")
        return str(lg)

    def error(status: int, message: str) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status)

    async def read_upload(field) -> Upload | None:
        if field is None or isinstance(field, str):
            return None
        data = await field.read()
        if len(data) > max_bytes:
            raise UploadError(413, "too-large", mb=max_mb)
        return Upload(safe_name(field.filename), data)

    async def run_checked(request: Request, then):
        """Parse the form, check the upload in a worker thread, answer ``then(upload, checked, lang, ws)``."""
        req_lang = lang
        try:
            try:
                form_cm = request.form(max_files=2, max_fields=10, max_part_size=64 * 1024)
                async with form_cm as form:
                    req_lang = lang_of(request, form)
                    upload = await read_upload(form.get("file"))
                    previous = await read_upload(form.get("previous"))
            except (UploadError, BodyTooLarge):
                raise
            except HTTPException as e:  # starlette's own refusal of a malformed multipart body
                raise UploadError(400, "bad-form") from e
            except (AssertionError, ValueError, KeyError) as e:  # no/invalid Content-Type or boundary
                raise UploadError(400, "bad-form") from e
            if upload is None:
                raise UploadError(400, "no-file")
            accept(upload)
            if previous is not None and (not previous.data or not _supported(previous.name)):
                previous = None  # a missing or unreadable previous report only switches the cross-year rules off
            if not limiter:
                limiter.append(anyio.CapacityLimiter(MAX_WORKERS))
            ws = workspaces[req_lang]
            checked = await anyio.to_thread.run_sync(check_upload, ws, upload, previous, timeout, limiter=limiter[0])
            return await then(upload, checked, req_lang, ws)
        except UploadError as e:
            return error(e.status, e.message(req_lang))
        except BodyTooLarge:  # the middleware's count ran past the limit while the form was being read
            return JSONResponse(
                {"error": text(req_lang, "too-large", mb=max_mb)}, status_code=413, headers={"Connection": "close"}
            )
        except Exception as e:  # never a traceback page; the server keeps serving
            print(f"nblint serve: internal error: {type(e).__name__}: {e}", file=sys.stderr)
            if os.environ.get("NBLINT_DEBUG"):
                import traceback

                traceback.print_exc()
            return error(500, text(req_lang, "internal", error=f"{type(e).__name__}: {e}"))

    async def api_check(request: Request):
        async def then(upload, checked, lg, ws):
            return Response(check_json(checked), media_type="application/json; charset=utf-8")

        return await run_checked(request, then)

    async def api_view(request: Request):
        async def then(upload, checked, lg, ws):
            rules = ws.engine().rules
            payload = await anyio.to_thread.run_sync(view, checked, rules, lg, limiter=limiter[0])
            return Response(json.dumps(payload, ensure_ascii=False), media_type="application/json; charset=utf-8")

        return await run_checked(request, then)

    async def api_annotate(request: Request):
        async def then(upload, checked, lg, ws):
            try:
                from . import annotate as _  # noqa: F401  # type: ignore[attr-defined]
            except ImportError:
                return error(501, text(lg, "no-annotate"))
            from ..source import ReadError

            if checked.source is None:  # unreadable or timed out: nothing to annotate, the reason is the NB001
                reason = checked.result.diagnostics[0].message if checked.result.diagnostics else upload.name
                return error(422, text(lg, "annotate-failed", error=reason))
            try:
                data, out_name = await anyio.to_thread.run_sync(annotate, upload, checked, lg, limiter=limiter[0])
            except ReadError as e:  # a file the annotator cannot open as what its name says
                reason = e.text(lg)
                return error(422, text(lg, "annotate-failed", error=reason))
            except Exception as e:
                print(f"nblint serve: annotate failed: {type(e).__name__}: {e}", file=sys.stderr)
                return error(500, text(lg, "annotate-failed", error=f"{type(e).__name__}: {e}"))
            from urllib.parse import quote

            ascii_name = out_name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
            disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(out_name)}"
            media = _media_type(out_name)
            return Response(data, media_type=media, headers={"Content-Disposition": disposition})

        return await run_checked(request, then)

    async def index(request: Request):
        asked = request.query_params.get("lang")
        return HTMLResponse(page_html(asked if asked in ("zh", "en") else lang))

    async def health(request: Request):
        from .. import __version__

        return JSONResponse({"ok": True, "version": __version__, "max_mb": max_mb, "accept": accepted(), "lang": lang})

    async def on_http_error(request: Request, exc: Exception):
        assert isinstance(exc, HTTPException)
        q = request.query_params.get("lang")
        lg = q if q is not None and q in i18n.LANGS else lang
        if exc.status_code == 404:
            msg = text(lg, "not-found", path=request.url.path)
        elif exc.status_code == 405:
            msg = text(lg, "method", method=request.method)
        else:
            msg = str(exc.detail)
        return JSONResponse({"error": msg}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    async def on_error(request: Request, exc: Exception):
        return JSONResponse({"error": text(lang, "internal", error=type(exc).__name__)}, status_code=500)

    routes = [
        Route("/", index),
        Route("/api/health", health),
        Route("/api/check", api_check, methods=["POST"]),
        Route("/api/view", api_view, methods=["POST"]),
        Route("/api/annotate", api_annotate, methods=["POST"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [Middleware(SecurityHeaders)]
    if hosts:
        middleware.insert(0, Middleware(TrustedHostMiddleware, allowed_hosts=hosts))
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: on_http_error, Exception: on_error},
    )
    # a report and last year's, and the form's fields; the message names the limit of one file (--max-size)
    return LimitBody(app, 2 * max_bytes + 1024 * 1024, lang, per_file=max_bytes)


def _supported(name: str) -> bool:
    from ..readers import supported

    return supported(name)


def _media_type(name: str) -> str:
    ext = Path(name).suffix.lower()
    return {
        ".pdf": "application/pdf",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".html": "text/html; charset=utf-8",
        ".htm": "text/html; charset=utf-8",
    }.get(ext, "application/octet-stream")


class SecurityHeaders:
    """No external request from the page (Content-Security-Policy: this server only), no framing, no sniffing."""

    HEADERS = [
        (
            b"content-security-policy",
            b"default-src 'self'; img-src 'self' data: blob:; object-src 'none'; frame-ancestors 'none'",
        ),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"cache-control", b"no-store"),
    ]

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + self.HEADERS
            await send(message)

        await self.app(scope, receive, with_headers)


# ----------------------------------------------------------------------------------------------------------------
# The command


def ui_lang(lang: str | None = None) -> str:
    """The interface language: ``lang`` when given, else nblint's (``--lang``, ``NBLINT_LANG``, Chinese)."""
    return lang if lang in i18n.LANGS else i18n.current()


def _help(key: str, lang: str | None = None, **values: Any) -> str:
    return i18n.t(f"help.serve.{key}", ui_lang(lang), **values)


def add_arguments(parser) -> None:
    from .cli import seconds_arg

    parser.add_argument("--host", default="127.0.0.1", help=_help("host"))
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=_help("port", port=DEFAULT_PORT))
    parser.add_argument(
        "--max-size", type=float, default=DEFAULT_MAX_MB, metavar="MB", help=_help("max-size", mb=DEFAULT_MAX_MB)
    )
    parser.add_argument(
        "--timeout",
        type=seconds_arg,
        default=budget.DEFAULT_SECONDS,
        metavar="SECONDS",
        help=_help("timeout", s=budget.DEFAULT_SECONDS),
    )
    parser.add_argument("--lang", choices=list(i18n.LANGS), help=_help("lang"))


def run(args) -> int:
    import socket

    import uvicorn

    from .. import UsageError

    lang = ui_lang(args.lang)
    if not args.max_size > 0:
        raise UsageError(_help("bad-size", lang))
    if not 0 <= args.port <= 65535:
        raise UsageError(_help("bad-port", lang, port=args.port))
    hosts = None if args.host in ("0.0.0.0", "::", "") else ["127.0.0.1", "localhost", "[::1]", "::1", args.host]
    app = create_app(max_mb=args.max_size, timeout=args.timeout, lang=lang, hosts=hosts)
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as e:
        sock.close()
        raise UsageError(_help("cannot-listen", lang, host=args.host, port=args.port, error=e.strerror or e)) from None
    port = sock.getsockname()[1]
    shown = f"[{args.host}]" if family == socket.AF_INET6 else args.host
    print(_help("open", lang, url=f"http://{shown}:{port}/"), flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False)
    uvicorn.Server(config).run(sockets=[sock])
    return 0
