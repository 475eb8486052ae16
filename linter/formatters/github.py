"""GitHub Actions workflow commands: ``::error file=…,line=…,col=…,title=…::message``."""

from __future__ import annotations

from ..diagnostics import where_text
from ..paths import display

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _esc_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _esc_prop(s: str) -> str:
    return _esc_data(s).replace(":", "%3A").replace(",", "%2C")


class GithubFormatter:
    def __init__(self, lang: str = "zh", **_):
        self.lang = lang

    def format(self, results) -> str:
        out = []
        for r in results:
            for d in r.diagnostics:
                props = f"file={_esc_prop(display(d.path))},line={d.line},col={d.col},endLine={d.end_line},endColumn={d.end_col},title={_esc_prop(d.code + ' ' + d.name)}"
                out.append(
                    f"::{LEVEL.get(d.severity, 'warning')} {props}::{_esc_data(d.code + ' ' + d.message + where_text(d.where, self.lang))}"
                )
        return "\n".join(out) + ("\n" if out else "")
