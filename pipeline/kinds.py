"""The kinds of removal and the stages that decide them: the vocabulary of every removal.

A module of its own, importing nothing of the library, so the command's argument parser can
name the kinds without importing the data model (``pipeline.cli`` starts the workers' fork
server as soon as it has parsed). ``pipeline.article`` re-exports both.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """Why a segment is not part of the article body."""

    TITLE = "title"  # moved to metadata, not boilerplate
    CAPTION = "caption"  # photo captions and credit lines
    APPEAL = "appeal"  # donation, membership, newsletter and subscribe appeals
    LANGUAGE = "language"  # not in the target language
    TRAILER = "trailer"  # attribution trailers: "As reported by ..."
    TEASER = "teaser"  # subheads and links that advertise other content
    PROMPT = "prompt"  # share/follow/comment prompts, "Advertisement" markers
    BYLINE = "byline"  # posting and update stamps, tag lists: page furniture around the story
    TEMPLATE = "template"  # lines most of a site's documents repeat (``pipeline.templates``)


class Stage(StrEnum):
    """Which pass decided a removal (jusText's two passes, plus document structure)."""

    CLASSIFY = "classify"  # context-free: the line alone decides
    REVISE = "revise"  # context-sensitive: neighbours decide
    STRUCTURE = "structure"  # position in the document: title and teasers under it
    SITE = "site"  # the site's other documents: lines learned as its template
