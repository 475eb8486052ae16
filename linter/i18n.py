"""Interface strings in Chinese and English: one place for every text of nblint's own interface.

The messages of the rules stay with the rules (``message`` / ``message-en`` in ``rules/*.yaml``); everything
around them — ``--help`` of every command, the summary line, the severity words, the reasons of NB001, the labels
of ``nblint explain`` — is a key of :data:`STRINGS` with its Chinese and English text.

Chinese is the default, the language of the report authors.  ``--lang en`` (any command) or ``NBLINT_LANG=en``
switch to English; :func:`current` is what a front end uses when it has no language of its own.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

LANGS = ("zh", "en")
DEFAULT = "zh"

_chosen: str | None = None


def current() -> str:
    """The interface language: the one set by a front end (``--lang``), else ``NBLINT_LANG``, else Chinese."""
    if _chosen in LANGS:
        return _chosen
    env = os.environ.get("NBLINT_LANG", "").strip().lower()[:2]
    return env if env in LANGS else DEFAULT


def set_lang(lang: str | None) -> None:
    """Choose the interface language for this process (``None``: back to ``NBLINT_LANG`` or Chinese)."""
    global _chosen
    _chosen = lang if lang in LANGS else None


def lang_from_argv(argv: Sequence[str]) -> str | None:
    """The value of ``--lang`` in a command line not parsed yet (help texts are needed to build the parser)."""
    for i, a in enumerate(argv):
        if a == "--":
            break
        if a == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGS:
            return argv[i + 1]
        if a.startswith("--lang=") and a[7:] in LANGS:
            return a[7:]
    return None


def t(key: str, lang: str | None = None, **values) -> str:
    """The text of ``key`` in ``lang`` (default: :func:`current`), filled with ``values`` (``str.format``)."""
    lang = lang or current()
    zh, en = STRINGS[key]
    text = en if lang == "en" else zh
    if not values:
        return text
    return text.format(**{k: v.render(lang) if isinstance(v, Msg) else v for k, v in values.items()})


def words(prefix: str, lang: str) -> dict[str, str]:
    """The texts of the keys that start with ``prefix``, in ``lang``, by their names without the prefix and not
    filled in: the words of a page (the audit page's ``page.``, serve's ``ui.``), whose script fills them."""
    n = len(prefix)
    return {k[n:]: pair[1] if lang == "en" else pair[0] for k, pair in STRINGS.items() if k.startswith(prefix)}


class Msg:
    """A text to be rendered later in the reader's language: a key of :data:`STRINGS` and its values.  Readers raise
    ``ReadError(Msg(...))`` before anyone knows which language the diagnostic will be printed in."""

    __slots__ = ("key", "values")

    def __init__(self, key: str, **values):
        if key not in STRINGS:
            raise KeyError(f"no interface string {key!r}")
        self.key = key
        self.values = values

    def render(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.values)

    def __str__(self) -> str:  # the English text: stable for logs, tests and the fuzzer's classification
        return self.render("en")

    def __repr__(self) -> str:
        return f"Msg({self.key!r}, **{self.values!r})"


def severity_word(severity: str, lang: str | None = None) -> str:
    return t(f"severity.{severity}", lang)


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


# key -> (Chinese, English)
STRINGS: dict[str, tuple[str, str]] = {
    # ---- severities and the summary line ----
    "severity.error": ("错误", "error"),
    "severity.warning": ("警告", "warning"),
    "severity.info": ("提示", "info"),
    "summary.found": (
        "发现 {total} 个问题（{parts}），共 {files} 个文件",
        "Found {total} {problems} ({parts}) in {files} {filew}.",
    ),
    "summary.part.error": ("{n} 个错误", "{n} error{s}"),
    "summary.part.warning": ("{n} 个警告", "{n} warning{s}"),
    "summary.part.info": ("{n} 个提示", "{n} info{s}"),
    "summary.sep": ("、", ", "),
    "summary.fixable": (
        "其中 {n} 个标有 [*] 的问题可用 --fix 自动修正",
        "[*] {n} fixable with the --fix option",
    ),
    "summary.clean": ("全部通过（{files} 个文件）", "All checks passed ({files} {filew})."),
    "summary.fixed": ("已修复 {n} 个问题", "Fixed {n} problem{s}"),
    "summary.no-files": (
        "没有找到可检查的年报文件（支持 .docx .pdf .html .md .txt；.doc/.wps 需安装 LibreOffice）",
        "no report files found to check (supported: .docx .pdf .html .md .txt; .doc/.wps with LibreOffice)",
    ),
    "fixable.mark": ("[*]", "[*]"),
    # ---- NB001 reasons (readers) ----
    "read.empty": ("文件是空的", "empty file"),
    "read.no-text": ("文件里没有文字", "the file holds no text"),
    "read.binary-text": ("文件是二进制数据，不是文本", "the file holds binary data, not text"),
    "read.binary-html": ("文件是二进制数据，不是网页", "the file holds binary data, not HTML"),
    "read.undecodable": (
        "无法识别文件的文字编码（可能不是文本文件）",
        "cannot decode the file: not text in any known encoding (binary file?)",
    ),
    "read.decode-as": ("无法按 {enc} 编码读取文件", "cannot decode the file as {enc}"),
    "read.bad-bom": ("{enc} 文本在第 {pos} 字节处有错误", "invalid {enc} text at byte {pos}"),
    "read.open": ("无法打开文件：{why}", "cannot open file: {why}"),
    "read.read": ("无法读取文件内容：{why}", "cannot read file: {why}"),
    "read.too-large": ("文件超过 {mb} MB，不予检查", "file is larger than {mb} MB"),
    "read.too-many-lines": (
        "文本有 {n:,} 行，远超一份年报（上限 {limit:,} 行），不予检查",
        "the text has {n:,} lines, far more than one annual report (limit {limit:,} lines); not linted",
    ),
    "read.too-long": (
        "文本长 {n:,} 个字符，远超一份年报（上限 {limit:,}），不予检查",
        "the text is {n:,} characters long, far more than one annual report (limit {limit:,}); not linted",
    ),
    "read.not-regular": ("不是普通文件（{kind}）", "not a regular file ({kind})"),
    "read.kind.dir": ("目录", "a directory"),
    "read.kind.fifo": ("命名管道", "a FIFO"),
    "read.kind.chr": ("字符设备", "a character device"),
    "read.kind.blk": ("块设备", "a block device"),
    "read.kind.sock": ("套接字", "a socket"),
    "read.kind.other": ("特殊文件", "a special file"),
    "read.corrupt": ("{what} 文件已损坏：{detail}", "corrupt {what}: {detail}"),
    "read.nested": ("{what} 文件已损坏：嵌套过深，无法读取", "corrupt {what}: nested too deeply to read"),
    "read.timeout": ("处理超时（超过 {n} 秒）", "timed out after {n} s"),
    # PDF
    "read.pdf-no-text": (
        "PDF 没有文字层（可能是扫描件），需要先做文字识别（OCR），或改用 Word/WPS 原稿另存的 PDF 或 .docx",
        "no text layer in the PDF (scanned images?); OCR needed, or use a PDF or .docx saved from the Word/WPS original",
    ),
    "read.pdf-garbled": (
        "PDF 的文字层无法识别（没有汉字，可能是字体编码损坏），请用 Word/WPS 原稿重新导出 PDF 或另存为 .docx",
        "PDF text layer is not readable (no Chinese characters; broken font encoding?); export the PDF again from "
        "the Word/WPS original or save it as .docx",
    ),
    "read.pdf-not-pdf": ("不是 PDF 文件（没有 %PDF 文件头）", "not a PDF file (no %PDF header)"),
    "read.pdf-encrypted": (
        "PDF 已加密（需要密码），无法读取；请提供未加密的文件",
        "the PDF is encrypted (password-protected); not read",
    ),
    "read.pdf-corrupt": ("PDF 文件损坏或不完整（{detail}）", "corrupt or truncated PDF ({detail})"),
    "read.pdf-nested": ("PDF 文件已损坏：对象嵌套过深", "corrupt PDF: objects nested too deeply"),
    "read.pdf-no-pages": ("PDF 文件已损坏：没有页面", "corrupt PDF: no pages"),
    "read.pdf-slow": (
        "PDF 读取超过 {n:.0f} 秒（超时），不予检查（文件可能已损坏）",
        "PDF took more than {n:.0f} s to read (time limit); not read (damaged or pathological file?)",
    ),
    "read.pdf-pages": (
        "PDF 有 {n} 页（超过 {limit} 页），不像一份年报，不予检查",
        "PDF has {n} pages (more than {limit}); not read as a report",
    ),
    "read.pdf-chars": (
        "PDF 文字层超过 {limit:,} 个字符，远超一份年报，不予检查",
        "the PDF's text layer has more than {limit:,} characters, far more than one annual report; not read",
    ),
    "read.pdf-bomb": (
        "PDF 的压缩数据解压后超过 {mb} MB（疑似压缩炸弹），不予读取",
        "the PDF's compressed streams inflate to more than {mb} MB (a decompression bomb?); not read",
    ),
    # DOCX
    "read.docx-ole": (
        "不是 DOCX 文件：这是旧版 Word .doc 文件或加密文档；请用 Word/WPS 另存为 .docx 后再检查",
        "not a DOCX file: this is an old binary Word .doc file or a password-protected document; save it as .docx",
    ),
    "read.docx-not-zip": ("不是 DOCX 文件（应为 zip 压缩包）", "not a DOCX file (zip archive expected)"),
    "read.docx-no-word": (
        "不是 DOCX 文件：压缩包里没有 Word 文档",
        "not a DOCX file: the zip archive holds no Word document",
    ),
    "read.docx-other-office": (
        "不是 Word 文档（是其他 Office 格式的压缩包）",
        "not a Word document (the zip archive is another Office format)",
    ),
    "read.docx-big": ("DOCX 解压后超过 256 MB，不予读取", "DOCX unpacks to more than 256 MB; not read"),
    "read.docx-damaged-part": ("DOCX 文件已损坏：部件 {part} 损坏", "corrupt DOCX: damaged part {part}"),
    "read.docx-bad-zip": (
        "DOCX 文件已损坏（压缩包损坏或不完整：{detail}）",
        "corrupt DOCX (damaged or truncated zip archive: {detail})",
    ),
    "read.docx-no-text": ("DOCX 文件里没有文字", "the DOCX holds no text"),
    "read.docx-lines": ("DOCX 行数过多，不像一份年报", "DOCX has too many lines to be a report"),
    # HTML
    "read.html-no-text": ("网页中没有找到文字", "no text found in the HTML page"),
    "read.html-too-long": (
        "网页有 {n:,} 个{unit}，远超一份年报（上限 {limit:,}），不予检查",
        "the HTML page is {n:,} {unit} long, far more than one annual report (limit {limit:,} characters); not linted",
    ),
    "read.unit.bytes": ("字节", "bytes"),
    "read.unit.characters": ("字符", "characters"),
    "read.html-deep": ("网页嵌套超过 {n} 层，无法读取", "the page is nested more than {n} elements deep"),
    # files as clerks have them
    "read.format.doc": (
        "这是旧版 Word（.doc）文件，nblint 不能直接读取：请用 Word 或 WPS「另存为」.docx 后再检查",
        "an old Word (.doc) file cannot be read directly: save it as .docx in Word or WPS and check that",
    ),
    "read.format.wps": (
        "这是 WPS 文字（.wps）文件，nblint 不能直接读取：请在 WPS 中「另存为」.docx 后再检查",
        "a WPS Writer (.wps) file cannot be read directly: save it as .docx in WPS and check that",
    ),
    "read.format.sheet": (
        "这是电子表格（{ext}），不是年报正文：请检查年报的 Word/WPS 文档（.docx）或发布的 PDF",
        "a spreadsheet ({ext}) is not the report's text: check the report's Word/WPS document (.docx) or its "
        "published PDF",
    ),
    "read.format.image": (
        "这是图片（{ext}），没有文字层：请检查年报的 Word/WPS 文档（.docx）或带文字层的 PDF；扫描件需先做文字识别（OCR）",
        "an image ({ext}) has no text layer: check the report's Word/WPS document (.docx) or a PDF with a text "
        "layer; a scan needs OCR first",
    ),
    "read.format.other": (
        "nblint 不能直接读取这种文件（{ext}）：请用 Word 或 WPS「另存为」.docx 后再检查，或安装 LibreOffice 以自动转换",
        "nblint cannot read this kind of file ({ext}) directly: save it as .docx in Word or WPS and check that, or "
        "install LibreOffice to convert it automatically",
    ),
    "read.convert-failed": (
        "用 LibreOffice 转换 {ext} 文件失败（{detail}）：请用 Word 或 WPS「另存为」.docx 后再检查",
        "converting the {ext} file with LibreOffice failed ({detail}): save it as .docx in Word or WPS and check that",
    ),
    "read.convert-timeout": ("超过 {n:g} 秒", "more than {n:g} s"),
    # ---- the audit's CSV columns ----
    "csv.file": ("文件", "file"),
    "csv.agency": ("机关", "agency"),
    "csv.year": ("年度", "year"),
    "csv.era": ("格式", "era"),
    "csv.previous": ("对比的上一年报告", "previous"),
    "csv.errors": ("错误", "errors"),
    "csv.warnings": ("警告", "warnings"),
    "csv.infos": ("提示", "infos"),
    "csv.total": ("问题总数", "total"),
    "csv.worst_severity": ("最严重程度", "worst_severity"),
    "csv.worst_codes": ("最严重的规则", "worst_codes"),
    "csv.top_codes": ("最常见的规则", "top_codes"),
    "csv.readable": ("可读取", "readable"),
    "csv.internal_error": ("内部错误", "internal_error"),
    "csv.agency_source": ("机关名称来源", "agency_source"),
    "csv.level": ("层级", "level"),
    "csv.published": ("发布日期", "published"),
    "csv.published_origin": ("发布日期来源", "published_origin"),
    "csv.score": ("得分", "score"),
    "csv.deductions": ("扣分", "deductions"),
    "csv.duplicates": ("重复报告", "duplicates"),
    "csv.missing": ("缺少的年报", "missing"),
    # ---- explain ----
    "explain.severity": ("严重程度", "Severity"),
    "explain.eras": ("适用格式", "Eras"),
    "explain.kind": ("检查类型", "Kind"),
    "explain.fixable": ("可自动修正", "Fixable"),
    "explain.yes": ("是", "yes"),
    "explain.no": ("否", "no"),
    "explain.aliases": ("别名", "Aliases"),
    "explain.basis": ("依据", "Basis"),
    "explain.message": ("提示信息", "Message"),
    "explain.fails": ("不通过的例子", "Fails"),
    "explain.passes": ("通过的例子", "Passes"),
    "explain.more": ("规则说明", "rule documentation"),
    "explain.opt-in": ("默认不启用（用 --extend-select {code} 启用）", "opt-in (enable with --extend-select {code})"),
    "explain.unknown": (
        "未知规则「{code}」；运行 `nblint rules` 查看全部规则",
        "unknown rule {code!r}; see `nblint rules`",
    ),
    "rules.header": (
        "代码   名称                               严重 修正  检查类型     适用格式",
        "code   name                               severity fix  kind         eras",
    ),
    # ---- nblint new ----
    "new.wrote": (
        "已写入 {out}（{era} 格式）；请填写所有【…】处和表格，然后运行 `nblint check {out}`",
        "wrote {out} ({era} format); fill in the 【…】 notes and the tables, then run `nblint check {out}`",
    ),
    "new.exists": (
        "nblint new：{out} 已存在；加 --force 覆盖",
        "nblint new: {out} exists; use --force to overwrite it",
    ),
    "new.bad-year": (
        "nblint new：{year} 年没有年报格式（年报从 {first} 年起）",
        "nblint new: no report format for the year {year} (reports exist from {first} on)",
    ),
    "new.no-agency": ("nblint new：--agency 不能为空", "nblint new: --agency must not be empty"),
    "new.cannot-write": ("nblint new：无法写入 {out}：{why}", "nblint new: cannot write {out}: {why}"),
    # ---- usage errors of the CLI ----
    "cli.no-such-path": ("{path}：文件或目录不存在", "{path}: no such file or directory"),
    "cli.fix-diff": ("--fix 和 --diff 不能同时使用", "--fix and --diff cannot be combined"),
    "cli.fix-stdin": ("--fix 不能写回标准输入；请用 --diff", "--fix cannot write to standard input; use --diff"),
    "cli.internal-error": (
        "内部错误：{err}（请把命令和文件报告给维护者；设置 NBLINT_DEBUG=1 可显示完整的出错位置）",
        "internal error: {err} (please report the command and the file; NBLINT_DEBUG=1 shows the full traceback)",
    ),
    "cli.internal": (
        "检查 {path} 时发生内部错误：{err}（请报告此问题）",
        "internal error while linting {path}: {err} (please report this)",
    ),
    "cli.did-you-mean": ("（是不是想用 {option}？）", " (did you mean {option}?)"),
    "cli.bad-rules": ("规则文件有误", "invalid rule files"),
    "cli.fix-binary": (
        "{path}：{kind} 文件不能自动修改，请在 Word/WPS 中按提示修改（{n} 处可修正）",
        "{path}: a {kind} file cannot be changed automatically; make the {n} fixable change(s) in Word/WPS",
    ),
    # ---- argparse's own words ----
    "argparse.positionals": ("位置参数", "positional arguments"),
    "argparse.options": ("选项", "options"),
    "argparse.commands": ("命令", "commands"),
    "argparse.command-help": (
        "要运行的命令（nblint 命令 --help 查看该命令的说明）",
        "the command to run (nblint COMMAND --help)",
    ),
    "argparse.help": ("显示此帮助并退出", "show this help message and exit"),
    "argparse.version": ("显示版本号并退出", "show program's version number and exit"),
    "argparse.error": ("{prog}：错误：{message}", "{prog}: error: {message}"),
    # ---- --help: the program and its commands ----
    "help.prog": (
        "按国家格式检查政府信息公开工作年度报告（章节、三张表格的数字、必须说明的事项）。例：nblint check 年报.docx",
        "Lint 政府信息公开工作年度报告 (government information disclosure annual reports) against the national "
        "format. Example: nblint check report.docx",
    ),
    "help.cmd.check": ("检查年报文件或文件夹", "lint reports"),
    "help.cmd.parse": (
        "显示读到的内容：标题、年份、章节、表格、单元格及其行列",
        "print what was understood: sections, tables, cells with line:col",
    ),
    "help.cmd.rules": ("列出全部规则", "list every rule"),
    "help.cmd.explain": ("说明一条规则：内容、依据、例子", "describe a rule: description, basis, examples"),
    "help.cmd.extract": (
        "显示提取并规范化后的文字（带行号）",
        "print the extracted, normalised text with line numbers",
    ),
    "help.cmd.lsp": (
        "编辑器语言服务器（标准输入输出：诊断、快速修正、悬停说明）",
        "language server over stdio (diagnostics, quick fixes, hover)",
    ),
    "help.cmd.new": ("按年份和机关写出一份合规的年报骨架", "write a compliant report skeleton for a year and agency"),
    "help.cmd.audit": (
        "并行检查一批已发布的年报，输出 HTML/CSV/JSONL 汇总",
        "lint a folder of published reports in parallel; HTML/CSV/JSONL summaries",
    ),
    "help.cmd.annotate": (
        "为每份年报另存一份标注版（Word 批注、PDF 高亮、HTML 标记），原文件不动",
        "write a copy of each report with its problems marked (Word comments, PDF highlights)",
    ),
    "help.cmd.serve": (
        "本地网页：拖入年报，标出并解释问题",
        "a local web page to drop a report on: problems highlighted and explained",
    ),
    "help.audit.no-copying": (
        "不比较不同单位的年报（NB511 抄袭其他单位）",
        "do not compare the reports of different units (NB511, copied from another unit)",
    ),
    "help.audit.manifest": (
        "采集清单（path、agency、level、region、url、published）：提供发布日期和机关",
        "a crawl's manifest (path, agency, level, region, url, published): publication dates and agencies",
    ),
    "help.audit.expect": (
        "应当公开年报的机关清单（agency、level[、year]）：每个未找到年报的机关一行并报 NB508",
        "the agencies that must report (agency, level[, year]): a row and NB508 for each one without a report",
    ),
    "help.audit.profile": (
        "评分方案（rules/profiles：liucheng-2020、suqian-dept、yuhuan-2018、huaihua-2022，或一个 YAML 文件）："
        "按报告和机关打分，并按其本地期限判断 NB504",
        "a scoring profile (rules/profiles: liucheng-2020, suqian-dept, yuhuan-2018, huaihua-2022, or a YAML file): "
        "scores per report and agency, and its local deadlines for NB504",
    ),
    "help.audit.scheduler": (
        "在 Dask 分布式集群上检查（pip install 'nblint[dask]'）：dask 启动本机 --jobs 个进程的集群，"
        "tcp://HOST:PORT 使用已运行的调度器",
        "run the lint on Dask distributed (pip install 'nblint[dask]'): 'dask' starts a local cluster of --jobs "
        "processes, tcp://HOST:PORT uses a running scheduler",
    ),
    "help.annotate.paths": (
        "要标注的年报（DOCX、PDF、HTML、Markdown、文本）",
        "reports to annotate (DOCX, PDF, HTML, Markdown, text)",
    ),
    "help.annotate.out-dir": (
        "标注版的存放文件夹（默认放在原文件旁边；原文件从不改动）",
        "folder for the annotated copies (default: next to each file; the original is never changed)",
    ),
    "help.annotate.lang": ("批注的语言（默认中文）", "language of the comments (default zh)"),
    "help.check.paths": ("文件或文件夹（递归查找）", "files or directories (recursive)"),
    "help.check.output-format": (
        "输出格式；full：在每个问题下显示原文行并用 ^ 标出位置",
        "output format; full: text with the source line and a caret under each diagnostic",
    ),
    "help.check.exit-zero": ("即使发现问题也以 0 退出", "exit 0 even when there are diagnostics"),
    "help.check.timeout": (
        "单个文件最多处理的秒数，超时记为 NB001（默认 {n:g}；0 表示不限）",
        "time one file may take before it becomes an NB001 time-out (default {n:g}; 0: none)",
    ),
    "help.select": (
        "要启用的规则：逗号分隔的代码、前缀或名称（默认全部）",
        "comma-separated codes, prefixes or names to enable (default: all)",
    ),
    "help.extend-select": (
        "在已选规则之外再启用的规则（如默认不启用的 NB212）",
        "codes or names to enable on top of the selection (opt-in rules such as NB212)",
    ),
    "help.ignore": ("要关闭的规则：逗号分隔的代码、前缀或名称", "comma-separated codes, prefixes or names to disable"),
    "help.fail-on": (
        "达到此严重程度才算不通过（默认 info：任何问题）",
        "lowest severity that fails the run (default: info)",
    ),
    "help.statistics": ("按规则统计问题数量", "print counts per rule"),
    "help.config": (
        "配置文件（.nblint.yaml 或 pyproject.toml）",
        "configuration file (.nblint.yaml or pyproject.toml)",
    ),
    "help.previous": (
        "同一机关上一年的年报（用于跨年度规则）",
        "last year's report of the same agency (cross-year rules)",
    ),
    "help.lang": (
        "界面和提示信息的语言（默认 zh 中文；也可设 NBLINT_LANG）",
        "interface and message language (default zh; or NBLINT_LANG)",
    ),
    "help.agency-kind": ("机关类型（名称看不出时指定）", "agency kind (when the name does not tell)"),
    "help.color": ("是否彩色输出（默认 auto：终端上彩色）", "coloured output (default auto: on a terminal)"),
    "help.quiet": ("不显示汇总行", "no summary line"),
    "help.fix": ("自动修正可修正的问题（仅限 Markdown/文本文件）", "apply fixable edits to Markdown/text sources"),
    "help.diff": ("以 diff 形式显示可修正的改动，不写文件", "show the fixable edits as a diff; write nothing"),
    "help.stdin-filename": (
        "从标准输入读取（PATH 为 -）时报告使用的文件名",
        "the name to report for a report read from standard input (PATH -)",
    ),
    "help.json": ("输出 JSON", "print JSON"),
    "help.parse.paths": ("要解析的文件或文件夹", "files or directories to parse"),
    "help.rules.markdown": (
        "以 Markdown 输出规则参考（docs/rules.md）",
        "the rule reference as Markdown (docs/rules.md)",
    ),
    "help.explain.code": ("规则代码或名称，如 NB301", "a rule code or name, e.g. NB301"),
    "help.extract.path": ("要提取文字的文件", "the file to extract"),
    "help.extract.raw": ("显示读取器规范化之前的原始文字", "the reader's text before normalisation"),
    "help.lsp.stdio": (
        "通过标准输入输出通信（默认且唯一的方式）",
        "talk over standard input/output (the default and only transport)",
    ),
    "help.lsp.lang": (
        "提示信息的语言（默认取配置，否则 zh）",
        "message language (default: from the configuration, else zh)",
    ),
    "help.new.year": ("年报年份（统计数据所属的年份）", "report year (the year the statistics cover)"),
    "help.new.agency": ("机关名称，如 某某镇人民政府", "name of the agency, e.g. 某某镇人民政府"),
    "help.new.kind": ("机关类型（默认按名称结尾判断）", "agency kind (default: from the end of the name)"),
    "help.new.output": ("写入的文件（默认：标准输出）", "file to write (default: standard output)"),
    "help.new.force": ("覆盖已存在的 --output 文件", "overwrite --output if it exists"),
    "help.audit.paths": (
        "文件夹（递归）或任何可读格式的文件",
        "directories (recursive) or files of any readable format",
    ),
    "help.audit.jobs": ("并行进程数（默认：全部 CPU 核）", "worker processes (default: all cores)"),
    "help.audit.html": ("写出一个独立的 HTML 页面（无需联网）", "write a self-contained HTML page (no network needed)"),
    "help.audit.csv": ("写出 CSV：每份年报一行", "write one row per report"),
    "help.audit.jsonl": ("写出 JSON Lines：每个问题一条记录", "write one JSON record per diagnostic"),
    "help.audit.no-pairing": (
        "不把同一机关相邻年份的年报配对（跨年度规则将不检查）",
        "do not pair consecutive years of an agency (the cross-year rules then stay silent)",
    ),
    "help.audit.timeout": (
        "单个文件最多处理的秒数，超时记为一行 NB001（默认 {n:g}；0 表示不限）",
        "seconds one file may take before it becomes an NB001 time-out row (default {n:g}; 0: none)",
    ),
    "help.audit.quiet": ("不在标准输出显示汇总", "no summary on stdout"),
    # ---- the audit page (nblint.app.audit_html): its words, shown in the page and given to its script ----
    "page.title": ("政府信息公开工作年度报告审计", "Government information disclosure annual reports: audit"),
    "page.overview": ("概况", "Overview"),
    "page.reports": ("份报告", "reports"),
    "page.paired": ("与上年报告比对", "compared with the year before"),
    "page.agencies": ("个机关", "agencies"),
    "page.agency_unknown": ("机关未识别", "agency unknown"),
    "page.years": ("个年度", "years"),
    "page.year_unknown": ("年度未识别", "year unknown"),
    "page.with_errors": ("份报告有错误", "reports with errors"),
    "page.compliance": ("合规率（无错误的报告）", "compliance rate (reports without errors)"),
    "page.missing_reports": ("份应发布未发布（NB508）", "expected reports missing (NB508)"),
    "page.duplicates": ("份重复报告（NB509）", "duplicate reports (NB509)"),
    "page.unreadable": ("份无法读取（NB001）", "unreadable (NB001)"),
    "page.internal": ("个内部错误", "internal errors"),
    "page.ranking": ("机关排名", "Agency ranking"),
    "page.ranking_note": (
        "合规率 = 无错误的报告 / 报告数；得分按评分方案，缺失年度计入。点击表头排序。",
        "Compliance rate = reports without errors / reports; the score follows the scoring profile, missing years included. Click a header to sort.",
    ),
    "page.rank": ("名次", "Rank"),
    "page.agency": ("机关", "Agency"),
    "page.score": ("得分", "Score"),
    "page.n_reports": ("报告", "Reports"),
    "page.n_missing": ("缺失", "Missing"),
    "page.errors": ("错误", "Errors"),
    "page.warnings": ("警告", "Warnings"),
    "page.infos": ("提示", "Infos"),
    "page.by_year": ("各年度错误数", "Errors by year"),
    "page.rules": ("各规则涉及的报告数", "Reports per rule"),
    "page.rules_note": (
        "每条横条为有该问题的报告数（不是诊断条数）；点击横条按规则筛选报告。",
        "Each bar counts the reports with the problem (not diagnostics); click a bar to filter the reports.",
    ),
    "page.trend": ("年度趋势", "Trend over the years"),
    "page.year": ("年度", "Year"),
    "page.errors_per_report": ("每份报告错误数", "Errors per report"),
    "page.mean_score": ("平均得分", "Mean score"),
    "page.gaps": ("年度不连续的机关", "Agencies with missing years"),
    "page.gaps_none": ("没有机关在首末年度之间缺少年度。", "No agency has a gap between its first and last year."),
    "page.first_last": ("首末年度", "First–last"),
    "page.present": ("已有年度", "Years present"),
    "page.missing_years": ("缺少年度", "Missing years"),
    "page.table": ("报告列表", "Reports"),
    "page.all": ("全部", "all"),
    "page.unknown": ("（未识别）", "(unknown)"),
    "page.code": ("规则", "Code"),
    "page.search": ("搜索", "Search"),
    "page.search_hint": ("文件、机关、标题、规则或诊断内容", "file, agency, title, code or message"),
    "page.file": ("文件", "File"),
    "page.era": ("格式", "Era"),
    "page.codes": ("问题", "Codes"),
    "page.more": ("显示更多", "Show more"),
    "page.click_row": (
        "点击报告查看每条诊断及其所在原文。",
        "Click a report to see each diagnostic and the source line it points to.",
    ),
    "page.showing": ("显示 {a} / {b} 份匹配的报告（共 {c} 份）", "showing {a} of {b} matching reports ({c} in all)"),
    "page.details_title": ("标题：", "Title: "),
    "page.details_paired": ("比对的上年报告：", "Paired with last year's report: "),
    "page.details_internal": ("内部错误：", "Internal error: "),
    "page.details_omitted": (
        "为控制页面大小未列出详情，请见 JSON Lines 输出。",
        "Details omitted to keep this page small: see the JSON Lines output.",
    ),
    "page.details_none": ("没有诊断。", "No diagnostics."),
    "page.details_more": (
        "……另有 {n} 条诊断见 JSON Lines 输出。",
        "… and {n} more diagnostics in the JSON Lines output.",
    ),
    "page.details_deductions": ("扣分：", "Deductions: "),
    "page.details_published": ("发布日期：", "Published: "),
    "page.dup_tag": ("重复", "duplicate"),
    "page.missing_tag": ("未发布", "not published"),
    "page.internal_error": ("内部错误", "internal error"),
    "page.sev_error": ("错误", "error"),
    "page.sev_warning": ("警告", "warning"),
    "page.sev_info": ("提示", "info"),
    "page.explain": ("规则说明", "The rules"),
    "page.basis": ("依据", "Basis"),
    "page.profile": ("评分方案", "Scoring profile"),
    "page.full_points": ("满分", "full points"),
    "page.profile_none": (
        "未指定评分方案（--profile）：排名按合规率。",
        "No scoring profile (--profile): the ranking follows the compliance rate.",
    ),
    "page.example_note": ("（据真实评分标准整理的示例）", " (an example built from real criteria)"),
    "page.generated": ("生成于", "generated"),
    "page.seconds": ("秒", "s"),
    "page.workers": ("个进程", "worker(s)"),
    "page.relative": ("路径相对于", "paths relative to"),
    "page.no_diags": ("没有诊断。", "No diagnostics."),
    "page.origin_manifest": ("采集清单", "manifest"),
    "page.origin_page": ("门户网站页面", "portal page"),
    "page.origin_report": ("报告内日期", "date inside the report"),
    # ---- nblint serve: the page's and the API's messages (serve.*), its options and console (help.serve.*) ----
    "serve.too-large": (
        "文件太大：上传内容超过 {mb:g} MB 的上限（可用 nblint serve --max-size 调整）",
        "File too large: the upload exceeds the limit of {mb:g} MB (nblint serve --max-size changes it)",
    ),
    "serve.no-file": (
        "没有收到文件：请选择或拖入一份年报（DOCX、PDF、HTML、MD 或 TXT）",
        "No file received: choose or drop a report (DOCX, PDF, HTML, MD or TXT)",
    ),
    "serve.empty": (
        "上传的文件「{name}」是空的（0 字节），请重新选择文件",
        "The uploaded file '{name}' is empty (0 bytes); choose the file again",
    ),
    "serve.bad-type": (
        "不支持「{ext}」文件：请上传 DOCX、PDF、HTML、MD 或 TXT 格式的年报",
        "'{ext}' files are not supported: upload a DOCX, PDF, HTML, MD or TXT report",
    ),
    "serve.bad-form": (
        "上传格式不正确：请通过页面选择文件，或以 multipart/form-data 提交 file 字段",
        "Malformed upload: choose the file on the page, or post a multipart/form-data field named file",
    ),
    "serve.bad-lang": ("lang 只能是 zh 或 en", "lang must be zh or en"),
    "serve.no-annotate": (
        "此版本的 nblint 还不能生成标注文件（缺少 nblint.app.annotate 模块）",
        "This version of nblint cannot write annotated files yet (nblint.app.annotate is missing)",
    ),
    "serve.annotate-failed": ("生成标注文件失败：{error}", "Could not write the annotated file: {error}"),
    "serve.internal": (
        "服务器内部错误，请把文件和这条信息报告给维护者：{error}",
        "Internal server error; please report the file and this message: {error}",
    ),
    "serve.not-found": ("没有这个地址：{path}", "No such address: {path}"),
    "serve.method": ("这个地址不接受 {method} 请求", "This address does not accept {method} requests"),
    "serve.preamble": ("标题与开头", "Title and opening"),
    "serve.file": ("文件", "File"),
    "help.serve.host": (
        "监听的地址（默认 127.0.0.1：只有本机能打开页面）",
        "address to listen on (default 127.0.0.1: this computer only)",
    ),
    "help.serve.port": ("端口（默认 {port}；0：任选一个空闲端口）", "port (default {port}; 0: any free port)"),
    "help.serve.max-size": ("上传文件的大小上限，单位 MB（默认 {mb:g}）", "largest upload in MB (default {mb:g})"),
    "help.serve.timeout": (
        "每份年报的检查时限，单位秒（默认 {s:g}；0：不限）",
        "time one report may take, in seconds (default {s:g}; 0: no limit)",
    ),
    "help.serve.lang": (
        "页面和提示的默认语言（默认中文）",
        "default language of the page and its messages (default Chinese)",
    ),
    "help.serve.bad-size": ("--max-size 必须是大于 0 的 MB 数", "--max-size must be a positive number of MB"),
    "help.serve.bad-port": (
        "--port 必须在 0 到 65535 之间，不能是 {port}",
        "--port must be between 0 and 65535, not {port}",
    ),
    "help.serve.cannot-listen": ("无法在 {host}:{port} 上监听：{error}", "cannot listen on {host}:{port}: {error}"),
    "help.serve.open": (
        "nblint serve：请在浏览器中打开 {url} （按 Ctrl+C 停止）",
        "nblint serve: open {url} in a browser (Ctrl+C stops)",
    ),
    # ---- nblint annotate: the comments and the marked page ----
    "annotate.fix": ("修改：", "Fix: "),
    "annotate.line-col": ("第{line}行第{col}列", "line {line}, column {col}"),
    "annotate.line-col-place": ("第{line}行第{col}列，{place}", "line {line}, column {col}, {place}"),
    "annotate.heading": ("{title}：{n} 个问题", "{title}: {n} problem{s}"),
    "annotate.clean": ("{title}：未发现问题", "{title}: no problems found"),
    "annotate.note": (
        "nblint 读到的文本，问题处已标出（▲ 表示此处缺少内容）",
        "the text nblint read, problems marked (▲: something missing here)",
    ),
    # ---- configuration files (.nblint.yaml, pyproject.toml [tool.nblint]): each error is file:line:col: text ----
    "config.did-you-mean": ("（是否想写 '{word}'？）", " (did you mean '{word}'?)"),
    "config.did-you-mean-code": ("（是否想写 {code}？）", " (did you mean {code}?)"),
    "config.unknown-rule": ("未知的规则代码或名称：{ident}{hint}", "unknown rule code or name: {ident}{hint}"),
    "config.type.null": ("空值", "null"),
    "config.type.boolean": ("布尔值", "boolean"),
    "config.type.string": ("字符串", "string"),
    "config.type.list": ("列表", "list"),
    "config.type.mapping": ("映射（键: 值）", "mapping"),
    "config.type.int": ("数字", "number"),
    "config.item.rule": ("规则代码、前缀或名称", "a rule code, prefix or name"),
    "config.item.directory": ("目录", "a directory"),
    "config.item.glob": ("通配模式", "a glob pattern"),
    "config.item.code": ("规则代码", "a rule code"),
    "config.not-mapping": (
        "配置必须是选项的映射（选项: 值），不能是{got}",
        "configuration must be a mapping of options, not {got}",
    ),
    "config.option-name": ("选项名必须是字符串，不能是 {name}", "option names are strings, not {name}"),
    "config.unknown-option": (
        "未知选项 '{name}'{hint}（可用的选项：{known}）",
        "unknown option '{name}'{hint} (known: {known})",
    ),
    "config.option-type": ("选项 '{name}' 应为{want}，不能是{got}", "option '{name}' must be a {want}, not {got}"),
    "config.item-type": ("{name} 应为字符串（{what}），不能是 {got}", "{name} must be a string ({what}), not {got}"),
    "config.choice": ("{name} 只能是 {choices} 之一，不能是 {got}", "{name} must be one of {choices}, not {got}"),
    "config.empty-directory": ("{name}：目录名为空", "{name}: an empty directory name"),
    "config.no-directory": ("{name}：没有这个目录：{directory}", "{name}: no such directory: {directory}"),
    "config.sub-key": ("'{name}' 的键必须是字符串，不能是 {sub}", "the keys of '{name}' are strings, not {sub}"),
    "config.severity": (
        "{code} 的严重程度只能是 {choices} 之一，不能是 {got}",
        "severity of {code} must be one of {choices}, not {got}",
    ),
    "config.codes": ("{name} 应为规则代码的列表，不能是{got}", "{name} must be a list of codes, not {got}"),
    "config.cannot-read": ("无法读取配置文件：{reason}", "cannot read: {reason}"),
    "config.not-utf8": (
        "配置文件不是 UTF-8 编码（字节 {byte}）：请另存为 UTF-8",
        "not UTF-8 (byte {byte}); save the file as UTF-8",
    ),
    "config.yaml": ("YAML 格式错误：{what}", "invalid YAML: {what}"),
    "config.toml": ("TOML 格式错误：{what}", "invalid TOML: {what}"),
    "config.table": ("{name} 应为表，不能是{got}", "{name} must be a table, not {got}"),
    "config.not-found": ("{path}：找不到配置文件", "{path}: configuration file not found"),
    # ---- nblint serve: the page's words (ui.*: serve_page.html's %T_…% fields and app.js's t(…)) ----
    "ui.title": ("政府信息公开工作年度报告检查", "Government information disclosure annual report check"),
    "ui.subtitle": (
        "把年报文件拖到下面，或点击选择文件。文件只在本机检查，检查完即删除。",
        "Drop a report file below, or click to choose one. It is checked on this computer and not kept.",
    ),
    "ui.lang": ("语言", "Language"),
    "ui.drop": ("拖入年报文件，或点击选择", "Drop a report here, or click to choose"),
    "ui.formats": ("支持 DOCX、PDF、HTML、MD、TXT", "DOCX, PDF, HTML, MD or TXT"),
    "ui.previous": (
        "上一年度的年报（可选，用于跨年度检查：上年结转、现行有效件数、重复内容）：",
        "Last year's report (optional, for the cross-year rules: carry-over, documents in force, repeated text):",
    ),
    "ui.pickPrevious": ("选择上一年度的年报", "Choose last year's report"),
    "ui.check": ("开始检查", "Check"),
    "ui.download": ("下载标注版文件", "Download the annotated file"),
    "ui.footer": (
        "nblint · 本页面不连接互联网，上传的文件不会被保存",
        "nblint · this page makes no Internet connection; uploaded files are not kept",
    ),
    "ui.checking": ("正在检查「{name}」……", "Checking '{name}'…"),
    "ui.noFile": ("请先选择或拖入一份年报文件", "Choose or drop a report first"),
    "ui.network": (
        "无法连接 nblint 服务（{error}）；请确认 nblint serve 仍在运行",
        "Cannot reach the nblint server ({error}); is nblint serve still running?",
    ),
    "ui.badAnswer": (
        "服务返回了无法识别的结果（HTTP {status}）",
        "The server sent an answer the page cannot read (HTTP {status})",
    ),
    "ui.found": ("发现 {n} 个问题（{parts}）", "{n} problems ({parts})"),
    "ui.clean": ("未发现问题", "No problems found"),
    "ui.error": ("{n} 个错误", "{n} error(s)"),
    "ui.warning": ("{n} 个警告", "{n} warning(s)"),
    "ui.info": ("{n} 个提示", "{n} info"),
    "ui.sev.error": ("错误", "error"),
    "ui.sev.warning": ("警告", "warning"),
    "ui.sev.info": ("提示", "info"),
    "ui.year": ("年度：{year}", "Year: {year}"),
    "ui.agency": ("机关：{agency}", "Agency: {agency}"),
    "ui.era": ("格式：{name}", "Format: {name}"),
    "ui.eraName": ("{era} 年版", "{era} format"),
    "ui.line": ("第{line}行", "line {line}"),
    "ui.explain": ("说明（{rule}）", "Explanation ({rule})"),
    "ui.basis": ("依据", "Basis"),
    "ui.fix": ("修改建议", "Suggested fix"),
    "ui.noText": ("没有读出文字，见左侧的问题说明。", "No text could be read; see the problem on the left."),
    # rule files, check kinds' parameters and scoring profiles (written by maintainers and evaluators); the names of
    # the types they share with the configuration are config.type.*, YAML errors config.yaml
    "rulefile.type.integer": ("整数", "integer"),
    "rulefile.type.number": ("数", "number"),
    "rulefile.or": ("或", " or "),
    "rulefile.and": ("和", " and "),
    "rulefile.list-of": ("{item}列表", "list of {item}s"),
    "rulefile.must-be": ("应为{what}", "must be a {what}"),
    "rulefile.keys-strings": ("键应为字符串", "keys must be strings"),
    "rulefile.unknown-key-known": ("未知的键 {field}（可用：{known}）", "unknown key {field} (known: {known})"),
    "rulefile.needs": ("缺少 {name}", "needs {name}"),
    "rulefile.unknown-era-scope": (
        "scope 中未知的年代 {era}（可用：{known}, default）",
        "unknown era {era} in scope (known: {known}, default)",
    ),
    "rulefile.scope-string": ("scope 应为字符串", "scope must be a string"),
    "rulefile.unknown-section": (
        "scope 中未知的章节 {value}（可用：document, {known}）",
        "unknown section {value} in scope (known: document, {known})",
    ),
    "rulefile.negative": ("不能为负数", "must not be negative"),
    "rulefile.bad-regex": ("正则表达式 {pattern} 有误：{error}", "bad regular expression {pattern}: {error}"),
    "rulefile.backtracks": (
        "正则表达式 {pattern} 可能超线性回溯（{why}）；请写成无歧义的形式，或把重复写成占有型（'++'、'*+'）或原子组（'(?>…)'）",
        "regular expression {pattern} can backtrack super-linearly ({why}); write it unambiguously or make the "
        "repeat possessive ('++', '*+') or atomic ('(?>…)')",
    ),
    "rulefile.why.nested": ("重复之内又有重复", "a repeat inside a repeat"),
    "rulefile.why.empty-alternative": ("重复的选择中有空的分支", "a repeated choice with an empty alternative"),
    "rulefile.why.alike": ("重复的选择中各分支的开头可能相同", "a repeated choice whose alternatives can start alike"),
    "rulefile.cannot-load": ("无法载入规则文件（{error}）", "cannot load rule file ({error})"),
    "rulefile.unknown-era": ("未知的年代 {era}（可用：{known}）", "unknown era {era} (known: {known})"),
    "rulefile.unknown-agency-kind": (
        "未知的机关类型 {kind}（可用：{known}）",
        "unknown agency kind {kind} (known: {known})",
    ),
    "rulefile.pair": (
        "'{a}' 与 '{b}' 应同时给出（每种语言一段文字）",
        "'{a}' and '{b}' go together (one text per language)",
    ),
    "rulefile.fix-title": (
        "可自动修复的规则需要 'fix-title' 和 'fix-title-en'",
        "a fixable rule needs 'fix-title' and 'fix-title-en'",
    ),
    "rulefile.what.rule": ("规则文件", "rule file"),
    "rulefile.what.profile": ("评分方案", "scoring profile"),
    "rulefile.cannot-read": ("无法读取{what}：{reason}", "cannot read {what}: {reason}"),
    "rulefile.too-large": ("{what}超过 {kb} KB", "{what} larger than {kb} KB"),
    "rulefile.not-utf8": ("{what}不是 UTF-8 编码", "{what} is not UTF-8"),
    "rulefile.not-mapping": ("{what}应为映射（键: 值）", "a {what} must be a mapping"),
    "rulefile.unknown-kind": ("未知的检查类型 {kind}（可用：{known}）", "unknown check kind {kind} (known: {known})"),
    "rulefile.for-kind": ("（检查类型 '{kind}'）", " for kind '{kind}'"),
    "rulefile.missing-key": ("缺少必需的键 '{field}'{for_kind}", "missing required key '{field}'{for_kind}"),
    "rulefile.key-type": ("'{field}' 应为{what}", "'{field}' must be a {what}"),
    "rulefile.unknown-key": ("未知的键 '{field}'{for_kind}", "unknown key '{field}'{for_kind}"),
    "rulefile.code": ("代码 {code} 应形如 NB123", "code {code} must look like NB123"),
    "rulefile.name": ("名称 {name} 应为小写字母、数字和短横线（kebab-case）", "name {name} must be kebab-case"),
    "rulefile.one-of": ("{field} 只能是 {choices} 之一", "{field} must be one of {choices}"),
    "rulefile.examples-keys": (
        "examples 只能包含 'pass' 和 'fail'，不能有 {field}",
        "examples may hold 'pass' and 'fail', not {field}",
    ),
    "rulefile.examples-need": (
        "examples 至少需要一个 'fail' 和一个 'pass' 例子",
        "examples need at least one 'fail' and one 'pass' case",
    ),
    "rulefile.no-directory": ("extend-rules 目录不存在", "extend-rules directory does not exist"),
    "rulefile.duplicate": (
        "规则 {ident} 重复（已在 {where} 中定义）",
        "duplicate rule {ident} (already defined in {where})",
    ),
    "rulefile.cell": ("单元格 {ref} 应写作 表:行:列", "cell {ref} must be table:row:column"),
    "rulefile.check-needs": ("检查 '{check}' 需要 {what}", "check '{check}' needs {what}"),
    "rulefile.cells-ref": ("'cells'（表:行:列）", "'cells' (table:row:column)"),
    "rulefile.group-tag": ("'group'（行的标记）", "'group' (a row tag)"),
    "rulefile.pattern-group": ("含命名组 {group} 的 pattern", "a pattern with a group named {group}"),
    "rulefile.claim-at-most": (
        "expect: text 的声明需要 'at-most'（它不能超过的组）",
        "a claim with expect: text needs 'at-most' (the group it may not exceed)",
    ),
    "rulefile.claim-cells": ("声明缺少 'cells'", "claim needs 'cells'"),
    "rulefile.claim-cells-shape": (
        "cells 应为单元格列表，或单元格列表的列表",
        "cells must be a list of cells or a list of lists of cells",
    ),
    "rulefile.no-group": ("{what} {pattern} 没有命名组 {group}", "{what} {pattern} has no group named {group}"),
    "rulefile.what.claim-pattern": ("声明的 pattern", "claim pattern"),
    "rulefile.month-day": ("日期 {date} 应写作 MM-DD", "date {date} must be MM-DD"),
    "rulefile.give-either": ("应给出 {a} 或 {b}", "give {a} or {b}"),
    "rulefile.at-least": ("至少应为 {n}", "must be at least {n}"),
    "rulefile.must-equal": ("只能是 {value}", "must be {value}"),
    "rulefile.share": ("{field} 是 0 到 1 之间的比例", "{field} is a share between 0 and 1"),
    "rulefile.needs-group": ("{field} 需要命名组 {group}", "{field} needs a group named {group}"),
    "rulefile.names-pattern": (
        "names 的每一项应为含命名组 (?P<name>…) 的字符串",
        "a names pattern is a string with a group (?P<name>…)",
    ),
    "rulefile.unit-keys": ("unit 应为 {shape}", "a unit is {shape}"),
    "rulefile.unit-types": (
        "ends 和 self 应为字符串列表，level 应为整数",
        "ends and self are lists of strings, level an integer",
    ),
    "rulefile.not-codes": ("不是规则代码：{codes}", "not rule codes: {codes}"),
    "rulefile.unknown-profile": (
        "未知的评分方案 {name}（内置：{shipped}；或给出 YAML 文件的路径）",
        "unknown profile {name} (shipped: {shipped}; or a path to a YAML file)",
    ),
    "ui.page": ("第 {page} 页", "page {page}"),
    "ui.preparing": ("正在生成标注文件……", "Writing the annotated file…"),
    "ui.saved": ("已下载「{name}」", "Downloaded '{name}'"),
    "ui.problems": ("问题列表", "Problems"),
    "ui.report": ("年报正文", "Report text"),
    "ui.tooLarge": (
        "文件「{name}」有 {size} MB，超过 {max} MB 的上限（可用 nblint serve --max-size 调整）",
        "'{name}' is {size} MB, more than the limit of {max} MB (nblint serve --max-size changes it)",
    ),
    "ui.docTitle": ("nblint 年报检查", "nblint report check"),
    "ui.listSep": ("、", ", "),
    "ui.metaSep": ("\u3000", " · "),
    "ui.placeSep": ("，", ", "),
    "ui.htmlLang": ("zh-CN", "en"),
}

# argparse's own messages (its gettext message ids) in Chinese; :func:`argparse_text` is installed as argparse's
# translation function while nblint builds and runs its parser in Chinese
ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示此帮助并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多需要一个值",
    "expected at least one argument": "至少需要一个值",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项：%(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "有歧义的选项：%(option)s 可能是 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "忽略了显式参数 %r",
    "one of the arguments %s is required": "需要参数 %s 之一",
    "unexpected option string: %s": "意外的选项：%s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知命令 %(parser_name)r（可选：%(choices)s）",
}


def argparse_text(message: str) -> str:
    """argparse's gettext function for the current language."""
    return ARGPARSE_ZH.get(message, message) if current() == "zh" else message
