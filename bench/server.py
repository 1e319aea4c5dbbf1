"""Prefect's embedded server alone, in a fresh process: ``python -m bench.server``.

Imports Prefect, starts the server the flow starts when ``PREFECT_API_URL`` is not set
(``SubprocessASGIServer``) and waits until it answers, then stops it. Prints one JSON line:
seconds to import, to start, and both (``work``). Nothing of the library is imported.
"""

from __future__ import annotations

import json
import sys
import time


def main() -> int:
    start = time.perf_counter()
    # Measuring Prefect's own server is this module's purpose; the library never imports it.
    from prefect.server.api.server import SubprocessASGIServer  # noqa: TID251

    imported = time.perf_counter()
    server = SubprocessASGIServer()
    server.start()
    started = time.perf_counter()
    server.stop()
    result = {"import": imported - start, "start": started - imported, "work": started - start}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
