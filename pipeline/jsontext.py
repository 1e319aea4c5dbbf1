"""The sidecar's JSON text: ``json.dumps(value, ensure_ascii=False, indent=2)``, byte for byte.

The standard library encodes with indentation in pure Python, a generator per container
(6.5% of a text article's time); this writes the same text with one recursive function and the
standard library's own C string encoder, about three times as fast. Sidecars must keep their
bytes (golden files, re-runs), so ``tests/unit/test_jsontext.py`` compares it with
``json.dumps`` on arbitrary JSON values.
"""

from __future__ import annotations

import json
from typing import Any

try:  # the C encoder json.dumps itself uses
    from _json import encode_basestring as _string
except ImportError:  # pragma: no cover (an interpreter without the C accelerator)
    from json.encoder import py_encode_basestring as _string

INDENT = "  "
INFINITY = float("inf")


def dumps(value: object) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``.

    >>> print(dumps({"a": [1, 2.5, None, True], "b": {}, "c": "é"}))
    {
      "a": [
        1,
        2.5,
        null,
        true
      ],
      "b": {},
      "c": "é"
    }
    """
    out: list[str] = []
    _encode(value, out, "\n")
    return "".join(out)


def _encode(value: Any, out: list[str], newline: str) -> None:  # noqa: ANN401 (any JSON)
    """Append ``value``'s text to ``out``; ``newline`` is a line break and the indentation
    of the line ``value`` is on."""
    kind = type(value)
    if kind is str:
        out.append(_string(value))
    elif kind is dict:
        _encode_dict(value, out, newline)
    elif kind is list or kind is tuple:
        _encode_list(value, out, newline)
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is float and value == value and abs(value) != INFINITY:
        out.append(float.__repr__(value))
    else:  # NaN, infinities, subclasses, what json refuses: as json says
        out.append(json.dumps(value, ensure_ascii=False, indent=2).replace("\n", newline))


# Strings and ints, most of a sidecar's values, are written inside the loops below without a
# call to ``_encode`` each (a third of the encoder's time went to those calls).


def _encode_dict(value: dict[Any, Any], out: list[str], newline: str) -> None:
    if not value:
        out.append("{}")
        return
    inner = newline + INDENT
    separator = "{" + inner
    for key, item in value.items():
        out.append(separator)
        out.append(_string(key) if type(key) is str else _key(key))
        kind = type(item)
        if kind is str:
            out.append(": " + _string(item))
        elif kind is int:
            out.append(": " + int.__repr__(item))
        else:
            out.append(": ")
            _encode(item, out, inner)
        separator = "," + inner
    out.append(newline + "}")


def _encode_list(value: list[Any] | tuple[Any, ...], out: list[str], newline: str) -> None:
    if not value:
        out.append("[]")
        return
    inner = newline + INDENT
    separator = "[" + inner
    for item in value:
        kind = type(item)
        if kind is str:
            out.append(separator + _string(item))
        elif kind is int:
            out.append(separator + int.__repr__(item))
        else:
            out.append(separator)
            _encode(item, out, inner)
        separator = "," + inner
    out.append(newline + "]")


def _key(key: object) -> str:
    """A key that is not a str, as json.dumps writes it (a number, true, null; a TypeError
    for anything else)."""
    text = json.dumps({key: 0}, ensure_ascii=False)
    return text[1 : text.rindex(":")]
