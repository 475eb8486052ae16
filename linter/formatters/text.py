"""``path:line:col: CODE message`` (flake8/ruff style), coloured on a terminal; ``full`` adds the source line."""

from __future__ import annotations

import unicodedata
from collections import Counter

from ..diagnostics import where_text
from ..paths import display

SEV_COLOR = {"error": "RED", "warning": "YELLOW", "info": "CYAN"}


class TextFormatter:
    def __init__(
        self, color: bool = False, statistics: bool = False, show_summary: bool = True, rules=None, lang: str = "zh"
    ):
        self.lang = lang
        self.color = color
        self.statistics = statistics
        self.show_summary = show_summary
        self.rules = {r.code: r for r in (rules or [])}
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

    def line(self, d) -> str:
        if not self.color:
            return f"{display(d.path)}:{d.line}:{d.col}: {d.code} {d.message}"
        F, S = self.Fore, self.Style
        code = self._c(d.code, S.BRIGHT, getattr(F, SEV_COLOR.get(d.severity, "WHITE")))
        return f"{self._c(display(d.path), S.BRIGHT)}:{d.line}:{d.col}: {code} {d.message}"

    def context(self, result, d) -> list[str]:
        """Lines printed under a diagnostic (none in this format)."""
        return []

    def format(self, results) -> str:
        out = []
        counts: Counter[str] = Counter()
        sev: Counter[str] = Counter()
        files = 0
        for r in results:
            files += 1
            for d in r.diagnostics:
                out.append(self.line(d) + self.where_part(d))
                out.extend(self.context(r, d))
                counts[d.code] += 1
                sev[d.severity] += 1
        if self.statistics and counts:
            out.append("")
            for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
                name = self.rules[code].name if code in self.rules else ""
                out.append(f"{n:6d}  {code}  {name}")
        if self.show_summary:
            total = sum(counts.values())
            if total:
                parts = ", ".join(
                    f"{sev[s]} {s}{'s' if sev[s] != 1 else ''}" for s in ("error", "warning", "info") if sev[s]
                )
                out.append(
                    f"Found {total} problem{'s' if total != 1 else ''} ({parts}) in {files} file{'s' if files != 1 else ''}."
                )
            else:
                out.append(f"All checks passed ({files} file{'s' if files != 1 else ''}).")
        return "\n".join(out) + ("\n" if out else "")


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
        lines = result.__dict__.setdefault("_lines", result.source_text.split("\n"))
        if not 1 <= d.line <= len(lines):
            return [""]
        src = lines[d.line - 1].rstrip("\r").replace("\t", " ")
        lead = d.col - 1
        if len(src) > 100:  # a long line (a web crawl on one line): a window around the column
            start = max(0, lead - 40)
            src, lead = src[start : start + 100], lead - start
        caret = self._c("^", self.Style.BRIGHT, self.Fore.RED) if self.color else "^"
        return [f"    {src}", "    " + " " * _width(src[:lead]) + caret, ""]
