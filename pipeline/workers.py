"""The worker processes' fork server, and the one call that starts it early.

This module imports nothing of the library, so a command can start the fork server before it
imports anything else (``pipeline.cli.main``): the fork server then imports the library and
loads the built-in rules (``pipeline.preload``, about a second) on the other core while the
command imports its own modules, loads the rules and finds its inputs. Started after those
imports, as before, the fork server began 0.67 s after launch instead of 0.2 s, and the
first worker came about 0.45 s later (``strace -f -tt`` of one page cleaned).

Guarantees: :data:`CONTEXT` is the one multiprocessing context workers are made from
(``pipeline.supervise``), with its preload set; :func:`start_workers` never waits for the fork
server to be ready, and calling it again does nothing.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver

# From this many inputs on, a command cleans on one process per core by default: below it,
# starting the processes (~1 s each, they import trafilatura) costs more than it saves.
PARALLEL_FROM = 200

CONTEXT: multiprocessing.context.ForkServerContext = multiprocessing.get_context("forkserver")
CONTEXT.set_forkserver_preload(["pipeline.preload"])


def start_workers() -> None:
    """Start the fork server now, without waiting for it: it imports the library and loads
    the built-in rules (``pipeline.preload``) while the caller goes on, so the first worker
    is forked from a ready process instead of waiting for all that."""
    multiprocessing.forkserver.ensure_running()
