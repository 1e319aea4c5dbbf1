"""trafilatura's output tree as plain-text blocks: the one documented form of the body.

Guarantees (the README's "Outputs" documents the same):

- One block per top-level element (paragraph, heading, quote, list, table); the text stages
  see blocks as paragraphs.
- **Lists**: each item on a line of its own, its text alone (no ``-`` or number marker);
  a nested list's items on the lines after its item.
- **Data tables**: each row on a line of its own, its cells separated by `` | `` (no outer
  pipes and no Markdown separator row); a row repeating the table's header row (a header
  printed again from ``<tfoot>`` or on every page of a long table) is left out.
- **Layout tables** (a cell holds a paragraph, heading, list, quote or table): not rows at
  all; each cell's blocks come out as blocks, in page order, so an article laid out in a
  table is paragraphs, not one long line.
- Anything else is rendered by trafilatura's own ``xmltotxt`` without formatting.

Walks are iterative where the depth is the page's (tables in tables), never recursive.
"""

from __future__ import annotations

from lxml import etree
from trafilatura.xml import xmltotxt

from pipeline.preclean import SPACES

CELL_SEPARATOR = " | "
# A cell holding one of these is page layout, not a data cell.
LAYOUT_CHILDREN = frozenset({"p", "head", "list", "quote", "table", "div"})


def blocks_of(body: etree._Element | None) -> list[str]:
    """The body's blocks, in order, empty ones left out."""
    if body is None:
        return []
    out: list[str] = []
    pending: list[etree._Element] = [child for child in body if isinstance(child.tag, str)]
    pending.reverse()
    while pending:
        element = pending.pop()
        if element.tag == "table" and is_layout(element):
            inner = [
                child
                for row in element.iterchildren("row")
                for cell in row.iterchildren("cell")
                for child in _cell_blocks(cell)
            ]
            pending.extend(reversed(inner))
            continue
        text = _render(element)
        if text:
            out.append(text)
    return out


def is_layout(table: etree._Element) -> bool:
    """Does a cell of this table (not of a table inside it) hold block content?"""
    for row in table.iterchildren("row"):
        for cell in row.iterchildren("cell"):
            if any(child.tag in LAYOUT_CHILDREN for child in cell):
                return True
    return False


def _cell_blocks(cell: etree._Element) -> list[etree._Element]:
    """A layout cell's contents as elements; loose text becomes a paragraph of its own."""
    found: list[etree._Element] = []
    loose: list[str] = [cell.text or ""]

    def flush() -> None:
        text = SPACES.sub(" ", "".join(loose)).strip()
        if text:
            paragraph = etree.Element("p")
            paragraph.text = text
            found.append(paragraph)
        loose.clear()

    for child in cell:
        if child.tag in LAYOUT_CHILDREN:
            flush()
            found.append(child)
            loose.append(child.tail or "")
        else:
            loose.append(" " if child.tag == "lb" else _text(child))
            loose.append(child.tail or "")
    flush()
    return found


def _render(element: etree._Element) -> str:
    if element.tag == "list":
        return "\n".join(_list_lines(element))
    if element.tag == "table":
        return "\n".join(_table_lines(element))
    return xmltotxt(element, False).strip()


def _text(element: etree._Element) -> str:
    """All the text inside an element, its tail excluded."""
    return "".join(element.itertext())


def _list_lines(top: etree._Element) -> list[str]:
    """Each item's own text on a line, nested lists' items after it, depth first."""
    lines: list[str] = []
    pending = [item for item in reversed(top) if item.tag == "item"]
    while pending:
        item = pending.pop()
        own = [item.text or ""]
        nested: list[etree._Element] = []
        for child in item:
            if child.tag == "list":
                nested.extend(grand for grand in child if grand.tag == "item")
            else:
                own.append(" " if child.tag == "lb" else _text(child))
            own.append(child.tail or "")
        text = SPACES.sub(" ", "".join(own)).strip()
        if text:
            lines.append(text)
        pending.extend(reversed(nested))
    return lines


def _table_lines(table: etree._Element) -> list[str]:
    """One line per row, cells joined by `` | ``; repeats of the header row left out."""
    lines: list[str] = []
    header: str | None = None  # the first row, when the page marks it as a header
    for row in table.iter("row"):
        cells = [SPACES.sub(" ", _text(cell)).strip() for cell in row.iterchildren("cell")]
        if not any(cells):
            continue
        line = CELL_SEPARATOR.join(cells)
        if not lines and any(cell.get("role") == "head" for cell in row.iterchildren("cell")):
            header = line
        elif line == header:
            continue  # the header printed again (<tfoot>, a repeated <thead>)
        lines.append(line)
    return lines
