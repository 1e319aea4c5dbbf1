"""The built-in rules, loaded faster from what an earlier run learned of them.

Loading the built-in rules file is about 0.13 s, paid by every command and by the workers'
fork server before it can fork a worker: reading its TOML (0.04 s, ``tomllib`` is pure
Python), compiling its patterns (0.04 s) and analysing each pattern twice more (0.05 s:
the backtracking test, ``pipeline.backtrack``, and the substrings every match needs,
``pipeline.prefilter``). Compiled patterns cannot be kept between processes, but the
document and the analysis can: they are cached as JSON (about 0.002 s to read), and a load
from the cache only compiles and checks, about 0.05 s in all.

Guarantees: the rules loaded from the cache are equal to those :func:`~pipeline.rules.parse_rules`
makes of the same bytes (every check but the analysis runs again on the cached document).
The cache's name holds a digest of the rules file's bytes, of this Python's version and of
the code that reads and analyses rules, so edited rules, another Python or changed code are
never read from a stale file; a cache that is missing, unreadable or damaged is a slower load
only (``pipeline.cache``). Only the built-in file is cached: a user's rules file is checked
against its examples as it loads, which costs far more than the parse.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pipeline.backtrack
import pipeline.prefilter
import pipeline.rules
from pipeline import cache
from pipeline.rules import PatternFacts, Rules, parse_document, read_toml

# Bump when the cache's layout changes.
FORMAT = "article-clean rules cache 1"
# The modules whose code decides what is cached: the document's reading, the analysis.
_CODE = (sys.modules[__name__], pipeline.rules, pipeline.backtrack, pipeline.prefilter)


def parse_cached(data: bytes, source: str) -> Rules:
    """The rules of ``data`` (the built-in file's bytes), from the cache when it has them."""
    name = cache_name(data)
    found = _decode(cache.read(name)) if name is not None else None
    if found is not None:
        doc, facts = found
        return parse_document(doc, data, source, facts)
    doc = read_toml(data, source)
    learned: PatternFacts = {}
    rules = parse_document(doc, data, source, learned)  # raises before anything is cached
    encoded = _encode(doc, learned)
    if name is not None and encoded is not None:
        cache.write(name, encoded)
    return rules


def cache_name(data: bytes) -> str | None:
    """The cache file's name for these rules, this Python and this code; None when the code
    cannot be read (then nothing is cached)."""
    key = hashlib.sha256(f"{FORMAT}\n{sys.version}\n".encode())
    try:
        for module in _CODE:
            key.update(Path(str(module.__file__)).read_bytes())
    except (OSError, TypeError):
        return None
    key.update(hashlib.sha256(data).digest())
    return f"rules-{key.hexdigest()[:24]}.json"


def _encode(doc: dict[str, Any], facts: PatternFacts) -> bytes | None:
    """The cache's bytes; None when the document holds what JSON cannot (a TOML date)."""
    try:
        return json.dumps(
            {"format": FORMAT, "facts": facts, "document": doc}, allow_nan=False
        ).encode()
    except (TypeError, ValueError):
        return None


def _decode(raw: bytes | None) -> tuple[dict[str, Any], PatternFacts] | None:
    """The document and the facts, or None unless the cache is whole and of this format."""
    if raw is None:
        return None
    try:
        loaded = json.loads(raw)
        doc, facts = loaded["document"], loaded["facts"]
        if loaded["format"] != FORMAT or not isinstance(doc, dict):
            return None
        return doc, {str(key): tuple(map(str, needs)) if needs else None
                     for key, needs in facts.items()}  # fmt: skip
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
