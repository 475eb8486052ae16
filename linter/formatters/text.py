"""``path:line:col: CODE message`` (flake8/ruff style), coloured on a terminal."""
from __future__ import annotations

from collections import Counter

SEV_COLOR = {"error": "RED", "warning": "YELLOW", "info": "CYAN"}


class TextFormatter:
    def __init__(self, color: bool = False, statistics: bool = False, show_summary: bool = True, rules=None):
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

    def line(self, d) -> str:
        if not self.color:
            return f"{d.path}:{d.line}:{d.col}: {d.code} {d.message}"
        F, S = self.Fore, self.Style
        code = self._c(d.code, S.BRIGHT, getattr(F, SEV_COLOR.get(d.severity, "WHITE")))
        return f"{self._c(d.path, S.BRIGHT)}:{d.line}:{d.col}: {code} {d.message}"

    def format(self, results) -> str:
        out = []
        counts = Counter()
        sev = Counter()
        files = 0
        for r in results:
            files += 1
            for d in r.diagnostics:
                out.append(self.line(d))
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
                parts = ", ".join(f"{sev[s]} {s}{'s' if sev[s] != 1 else ''}" for s in ("error", "warning", "info") if sev[s])
                out.append(f"Found {total} problem{'s' if total != 1 else ''} ({parts}) in {files} file{'s' if files != 1 else ''}.")
            else:
                out.append(f"All checks passed ({files} file{'s' if files != 1 else ''}).")
        return "\n".join(out) + ("\n" if out else "")
