"""Loaded at start-up by every Python process the speed benchmark starts (``bench/hook`` is
put first on their ``PYTHONPATH``); it does something only when the benchmark asked for time
by stage (``ARTICLE_CLEAN_BENCH_STAGES`` names a folder for the dumps). See ``bench.stages``.
"""

import os

if os.environ.get("ARTICLE_CLEAN_BENCH_STAGES"):
    from bench.stages import install_on_import

    install_on_import()
