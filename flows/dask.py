"""Scale-out: the same ``clean-folder`` flow with its batches on a Dask cluster.

    python -m flows.clean_folder --dask                       # a local cluster, one worker a core
    python -m flows.clean_folder --dask-address tcp://host:8786   # an existing cluster

Needs the ``dask`` extra (``pip install '.[dask]'``). On Dask each batch is cleaned by one
stoppable worker process under the Dask worker (``pipeline.supervise``), so the hard time limit
holds there too. That needs Dask workers that may start processes: a local cluster's are made
so (``distributed.worker.daemon: false``); on a remote cluster whose workers are daemonic (Dask's
default), batches are cleaned inside the Dask worker, where the limit is checked between steps
only. Every Dask worker reports its task runs to Prefect, so it
must know the Prefect server: a local cluster is handed the address of this run's server
(started up front when none is configured), so the run uses one server and not one per worker.
A remote cluster's workers need ``PREFECT_API_URL`` set to a server they can reach, the same
package versions as here, and the input and output folders at the same paths.
"""

from __future__ import annotations

import os
from typing import Any

import dask
from prefect.settings import get_current_settings
from prefect_dask.task_runners import DaskTaskRunner


def prefect_api_url() -> str:
    """The configured Prefect API, or the address of this process's embedded server."""
    url = get_current_settings().api.url
    if url:
        return str(url)
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the process-wide instance the Prefect client also uses
    server.start()
    return server.api_url


def dask_runner(address: str | None = None, workers: int | None = None) -> DaskTaskRunner:
    """A task runner on the cluster at ``address``, or on a new local cluster on loopback."""
    if address:
        return DaskTaskRunner(address=address)
    env = {"PREFECT_API_URL": prefect_api_url()}
    quiet = ("PREFECT_LOGGING_LEVEL", "PREFECT_SERVER_ANALYTICS_ENABLED", "DO_NOT_TRACK",
             "DASK_LOGGING__DISTRIBUTED")  # fmt: skip
    for name in ("PREFECT_HOME", *quiet):
        if name in os.environ:
            env[name] = os.environ[name]
    # Dask starts its workers as daemonic processes, which may not start processes of their
    # own; the per-file worker that can be stopped at its time limit is one.
    dask.config.set({"distributed.worker.daemon": False})
    cluster: dict[str, Any] = {
        "n_workers": workers or os.cpu_count() or 1,
        "threads_per_worker": 1,  # the cleaning is CPU-bound: one batch per process at a time
        "processes": True,
        "host": "127.0.0.1",
        "dashboard_address": None,
        "env": env,
    }
    return DaskTaskRunner(cluster_kwargs=cluster)
