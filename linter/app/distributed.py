"""``nblint audit --scheduler``: the lint on a Dask distributed cluster, with the interface of the local pool.

``--scheduler dask`` starts a local cluster of ``--jobs`` worker processes (one thread each); ``tcp://HOST:PORT``
uses a running scheduler (``dask scheduler`` and ``dask worker tcp://HOST:PORT`` on the machines, each with nblint
installed: tasks name nblint's functions, they do not carry code).  Files go out in batches (the same chunk size as
the local pool); results stream back as batches finish.  Each worker builds its engine once, the first time a
batch of this run reaches it (the settings, time-out and manifest facts travel once per worker, scattered).
Time-outs work off the main thread (nblint.budget's cooperative checks; Dask runs tasks in worker threads).

Dask is an optional dependency: ``pip install 'nblint[dask]'``.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterable, Iterator


def _missing() -> str:
    return "--scheduler needs Dask distributed: pip install 'nblint[dask]'"


def check_scheduler(scheduler: str) -> None:
    """A usage error (raised) when the option cannot work: Dask is not installed, or the address is not one."""
    from .cli import UsageError

    if scheduler != "dask" and not scheduler.startswith(("tcp://", "tls://", "inproc://", "ws://", "wss://")):
        raise UsageError(f"--scheduler {scheduler!r}: 'dask' (a local cluster) or an address such as tcp://HOST:8786")
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise UsageError(_missing()) from None


class _Args:
    """The worker initializer's arguments, scattered once to every worker (not a collection for Dask to split)."""

    def __init__(self, value: tuple):
        self.value = value


_READY: str | None = None  # the run whose initializer has run in this worker process


def _batch(fn, initializer, args: _Args, token: str, batch: list) -> list:
    global _READY
    if _READY != token:
        initializer(*args.value)
        _READY = token
    return [fn(task) for task in batch]


class DaskPool:
    """``imap_unordered`` over a Dask cluster, like the local process pool of nblint.app.audit."""

    def __init__(self, scheduler: str, jobs: int, initializer, initargs: tuple):
        from distributed import Client, LocalCluster

        self.cluster = None
        if scheduler == "dask":
            self.cluster = LocalCluster(
                n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
            )
            self.client = Client(self.cluster)
        else:
            self.client = Client(scheduler, timeout=30)
        self.initializer = initializer
        self.args = self.client.scatter(_Args(initargs), broadcast=True, hash=False)
        self.token = uuid.uuid4().hex
        workers = len(self.client.scheduler_info().get("workers", {})) or jobs
        self.workers = max(1, workers)

    def imap_unordered(self, fn, tasks: Iterable, chunksize: int = 1) -> Iterator:
        from distributed import as_completed

        it = iter(tasks)
        batches = []
        while True:
            chunk = list(itertools.islice(it, max(1, chunksize)))
            if not chunk:
                break
            batches.append(chunk)
        if not batches:
            return
        futures = [
            self.client.submit(_batch, fn, self.initializer, self.args, self.token, b, pure=False) for b in batches
        ]
        for fut in as_completed(futures):
            yield from fut.result()
            fut.release()

    def close(self, wait: bool = True) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
