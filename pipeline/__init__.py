"""article-clean: article-aware cleaning of scraped news text, every removal explained.

Public API::

    from pipeline import clean_bytes, clean_file, load_rules
    article = clean_file("raw/story.txt")
    article.clean_text()   # the body
    article.to_json()      # provenance: source hash, repairs, every removal with its rule
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.4.0.dev4"

if TYPE_CHECKING:
    from pipeline.article import Article, Kind, Removal, Segment
    from pipeline.clean import clean_bytes, clean_file
    from pipeline.errors import (
        CleaningError,
        DecodeError,
        InputError,
        LimitError,
        OutputError,
        RulesError,
    )
    from pipeline.limits import Limits
    from pipeline.rules import Rules, load_rules

# Where each public name lives. They are imported on first use, so that importing any part of
# the package (the command's entry point, the flow's) costs only that part: the rules module
# alone is 0.06 s, the cleaning stages bring in trafilatura and lxml (a quarter of a second),
# and the command starts its worker processes before it imports them (``pipeline.cli``).
_PUBLIC = {
    "Article": "pipeline.article",
    "Kind": "pipeline.article",
    "Removal": "pipeline.article",
    "Segment": "pipeline.article",
    "clean_bytes": "pipeline.clean",
    "clean_file": "pipeline.clean",
    "CleaningError": "pipeline.errors",
    "DecodeError": "pipeline.errors",
    "InputError": "pipeline.errors",
    "LimitError": "pipeline.errors",
    "OutputError": "pipeline.errors",
    "RulesError": "pipeline.errors",
    "Limits": "pipeline.limits",
    "Rules": "pipeline.rules",
    "load_rules": "pipeline.rules",
}


def __getattr__(name: str) -> object:
    """A public name, imported from its module on first use (``_PUBLIC``)."""
    module = _PUBLIC.get(name)
    if module is None:
        msg = f"module 'pipeline' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # found directly from now on
    return value


__all__ = [
    "Article",
    "CleaningError",
    "DecodeError",
    "InputError",
    "Kind",
    "LimitError",
    "Limits",
    "OutputError",
    "Removal",
    "Rules",
    "RulesError",
    "Segment",
    "__version__",
    "clean_bytes",
    "clean_file",
    "load_rules",
]
