"""Front ends: the command line, the language server, the batch audit and its page, ``nblint new``, the benchmark.

They sit on top of the pipeline (engine, checks, model, tables, layout, normalisation, readers) and are imported by
nothing below them.
"""
