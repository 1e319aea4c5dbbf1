"""article-clean: article-aware cleaning of scraped news text, every removal explained.

Public API::

    from pipeline import clean_bytes, clean_file, load_rules
    article = clean_file("raw/story.txt")
    article.clean_text()   # the body
    article.to_json()      # provenance: source hash, repairs, every removal with its rule
"""

from __future__ import annotations

__version__ = "0.3.0"

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
