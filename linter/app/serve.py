"""``nblint serve``: a local page to drop a report on (Starlette + uvicorn + python-multipart).

A clerk who never opens a terminal starts ``nblint serve`` (or has it started for them), opens
``http://127.0.0.1:8765/`` and drops a DOCX, PDF, HTML, Markdown or text report on the page: the report's text comes
back with every problem highlighted, grouped by section, with the page or paragraph, and each problem's explanation
and legal basis on click; the annotated copy of the file downloads from the same page.  The page is static
(``linter/app/static/``: HTML, CSS and JavaScript, no CDN, no external request), so it works offline.

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

import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from .. import budget

STATIC = Path(__file__).resolve().parent / "static"
DEFAULT_PORT = 8765
DEFAULT_MAX_MB = 50.0
DRAIN_FACTOR = 8  # a refused body is read (and dropped) up to this many times the limit before the answer
MAX_WORKERS = 2  # lints at the same time (the machine's other requests wait for a free one)
ACCEPTED = (".docx", ".pdf", ".html", ".htm", ".md", ".markdown", ".txt")

# Messages of the page and of the API, by language: the rules' own messages are in rules/*.yaml.
TEXTS = {
    "zh": {
        "too-large": "文件太大：上传内容超过 {mb:g} MB 的上限（可用 nblint serve --max-size 调整）",
        "no-file": "没有收到文件：请选择或拖入一份年报（DOCX、PDF、HTML、MD 或 TXT）",
        "empty": "上传的文件「{name}」是空的（0 字节），请重新选择文件",
        "bad-type": "不支持「{ext}」文件：请上传 DOCX、PDF、HTML、MD 或 TXT 格式的年报",
        "old-office": "不支持「{ext}」文件：请先用 Word 或 WPS 另存为 .docx（或导出 PDF）后再检查",
        "bad-form": "上传格式不正确：请通过页面选择文件，或以 multipart/form-data 提交 file 字段",
        "bad-lang": "lang 只能是 zh 或 en",
        "no-annotate": "此版本的 nblint 还不能生成标注文件（缺少 nblint.app.annotate 模块）",
        "annotate-failed": "生成标注文件失败：{error}",
        "internal": "服务器内部错误，请把文件和这条信息报告给维护者：{error}",
        "not-found": "没有这个地址：{path}",
        "method": "这个地址不接受 {method} 请求",
        "preamble": "标题与开头",
        "file": "文件",
    },
    "en": {
        "too-large": "File too large: the upload exceeds the limit of {mb:g} MB (nblint serve --max-size changes it)",
        "no-file": "No file received: choose or drop a report (DOCX, PDF, HTML, MD or TXT)",
        "empty": "The uploaded file '{name}' is empty (0 bytes); choose the file again",
        "bad-type": "'{ext}' files are not supported: upload a DOCX, PDF, HTML, MD or TXT report",
        "old-office": "'{ext}' files are not supported: save the file as .docx (or export a PDF) in Word or WPS first",
        "bad-form": "Malformed upload: choose the file on the page, or post a multipart/form-data field named file",
        "bad-lang": "lang must be zh or en",
        "no-annotate": "This version of nblint cannot write annotated files yet (nblint.app.annotate is missing)",
        "annotate-failed": "Could not write the annotated file: {error}",
        "internal": "Internal server error; please report the file and this message: {error}",
        "not-found": "No such address: {path}",
        "method": "This address does not accept {method} requests",
        "preamble": "Title and opening",
        "file": "File",
    },
}
OLD_OFFICE = (".doc", ".wps", ".et", ".xls", ".xlsx", ".ppt", ".pptx", ".rtf", ".odt")


def text(lang: str, key: str, **values: Any) -> str:
    return TEXTS.get(lang, TEXTS["zh"])[key].format(**values)


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
        raise UploadError(415, "old-office" if ext in OLD_OFFICE else "bad-type", ext=ext or upload.name)
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


_BLOCK = re.compile(r"(?:paragraph (?P<p>\d++))|(?:table (?P<t>\d++)(?: row (?P<r>\d++))?(?: cell (?P<c>\d++))?)")


def place(extra: dict, lang: str, where: dict | None = None) -> str:
    """Where a diagnostic is, for a person: 第3页, 第12段, 表格2第3行 (empty when the file has no pages/blocks).

    A diagnostic's ``where`` (page, paragraph, table cell), when the engine gives one, is phrased as every output
    phrases it (``diagnostics.place_text``); else the reader's page and block in ``extra``."""
    from .. import diagnostics

    place_text = getattr(diagnostics, "place_text", None)
    if where and place_text is not None:
        return str(place_text(where, lang))
    parts = []
    if extra.get("page") is not None:
        parts.append(f"第{extra['page']}页" if lang == "zh" else f"page {extra['page']}")
    block = extra.get("block")
    if block:
        m = _BLOCK.fullmatch(str(block))
        if m and lang == "zh":
            if m.group("p"):
                parts.append(f"第{m.group('p')}段")
            else:
                b = f"表格{m.group('t')}"
                if m.group("r"):
                    b += f"第{m.group('r')}行"
                if m.group("c"):
                    b += f"第{m.group('c')}格"
                parts.append(b)
        else:
            parts.append(str(block))
    return "，".join(parts) if lang == "zh" else ", ".join(parts)


