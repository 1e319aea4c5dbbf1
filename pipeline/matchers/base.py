"""What a matcher sees and returns.

A *line matcher* (classify stage) looks at one segment alone and returns a confidence when the
rule applies. A *context matcher* (revise and structure stages) looks at the whole article,
including what earlier rules removed, and yields ``(segment id, confidence)`` pairs.
Matchers hold logic only; every number and word they use comes from the rule or the rules file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.article import Article, Segment
from pipeline.rules import Rule, Rules

if TYPE_CHECKING:
    from pipeline.matchers.language import LanguageJudge


@dataclass(frozen=True)
class Context:
    """Per-document facts matchers share, computed once before the passes run."""

    rules: Rules
    judge: LanguageJudge
    target_language: str  # resolved: "auto" becomes the document's own language
    filter_language: bool  # False when the whole document is in another language
    document_language: str  # langdetect code, or "und" when there is too little text


LineMatcher = Callable[[Segment, Rule, Context], float | None]
ContextMatcher = Callable[[Article, Rule, Context], Iterable[tuple[int, float]]]
