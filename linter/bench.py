"""``python -m nblint.bench``: the benchmark (it lives with the other front ends in :mod:`nblint.app.bench`)."""

import sys

from .app.bench import main

if __name__ == "__main__":
    sys.exit(main())
