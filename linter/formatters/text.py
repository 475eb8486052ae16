"""``path:line:col: CODE message`` (flake8/ruff style), coloured on a terminal; ``full`` adds the source line."""

from __future__ import annotations

import unicodedata
from collections import Counter

from ..diagnostics import SEVERITIES, where_text
from ..fixes import applicable
from ..i18n import current, severity_word, t
from ..paths import display

SEV_COLOR = {"error": "RED", "warning": "YELLOW", "info": "CYAN"}


class TextFormatter:
    """One line per diagnostic: ``path:line:col: CODE 严重程度 [*] message``; the severity is a word (not only a
    colour) and ``[*]`` marks what ``--fix`` would change; then counts per rule (``--statistics``) and the summary."""

    def __init__(self, color: bool = False, statistics: bool = False, show_summary: bool = True, rules=None, lang=None):
        self.color = color
        self.statistics = statistics
        self.show_summary = show_summary
        self.rules = {r.code: r for r in (rules or [])}
        self.lang = lang or current()
        if color:
            from colorama import Fore, Style

            self.Fore, self.Style = Fore, Style

    def _c(self, text, *styles):
        if not self.color:
            return text
        pre = "".join(styles)
        return f"{pre}{text}{self.Style.RESET_ALL}"

    def where_part(self, d) -> str:
        """The page / paragraph / table cell and a quote, after the message (PDF and DOCX; empty otherwise)."""
        part = where_text(d.where, self.lang) if getattr(d, "where", None) else ""
        return self._c(part, self.Style.DIM) if part and self.color else part

    def line(self, d, fixable: bool = False) -> str:
        sev = severity_word(d.severity, self.lang)
        mark = " " + t("fixable.mark", self.lang) if fixable else ""
        if not self.color:
            return f"{display(d.path)}:{d.line}:{d.col}: {d.code} {sev}{mark} {d.message}"
        F, S = self.Fore, self.Style
        colour = getattr(F, SEV_COLOR.get(d.severity, "WHITE"))
        code = self._c(d.code, S.BRIGHT, colour)
        sev = self._c(sev, colour)
        return f"{self._c(display(d.path), S.BRIGHT)}:{d.line}:{d.col}: {code} {sev}{mark} {d.message}"

    def context(self, result, d) -> list[str]:
        """Lines printed under a diagnostic (none in this format)."""
        return []

    def format(self, results) -> str:
        out = []
        counts: Counter[str] = Counter()
        sev: Counter[str] = Counter()
        files = fixable = 0
        for r in results:
            files += 1
            for d in r.diagnostics:
                fix = applicable(r, d)
                fixable += fix
                out.append(self.line(d, fix) + self.where_part(d))
                out.extend(self.context(r, d))
                counts[d.code] += 1
                sev[d.severity] += 1
        if self.statistics and counts:
            out.append("")
            out.extend(statistics_lines(counts, self.rules))
        if self.show_summary:
            out.extend(summary_lines(sev, files, fixable, self.lang))
        return "\n".join(out) + ("\n" if out else "")


def statistics_lines(counts: Counter, rules: dict) -> list[str]:
    """``--statistics``: the count of each rule, most frequent first."""
    out = []
    for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        name = rules[code].name if code in rules else ""
        out.append(f"{n:6d}  {code}  {name}")
    return out


def summary_lines(sev: Counter, files: int, fixable: int = 0, lang: str | None = None) -> list[str]:
    """「发现 26 个问题（13 个错误、11 个警告、2 个提示），共 7 个文件」, or 「全部通过（1 个文件）」."""
    total = sum(sev.values())
    en = (lang or current()) == "en"
    filew = ("file" if files == 1 else "files") if en else ""
    if not total:
        return [t("summary.clean", lang, files=files, filew=filew)]
    parts = t("summary.sep", lang).join(
        t(f"summary.part.{s}", lang, n=sev[s], s="" if sev[s] == 1 else "s") for s in SEVERITIES if sev[s]
    )
    problems = "problem" if total == 1 else "problems"
    out = [t("summary.found", lang, total=total, problems=problems, parts=parts, files=files, filew=filew)]
    if fixable:
        out.append(t("summary.fixable", lang, n=fixable))
    return out


def _width(text: str) -> int:
    """Display columns of ``text`` in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


class FullFormatter(TextFormatter):
    """Like ``text``, with the source line under each diagnostic and a caret at its column (ruff's "full").
    Shown where line numbers count lines of the reader's text (text, Markdown, DOCX, PDF); an HTML position is in
    the page's source, which the result does not keep."""

    def context(self, result, d) -> list[str]:
        if result.source_text is None or result.kind == "html":
            return [""]
        lines = result.__dict__.get("_lines")
        if lines is None:  # split once per file (setdefault's argument was split again for every diagnostic)
            lines = result.__dict__["_lines"] = result.source_text.split("\n")
        if not 1 <= d.line <= len(lines):
            return [""]
        src = lines[d.line - 1].rstrip("\r").replace("\t", " ")
        lead = d.col - 1
        if len(src) > 100:  # a long line (a web crawl on one line): a window around the column
            start = max(0, lead - 40)
            src, lead = src[start : start + 100], lead - start
        caret = self._c("^", self.Style.BRIGHT, self.Fore.RED) if self.color else "^"
        return [f"    {src}", "    " + " " * _width(src[:lead]) + caret, ""]
