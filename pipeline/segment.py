"""Split normalised text into line segments with offsets, and the line-shape tests.

A hard wrap is a line that stops mid-sentence (no terminal punctuation, no trailing hyphen)
followed, in the same paragraph, by a line that starts in lower case: the seed Ynetnews
article breaks "An area recaptured by Ukrainian forces northeast of the capital" from
"on a road towards the village of Rusaniv ...". ``repair`` rejoins those before segmentation.

Guarantees: segments are the non-blank lines of the text, in order, with
``text[start:end] == segment.text``; ``paragraph`` counts blank-line-separated blocks.
"""

from __future__ import annotations

import dataclasses

from pipeline.article import Article, Segment
from pipeline.sentences import ends_sentence


def split_lines(text: str) -> tuple[Segment, ...]:
    """The non-blank lines of ``text`` as segments, numbered by paragraph."""
    segments: list[Segment] = []
    paragraph = 0
    offset = 0
    blank_before = False
    for line in text.split("\n"):
        if not line:
            blank_before = True
        else:
            if blank_before and segments:
                paragraph += 1
            segments.append(Segment(len(segments), offset, offset + len(line), line, paragraph))
            blank_before = False
        offset += len(line) + 1
    return tuple(segments)


def segment(article: Article) -> Article:
    """Stage: cut the normalised text into line segments."""
    return dataclasses.replace(article, segments=split_lines(article.text))


def is_heading_like(seg: Segment, max_words: int) -> bool:
    """Short and not a sentence: a title, heading, teaser or caption by shape.

    >>> is_heading_like(Segment(0, 0, 17, "Bombed out cities", 0), 12)
    True
    """
    return seg.words <= max_words and not ends_sentence(seg.text)
