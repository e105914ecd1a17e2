"""Sweeps: a question's headlines over many draws or parameter variants, in this process by default or on a Dask
cluster when the analyst points carepay at one. Same code path and same seeded results either way: the draws are
made here, split into chunks in order, and each chunk is evaluated by the same function wherever it runs.

Where it runs: ``scheduler=None`` (or the environment variable CAREPAY_DASK_SCHEDULER unset) evaluates in this
process; ``"local"`` starts a ``distributed.LocalCluster`` on this machine; anything else is a scheduler address
(``tcp://host:8786``) of a cluster the municipality runs. Dask is an optional extra (``pip install
'carepay[dask]'``) and is imported only when a cluster is used, never by a report that does not ask for one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pandas as pd

from carepay.uncertainty import chunked

Headlines = Callable[[Any, pd.DataFrame], pd.DataFrame]

#: Draws per task on a cluster: large enough that scheduling costs little against the arithmetic.
CHUNK = 5_000


def evaluate(
    headlines: Headlines,
    prepared: Any,
    draws: pd.DataFrame,
    scheduler: str | None = None,
    chunk: int = CHUNK,
    workers: int = 2,
) -> pd.DataFrame:
    """headlines(prepared, draws) for every draw, one row per draw in the draws' order."""
    scheduler = scheduler if scheduler is not None else os.environ.get("CAREPAY_DASK_SCHEDULER") or None
    if scheduler is None:
        return headlines(prepared, draws)
    from distributed import Client

    with _client(Client, scheduler, workers) as client:
        shared = client.scatter(prepared, broadcast=True)
        parts = [draws.iloc[s] for s in chunked(len(draws), chunk)]
        futures = client.map(headlines, [shared] * len(parts), parts, pure=False)
        results = client.gather(futures)
    return pd.concat(results, ignore_index=True)


def _client(client_class: Any, scheduler: str, workers: int) -> Any:
    if scheduler != "local":
        return client_class(scheduler)
    import dask
    from distributed import LocalCluster

    # Dask sets MALLOC_TRIM_THRESHOLD_=65536 in its workers, which made this numpy work 1,7 x slower (system time):
    # leave the C library's default.
    with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    return _Closing(client_class(cluster), cluster)


class _Closing:
    """A client and the LocalCluster it started, closed together."""

    def __init__(self, client: Any, cluster: Any) -> None:
        self.client, self.cluster = client, cluster

    def __enter__(self) -> Any:
        return self.client

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        self.cluster.close()
