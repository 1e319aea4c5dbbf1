"""article-clean: article-aware cleaning of scraped news text, every removal explained.

Public API::

    from pipeline import clean_bytes, clean_file, load_rules
    article = clean_file("raw/story.txt")
    article.clean_text()   # the body
    article.to_json()      # provenance: source hash, repairs, every removal with its rule
"""

from __future__ import annotations

__version__ = "0.4.0.dev1"

from typing import TYPE_CHECKING

from pipeline.article import Article, Kind, Removal, Segment
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

if TYPE_CHECKING:
    from pipeline.clean import clean_bytes, clean_file


def __getattr__(name: str) -> object:
    """``clean_bytes`` and ``clean_file``, imported on first use: the cleaning stages bring in
    trafilatura and lxml (a quarter of a second), which a process that only hands files to
    worker processes (the command's, the flow's) never needs."""
    if name in ("clean_bytes", "clean_file"):
        from pipeline import clean

        return getattr(clean, name)
    msg = f"module 'pipeline' has no attribute {name!r}"
    raise AttributeError(msg)


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
