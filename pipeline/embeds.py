"""Posts quoted in an article (an embedded tweet) lifted out of the widgets that wrap them.

A site embedding a post pastes the platform's embed code: a ``<blockquote>`` of a known class
(``twitter-tweet``) holding the post's text, its author and its date, which a script turns
into a widget. Sites wrap that quote in a widget container of their own
(``<div class="social-media-embed">``, ``<div class="article-widget">``), and trafilatura
discards such containers by their class, with the post the story is quoting.

Guarantees:

- A ``<blockquote>`` carrying one of ``[html] embedded_posts`` among its classes, and holding
  text, takes the place of its outermost ancestor that holds no other text (the wrapper), so
  it stands where the wrapper stood, among the article's paragraphs.
- No text is added, removed, changed or reordered (whitespace aside): the wrapper held the
  quote's text only. What goes with the wrapper holds no text (the platform's script, an
  icon). An element with text of its own beside the quote, ``<body>``, and the page's own
  non-article regions (``<aside>``, ``<nav>``, ``<header>``, ``<footer>``) are never
  replaced, so a post in a sidebar stays in the sidebar.
- Whether the quote is then kept is the extraction's decision, as for any blockquote.
"""

from __future__ import annotations

from lxml import etree

# A wrapper is never one of these: the page itself marks them as outside the article, or
# they are the page.
STOP_TAGS = frozenset({"html", "body", "aside", "nav", "header", "footer"})

_STRING = etree.XPath("string()", smart_strings=False)  # all the text, in C


def _solid(text: str) -> str:
    return "".join(text.split())


def _is_post(element: etree._Element, classes: frozenset[str]) -> bool:
    return not classes.isdisjoint((element.get("class") or "").split())


def _wrapper(quote: etree._Element) -> etree._Element:
    """The outermost ancestor of ``quote`` holding no text but the quote's (``quote`` itself
    when its parent holds more)."""
    own = _solid(_STRING(quote))
    top = quote
    parent = quote.getparent()
    while parent is not None and parent.tag not in STOP_TAGS:
        if _solid(_STRING(parent)) != own:
            break
        top, parent = parent, parent.getparent()
    return top


def lift_posts(tree: etree._Element, classes: frozenset[str]) -> int:
    """Put each embedded post of ``tree`` in its wrapper's place; how many were lifted."""
    if not classes:
        return 0
    posts = [quote for quote in tree.iter("blockquote") if _is_post(quote, classes)]
    lifted = 0
    for quote in posts:
        if not _solid(_STRING(quote)):
            continue  # an empty quote: the script fills it in; nothing to keep
        wrapper = _wrapper(quote)
        if wrapper is quote or wrapper.getparent() is None:
            continue
        quote.tail = wrapper.tail  # the text after the wrapper stays after the quote
        wrapper.addprevious(quote)  # moves the quote out of the wrapper
        wrapper.getparent().remove(wrapper)
        lifted += 1
    return lifted
