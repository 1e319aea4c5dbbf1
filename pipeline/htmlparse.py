"""The page parsed as trafilatura parses it, with each element's Python class chosen in C.

trafilatura's parser (``trafilatura.utils.HTML_PARSER``, an ``lxml.html.HTMLParser``) picks
the Python class of an element in Python (``HtmlElementClassLookup.lookup``), each time lxml
makes a Python object for an element of the tree. lxml makes one whenever a walk, an XPath or
``text_content`` reaches an element no Python object holds, so the lookup runs about 3,000
times a zyte-dev page, for every walk trafilatura, htmldate and this library make. Here the
parser has the same options, and every element is an ``lxml.html.HtmlElement`` chosen by
``etree.ElementDefaultClassLookup``, in C: the HTML step takes about a tenth less time.

What is given up: lxml.html's classes for form fields (``FormElement``, ``InputElement``,
``SelectElement``, ``TextareaElement``, ``LabelElement``) and the properties they add
(``fields``, ``value``, ``label``). Neither trafilatura, htmldate, jusText nor this library
uses them; every other ``HtmlElement`` method (``text_content``, ``drop_tree``, ...) is there.

Guarantees: :func:`load_html` returns what trafilatura's ``load_html`` (2.3) returns for the
same string, the same tree or none (``tests/unit/test_htmlparse.py`` compares them, element
by element, on hand-written and real pages), with every element an ``HtmlElement``.
"""

from __future__ import annotations

import logging

import lxml.html
from lxml import etree
from trafilatura.utils import is_dubious_html, repair_faulty_html

LOGGER = logging.getLogger(__name__)

# trafilatura's own parser options (``trafilatura.utils.HTML_PARSER``).
PARSER = etree.HTMLParser(
    collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True,
    remove_pis=True,
)  # fmt: skip
PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)


def load_html(html: str) -> lxml.html.HtmlElement | None:
    """The page's tree, or ``None`` where it is not HTML: trafilatura's ``load_html`` for a
    string, step for step, with :data:`PARSER`.

    The page's first 50 characters name no ``html`` and the tree has fewer than two children:
    not HTML (trafilatura's test). A string whose XML declaration names an encoding, which
    lxml refuses as a string, is parsed from its UTF-8 bytes; so is one that parsed empty.
    """
    beginning = html[:50].lower()
    dubious = is_dubious_html(beginning)
    html = repair_faulty_html(html, beginning)
    from_bytes = False
    tree: lxml.html.HtmlElement | None = None
    try:
        tree = lxml.html.fromstring(html, parser=PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree, from_bytes = _from_bytes(html), True
    except Exception:  # trafilatura logs and goes on to the bytes, as here
        LOGGER.debug("lxml could not parse the page as a string", exc_info=True)
    if (tree is None or len(tree) < 1) and not from_bytes:
        tree = _from_bytes(html)
    if tree is not None and dubious and len(tree) < 2:
        return None
    return tree


def _from_bytes(html: str) -> lxml.html.HtmlElement | None:
    """The page parsed from its UTF-8 bytes (lone surrogates kept), or none if that fails."""
    try:
        tree: lxml.html.HtmlElement = lxml.html.fromstring(
            html.encode("utf8", "surrogatepass"), parser=PARSER
        )
    except Exception:  # trafilatura's ``fromstring_bytes`` gives none on any failure
        LOGGER.debug("lxml could not parse the page as bytes", exc_info=True)
        return None
    return tree
