"""Errors the library raises. Each message names the problem and what to do next.

The library never returns ``None`` to mean "discarded": a document it cannot clean raises a
subclass of :class:`CleaningError`; a document with everything removed is a valid result.
"""

from __future__ import annotations


class CleaningError(Exception):
    """Base class: one input could not be cleaned. Other inputs are unaffected."""


class DecodeError(CleaningError):
    """The bytes are not text in any encoding we can recognise (binary, corrupt gzip...)."""


class UnsupportedInputError(CleaningError):
    """The input is of a kind this version does not clean (an unknown format name)."""


class RulesError(CleaningError):
    """The rules file is invalid. Raised at load time, before any article is touched."""


class OutputError(CleaningError):
    """An output could not be written (collision, unwritable folder, full disk)."""
