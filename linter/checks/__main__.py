"""``python -m nblint.checks``: print the reference of check kinds (docs/checks.md)."""

import sys

from . import checks_markdown

sys.stdout.write(checks_markdown())