def rule_info(rule, lang: str) -> dict:
    """The explanation of a rule as the page shows it on click: its description and legal basis."""
    if lang == "en":
        description = getattr(rule, "description_en", "") or rule.description
        basis = getattr(rule, "basis_en", "") or rule.basis
    else:
        description, basis = rule.description, rule.basis
    return {"name": rule.name, "severity": rule.severity, "description": description.strip(), "basis": basis}


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
    from starlette.responses import FileResponse, JSONResponse, Response
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
        if lg not in TEXTS:
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
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    async def health(request: Request):
        from .. import __version__

        return JSONResponse(
            {"ok": True, "version": __version__, "max_mb": max_mb, "accept": list(ACCEPTED), "lang": lang}
        )

    async def on_http_error(request: Request, exc: Exception):
        assert isinstance(exc, HTTPException)
        q = request.query_params.get("lang")
        lg = q if q is not None and q in TEXTS else lang
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


HELP = {
    "zh": {
        "host": "监听的地址（默认 127.0.0.1：只有本机能打开页面）",
        "port": "端口（默认 {port}；0：任选一个空闲端口）",
        "max-size": "上传文件的大小上限，单位 MB（默认 {mb:g}）",
        "timeout": "每份年报的检查时限，单位秒（默认 {s:g}；0：不限）",
        "lang": "页面和提示的默认语言（默认中文）",
        "bad-size": "--max-size 必须是大于 0 的 MB 数",
        "bad-port": "--port 必须在 0 到 65535 之间，不能是 {port}",
        "cannot-listen": "无法在 {host}:{port} 上监听：{error}",
        "open": "nblint serve：请在浏览器中打开 {url} （按 Ctrl+C 停止）",
    },
    "en": {
        "host": "address to listen on (default 127.0.0.1: this computer only)",
        "port": "port (default {port}; 0: any free port)",
        "max-size": "largest upload in MB (default {mb:g})",
        "timeout": "time one report may take, in seconds (default {s:g}; 0: no limit)",
        "lang": "default language of the page and its messages (default Chinese)",
        "bad-size": "--max-size must be a positive number of MB",
        "bad-port": "--port must be between 0 and 65535, not {port}",
        "cannot-listen": "cannot listen on {host}:{port}: {error}",
        "open": "nblint serve: open {url} in a browser (Ctrl+C stops)",
    },
}


def ui_lang(lang: str | None = None) -> str:
    """The interface language: ``lang`` when given, else nblint's (``nblint.i18n`` when present), else
    ``NBLINT_LANG``, else Chinese."""
    if lang in HELP:
        return str(lang)
    try:
        import importlib

        current = importlib.import_module("nblint.i18n").current()
        if current in HELP:
            return str(current)
    except (ImportError, AttributeError):
        pass
    env = os.environ.get("NBLINT_LANG", "").strip().lower()[:2]
    return env if env in HELP else "zh"


def add_arguments(parser) -> None:
    from .cli import seconds_arg

    h = HELP[ui_lang()]
    parser.add_argument("--host", default="127.0.0.1", help=h["host"])
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=h["port"].format(port=DEFAULT_PORT))
    parser.add_argument(
        "--max-size", type=float, default=DEFAULT_MAX_MB, metavar="MB", help=h["max-size"].format(mb=DEFAULT_MAX_MB)
    )
    parser.add_argument(
        "--timeout",
        type=seconds_arg,
        default=budget.DEFAULT_SECONDS,
        metavar="SECONDS",
        help=h["timeout"].format(s=budget.DEFAULT_SECONDS),
    )
    parser.add_argument("--lang", choices=["zh", "en"], help=h["lang"])


def run(args) -> int:
    import socket

    import uvicorn

    from .. import UsageError

    lang = ui_lang(args.lang)
    h = HELP[lang]
    if not args.max_size > 0:
        raise UsageError(h["bad-size"])
    if not 0 <= args.port <= 65535:
        raise UsageError(h["bad-port"].format(port=args.port))
    hosts = None if args.host in ("0.0.0.0", "::", "") else ["127.0.0.1", "localhost", "[::1]", "::1", args.host]
    app = create_app(max_mb=args.max_size, timeout=args.timeout, lang=lang, hosts=hosts)
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as e:
        sock.close()
        raise UsageError(h["cannot-listen"].format(host=args.host, port=args.port, error=e.strerror or e)) from None
    port = sock.getsockname()[1]
    shown = f"[{args.host}]" if family == socket.AF_INET6 else args.host
    print(h["open"].format(url=f"http://{shown}:{port}/"), flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False)
    uvicorn.Server(config).run(sockets=[sock])
    return 0
