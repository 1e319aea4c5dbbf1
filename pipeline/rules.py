"""Load and validate the rules file (TOML) into immutable :class:`Rules`.

Everything tunable lives in the file: patterns, phrase lists, thresholds, the language
settings. This module only checks it. A bad file fails here, naming the rule id and the
field, before any article is touched. The SHA-256 of the file's bytes goes into every
output's provenance, so a changed rule set is visible and re-cleans incrementally.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import stat
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from pipeline.article import Kind, Stage
from pipeline.backtrack import MAX_SAFE_REPEATS, explosive_repeat
from pipeline.errors import RulesError
from pipeline.prefilter import required_substrings
from pipeline.templates import Templates, TemplateSettings

DEFAULT_RULES = "rules.toml"
E = TypeVar("E", bound=StrEnum)
RULE_ID = re.compile(r"^[a-z]+\.[a-z0-9_]+$")
FIRST_WORD = re.compile(r"\w+")
RULE_FIELDS = frozenset(
    {"id", "kind", "matcher", "stage", "description", "confidence", "pattern", "phrases",
     "ignore_case", "params", "examples"}
)  # fmt: skip
ELEMENT_RULE_FIELDS = frozenset(
    {"id", "kind", "description", "tags", "tokens", "names", "link_share", "min_lines",
     "examples"}
)  # fmt: skip
EXTRACTION_MODES = ("precision", "balanced", "recall")
STANDFIRST_PLACES = ("field", "adjacent", "body")  # [html] standfirst
# What loading learned of each pattern: ``pattern_key`` to the substrings every match needs
# (None: no such set), present only for patterns found not to backtrack catastrophically.
PatternFacts = dict[str, tuple[str, ...] | None]
# The built-in file is about 60 KB; a rules file a thousand times that is not one.
MAX_RULES_BYTES = 64 * 2**20


@dataclass(frozen=True)
class Rule:
    """One rule: which matcher runs, with which parameters, and what it removes."""

    id: str
    kind: Kind
    matcher: str
    stage: Stage
    description: str
    confidence: float
    pattern: re.Pattern[str] | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    examples_match: tuple[str, ...] = ()
    examples_no_match: tuple[str, ...] = ()
    # A phrase rule can only match a line holding the first word of one of its phrases.
    keywords: frozenset[str] | None = None
    # Substrings a match cannot do without (``pipeline.prefilter``), compared lower-cased
    # when the pattern ignores case (``fold``).
    needs: tuple[str, ...] | None = None
    fold: bool = False

    def param(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)


@dataclass(frozen=True)
class LanguageSettings:
    """How lines are judged to be in the target language (see ``matchers/language.py``)."""

    target: str
    min_letters: int
    min_letters_detect: int
    script_share: float
    min_function_words: int
    function_word_share: float
    min_function_words_ascii: int
    function_word_share_ascii: float
    detect_min_prob: float
    document_sample_chars: int
    document_function_word_share: float
    seed: int
    scripts: Mapping[str, frozenset[str]]
    function_words: Mapping[str, frozenset[str]]
    neutral_scripts: frozenset[str] = frozenset()
    # Settings added after a user may have copied the file take these defaults.
    min_natural_words: int = 5
    natural_word_share: float = 0.75
    min_lowercase_words: int = 3
    min_target_share: float = 0.2


@dataclass(frozen=True)
class ElementRule:
    """An HTML element that is not article.

    Marked by the page: by tag, by a word of its class or id (``tokens``), or by a whole
    class name or id (``names``, for words ambiguous alone: "credit" in "credit-card-rates");
    or, when ``link_share`` is set, an element of one of ``tags`` with at least ``min_lines``
    lines whose text is mostly link text (a list of links to other stories).
    """

    id: str
    kind: Kind
    description: str
    tags: frozenset[str]
    tokens: frozenset[str]
    names: frozenset[str] = frozenset()
    link_share: float | None = None
    min_lines: int = 1
    examples_match: tuple[str, ...] = ()
    examples_no_match: tuple[str, ...] = ()


@dataclass(frozen=True)
class HtmlSettings:
    """How HTML pages are pre-cleaned and extracted (see ``pipeline/html.py``)."""

    extraction: str  # trafilatura's mode: precision, balanced or recall
    max_element_words: int  # a marked element with more words may wrap the article: kept
    rules: tuple[ElementRule, ...]
    # When the first extraction looks implausible (``pipeline.candidates``): the mode tried
    # next, the share of the page's paragraph text below which it is tried, and how many
    # words make a <p> paragraph text.
    fallback_extraction: str = "balanced"
    min_coverage: float = 0.5
    paragraph_min_words: int = 8
    # A block of these many words whose shingles are mostly in one longer block is a repeat
    # of it (a pull quote): ``pipeline.repeats``.
    repeat_min_words: int = 6
    repeat_max_words: int = 60
    repeat_overlap: float = 0.6
    remove_repeats: bool = True  # off with --disable-kind teaser, the kind it removes as
    # The standfirst (``pipeline.standfirst``): recorded in the sidecar and the corpus
    # ("field"), and also put atop the body when the extraction left it out: when it stands
    # right above the body ("adjacent"), or wherever it is ("body").
    standfirst: str = "adjacent"
    standfirst_min_words: int = 8
    standfirst_max_ratio: float = 2.0
    # "adjacent": it stands right above the body, at most this many levels up to their common
    # ancestor, and in no element whose tag, class word or id word is one of these.
    standfirst_levels: int = 2
    standfirst_header_words: tuple[str, ...] = ("header",)
    # Class and id words by which a page marks its lead (``<div class="article-intro">``):
    # without a standfirst found by the description, such a lead is placed as one would be.
    lead_words: tuple[str, ...] = ("intro", "teaser", "lead", "chapo", "excerpt")
    # Classes of the <blockquote> a platform's embed code gives a post (a tweet): the post is
    # lifted out of the widget wrapping it before extraction (``pipeline.embeds``).
    embedded_posts: tuple[str, ...] = ("twitter-tweet",)


@dataclass(frozen=True)
class Rules:
    """The validated rule set, in file order (classify rules: first match wins)."""

    version: int
    sha256: str
    source: str
    heading_max_words: int
    language: LanguageSettings
    rules: tuple[Rule, ...]
    html: HtmlSettings
    disabled_kinds: tuple[str, ...] = ()  # sorted; recorded in every sidecar
    templates: TemplateSettings = field(default_factory=TemplateSettings)
    # The sets learned over the inputs' sites, when the run learns them (``--learn-templates``).
    learned: Templates | None = None

    def for_stage(self, stage: Stage) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.stage is stage)

    def with_options(
        self, *, target_language: str | None = None, disabled_kinds: Iterable[str] = ()
    ) -> Rules:
        """A copy with another target language and/or whole kinds of removal switched off."""
        off = {_parse_kind(k, "--disable-kind") for k in disabled_kinds}
        language = self.language
        if target_language is not None:
            language = dataclasses.replace(language, target=target_language.lower())
        kept = tuple(r for r in self.rules if r.kind not in off)
        html = dataclasses.replace(
            self.html,
            rules=tuple(r for r in self.html.rules if r.kind not in off),
            remove_repeats=self.html.remove_repeats and Kind.TEASER not in off,
        )
        disabled = tuple(sorted({*self.disabled_kinds, *(k.value for k in off)}))
        return dataclasses.replace(
            self, language=language, rules=kept, html=html, disabled_kinds=disabled
        )


def load_rules(path: str | Path | None = None) -> Rules:
    """Load ``path``, or the rules shipped with the package when ``path`` is None. A file
    given is checked as the built-in one is by the test suite: its rules' examples too."""
    if path is None:
        data = resources.files("pipeline.data").joinpath(DEFAULT_RULES).read_bytes()
        from pipeline.rules_cache import parse_cached  # it imports this module

        return parse_cached(data, f"pipeline/data/{DEFAULT_RULES}")
    rules = parse_rules(_read_rules_file(Path(path)), str(path))
    from pipeline.rules_check import check_examples  # it imports the pipeline, which imports us

    check_examples(rules)
    return rules


def _read_rules_file(path: Path) -> bytes:
    """A rules file's bytes: a regular file of at most ``MAX_RULES_BYTES``, opened without
    blocking, so a FIFO, a device (``/dev/zero``) or a huge file is a clear error, not a hang
    or a MemoryError."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        msg = f"cannot read rules file {path}: {exc.strerror}"
        raise RulesError(msg) from exc
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            msg = f"rules file {path}: not a regular file; give the path of a .toml file"
            raise RulesError(msg)
        data = handle.read(MAX_RULES_BYTES + 1)
    if len(data) > MAX_RULES_BYTES:
        msg = (
            f"rules file {path}: larger than {MAX_RULES_BYTES // 2**20} MiB, far more than a "
            "rules file needs; check it is the right file"
        )
        raise RulesError(msg)
    return data


def builtin_rules_path() -> Path:
    """Where the rules shipped with the package are, as an absolute path (to copy and edit)."""
    return Path(str(resources.files("pipeline.data").joinpath(DEFAULT_RULES))).resolve()


def missing_top_level(doc: dict[str, Any], source: str) -> RulesError | None:
    """An error that says what an empty file, or one without ``version``, lacks."""
    if not doc:
        msg = (
            f"{source}: the file is empty; a rules file needs version, [settings], [language], "
            f"[html] and [[rules]]: start from a copy of the built-in file ({builtin_rules_path()})"
        )
        return RulesError(msg)
    if "version" not in doc:
        return RulesError(f"{source}: 'version' is missing; put version = 1 at the top")
    return None


def parse_rules(data: bytes, source: str = "<rules>") -> Rules:
    """The rules of a rules file's bytes, checked; :class:`RulesError` names what is wrong."""
    return parse_document(read_toml(data, source), data, source, {})


def read_toml(data: bytes, source: str) -> dict[str, Any]:
    """A rules file's TOML document."""
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        msg = f"{source}: not valid TOML: {exc}"
        raise RulesError(msg) from exc
    except RecursionError as exc:  # tomllib parses nested arrays and tables by recursion
        msg = f"{source}: values nested too deeply to read; a rules file nests two or three deep"
        raise RulesError(msg) from exc


def parse_document(doc: dict[str, Any], data: bytes, source: str, facts: PatternFacts) -> Rules:
    """The rules of a rules file's TOML document ``doc`` (read from ``data``), checked.

    ``facts`` holds what is known of patterns already (``pattern_key`` to the substrings
    every match needs): a pattern found there is not analysed again; one analysed here, and
    found safe, is added to it (``pipeline.rules_cache`` keeps them between runs)."""
    missing = missing_top_level(doc, source)
    if missing is not None:
        raise missing
    version = doc.get("version")
    if not isinstance(version, int):
        msg = f"{source}: top-level 'version' must be an integer"
        raise RulesError(msg)
    rules = tuple(_parse_rule(raw, source, facts) for raw in _list(doc, "rules", source))
    html = _parse_html(_table(doc, "html", source), source)
    _check_unique((*rules, *html.rules), source)
    settings = _table(doc, "settings", source)
    parsed = Rules(
        version=version,
        sha256=hashlib.sha256(data).hexdigest(),
        source=source,
        heading_max_words=_int(settings, "heading_max_words", f"{source}: [settings]"),
        language=_parse_language(_table(doc, "language", source), source),
        rules=rules,
        html=html,
        templates=_parse_templates(doc.get("templates", {}), source),
    )
    # Imported here: the matchers import this module for the Rule type.
    from pipeline.matchers import check_matchers

    check_matchers(parsed)
    return parsed


def _parse_rule(raw: Any, source: str, facts: PatternFacts) -> Rule:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        msg = f"{source}: every [[rules]] entry needs a string 'id'"
        raise RulesError(msg)
    rule_id = raw["id"]
    where = f"{source}: rule {rule_id}"
    if not RULE_ID.match(rule_id):
        msg = f"{where}: 'id' must look like family.slug (lower case)"
        raise RulesError(msg)
    unknown = sorted(set(raw) - RULE_FIELDS)
    if unknown:
        msg = f"{where}: unknown field(s) {', '.join(unknown)}"
        raise RulesError(msg)
    examples = raw.get("examples", {})
    confidence = raw.get("confidence", 1.0)
    if not isinstance(confidence, int | float) or not 0 < confidence <= 1:
        msg = f"{where}: 'confidence' must be a number in (0, 1]"
        raise RulesError(msg)
    pattern = _compile(raw, where)
    needs = _needs(pattern, where, facts) if pattern is not None else None
    return Rule(
        id=rule_id,
        kind=_parse_kind(raw.get("kind"), where),
        matcher=_str(raw, "matcher", where),
        stage=_parse_stage(raw.get("stage", "classify"), where),
        description=_str(raw, "description", where),
        confidence=float(confidence),
        pattern=pattern,
        params=_params(raw, where),
        examples_match=tuple(_strings(examples, "match", where)),
        examples_no_match=tuple(_strings(examples, "no_match", where)),
        keywords=phrase_keywords(_strings(raw, "phrases", where)) if "phrases" in raw else None,
        needs=needs,
        fold=pattern is not None and bool(pattern.flags & re.IGNORECASE),
    )


def phrase_keywords(phrases: list[str]) -> frozenset[str] | None:
    """The lower-case first word of each phrase, as ``\\w+`` splits it; None when a phrase
    starts with no word character (then no word is required).

    >>> sorted(phrase_keywords(["we're here", "Donate now", "one-off gift"]))
    ['donate', 'one', 'we']
    """
    firsts = [FIRST_WORD.match(phrase.lower()) for phrase in phrases]
    if not all(firsts):
        return None
    return frozenset(match.group(0) for match in firsts if match is not None)


def _compile(raw: dict[str, Any], where: str) -> re.Pattern[str] | None:
    """One regex per rule: a ``pattern``, or ``phrases`` joined as whole-word alternatives."""
    flags = re.IGNORECASE if raw.get("ignore_case", True) else 0
    if "pattern" in raw and "phrases" in raw:
        msg = f"{where}: give 'pattern' or 'phrases', not both"
        raise RulesError(msg)
    if "phrases" in raw:
        phrases = _strings(raw, "phrases", where)
        source = r"\b(?:" + "|".join(phrase_regex(p) for p in phrases) + r")\b"
    elif "pattern" in raw:
        source = _str(raw, "pattern", where)
    else:
        return None
    try:
        return re.compile(source, flags)
    except re.error as exc:
        msg = f"{where}: 'pattern' does not compile: {exc}"
        raise RulesError(msg) from exc


def pattern_key(pattern: re.Pattern[str]) -> str:
    """What a pattern's analysis depends on: its flags and its source."""
    return f"{pattern.flags}:{pattern.pattern}"


def _needs(pattern: re.Pattern[str], where: str, facts: PatternFacts) -> tuple[str, ...] | None:
    """The substrings every match of ``pattern`` needs (``pipeline.prefilter``), once it is
    known not to backtrack catastrophically (``pipeline.backtrack``); from ``facts`` when
    they hold it, else analysed and added to them."""
    key = pattern_key(pattern)
    if key in facts:
        return facts[key]
    if explosive_repeat(pattern):
        msg = (
            f"{where}: 'pattern' can backtrack catastrophically: it repeats a part that can "
            "match the same text in more than one way, as (a+)+ does, so one line could take "
            "forever; make each repetition start or end with something the repeated part "
            f"cannot match, or bound the repeat (at most {MAX_SAFE_REPEATS} times)"
        )
        raise RulesError(msg)
    facts[key] = required_substrings(pattern)
    return facts[key]


def phrase_regex(phrase: str) -> str:
    """A phrase as a regex: any whitespace between words, straight or curly apostrophes.

    >>> phrase_regex("we're here")
    "we['’]re\\\\s+here"
    """
    words = [re.escape(w).replace("'", "['’]") for w in phrase.split()]
    return r"\s+".join(words)


def _params(raw: dict[str, Any], where: str) -> dict[str, Any]:
    params = raw.get("params", {})
    if not isinstance(params, dict):
        msg = f"{where}: 'params' must be a table"
        raise RulesError(msg)
    return dict(params)


def _parse_language(table: dict[str, Any], source: str) -> LanguageSettings:
    where = f"{source}: [language]"
    table = _defaults(LanguageSettings) | table
    words = _table(table, "function_words", where)
    scripts = _table(table, "scripts", where)
    return LanguageSettings(
        target=_str(table, "target", where).lower(),
        min_letters=_int(table, "min_letters", where),
        min_letters_detect=_int(table, "min_letters_detect", where),
        script_share=_float(table, "script_share", where),
        min_function_words=_int(table, "min_function_words", where),
        min_function_words_ascii=_int(table, "min_function_words_ascii", where),
        function_word_share_ascii=_float(table, "function_word_share_ascii", where),
        function_word_share=_float(table, "function_word_share", where),
        detect_min_prob=_float(table, "detect_min_prob", where),
        document_sample_chars=_int(table, "document_sample_chars", where),
        document_function_word_share=_float(table, "document_function_word_share", where),
        seed=_int(table, "seed", where),
        scripts={lang: frozenset(_strings(scripts, lang, where)) for lang in sorted(scripts)},
        neutral_scripts=frozenset(_strings(table, "neutral_scripts", where)),
        function_words={
            lang: frozenset(w.lower() for w in _strings(words, lang, where)) for lang in words
        },
        min_natural_words=_int(table, "min_natural_words", where),
        natural_word_share=_float(table, "natural_word_share", where),
        min_lowercase_words=_int(table, "min_lowercase_words", where),
        min_target_share=_float(table, "min_target_share", where),
    )


def _parse_html(table: dict[str, Any], source: str) -> HtmlSettings:
    where = f"{source}: [html]"
    # Settings added after a user may have copied the file take their defaults.
    table = _html_defaults() | table
    extraction = _str(table, "extraction", where)
    if extraction not in EXTRACTION_MODES:
        msg = f"{where}: 'extraction' must be one of {', '.join(EXTRACTION_MODES)}"
        raise RulesError(msg)
    fallback = _str(table, "fallback_extraction", where)
    if fallback not in EXTRACTION_MODES:
        msg = f"{where}: 'fallback_extraction' must be one of {', '.join(EXTRACTION_MODES)}"
        raise RulesError(msg)
    min_coverage = _float(table, "min_coverage", where)
    if not 0.0 <= min_coverage <= 1.0:
        msg = f"{where}: 'min_coverage' must be a share between 0 and 1"
        raise RulesError(msg)
    standfirst_levels = _int(table, "standfirst_levels", where)
    if standfirst_levels < 1:
        msg = f"{where}: 'standfirst_levels' must be 1 or more"
        raise RulesError(msg)
    standfirst = _str(table, "standfirst", where)
    if standfirst not in STANDFIRST_PLACES:
        msg = f"{where}: 'standfirst' must be one of {', '.join(STANDFIRST_PLACES)}"
        raise RulesError(msg)
    return HtmlSettings(
        extraction=extraction,
        max_element_words=_int(table, "max_element_words", where),
        rules=tuple(_parse_element_rule(raw, source) for raw in _list(table, "rules", where)),
        fallback_extraction=fallback,
        min_coverage=min_coverage,
        paragraph_min_words=_int(table, "paragraph_min_words", where),
        repeat_min_words=_int(table, "repeat_min_words", where),
        repeat_max_words=_int(table, "repeat_max_words", where),
        repeat_overlap=_float(table, "repeat_overlap", where),
        standfirst=standfirst,
        standfirst_min_words=_int(table, "standfirst_min_words", where),
        standfirst_max_ratio=_float(table, "standfirst_max_ratio", where),
        standfirst_levels=standfirst_levels,
        standfirst_header_words=_class_words(table, "standfirst_header_words", where),
        lead_words=_class_words(table, "lead_words", where),
        embedded_posts=_class_names(table, "embedded_posts", where),
    )


def _class_words(table: dict[str, Any], name: str, where: str) -> tuple[str, ...]:
    """A list of single class words, lower-cased: matched against the words
    ``element_tokens`` splits class and id values into ("article-intro" and "articleIntro"
    hold the word "intro"; "article-intro" itself is no word and could never match)."""
    words = table.get(name)
    if not isinstance(words, list | tuple) or not all(
        isinstance(word, str) and re.fullmatch(r"[A-Za-z0-9]+", word) for word in words
    ):
        msg = f"{where}: '{name}' must be a list of class words (letters and digits only)"
        raise RulesError(msg)
    return tuple(word.lower() for word in words)


def _html_defaults() -> dict[str, Any]:
    return _defaults(HtmlSettings)


def _defaults(settings: type[Any]) -> dict[str, Any]:
    """The fields of a settings dataclass that have defaults, with them."""
    return {
        f.name: f.default
        for f in dataclasses.fields(settings)
        if f.default is not dataclasses.MISSING and not isinstance(f.default, frozenset)
    }


def _parse_element_rule(raw: Any, source: str) -> ElementRule:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        msg = f"{source}: every [[html.rules]] entry needs a string 'id'"
        raise RulesError(msg)
    where = f"{source}: rule {raw['id']}"
    unknown = sorted(set(raw) - ELEMENT_RULE_FIELDS)
    if not RULE_ID.match(raw["id"]) or unknown:
        msg = f"{where}: needs an id like family.slug and no unknown field(s) {unknown}"
        raise RulesError(msg)
    tags, tokens = _strings(raw, "tags", where), _strings(raw, "tokens", where)
    names = _strings(raw, "names", where)
    link_share = _float(raw, "link_share", where) if "link_share" in raw else None
    if not (tags or tokens or names) or (link_share is not None and not tags):
        msg = (
            f"{where}: give 'tags', 'tokens' (class/id words) or 'names' ('tags' with 'link_share')"
        )
        raise RulesError(msg)
    examples = raw.get("examples", {})
    return ElementRule(
        id=raw["id"],
        kind=_parse_kind(raw.get("kind"), where),
        description=_str(raw, "description", where),
        tags=frozenset(t.lower() for t in tags),
        tokens=frozenset(t.lower() for t in tokens),
        names=frozenset(n.lower() for n in names),
        link_share=link_share,
        min_lines=_int(raw, "min_lines", where) if "min_lines" in raw else 1,
        examples_match=tuple(_strings(examples, "match", where)),
        examples_no_match=tuple(_strings(examples, "no_match", where)),
    )


def _check_unique(rules: Iterable[Rule | ElementRule], source: str) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            msg = f"{source}: rule id {rule.id} is used twice"
            raise RulesError(msg)
        seen.add(rule.id)


def _parse_kind(value: Any, where: str) -> Kind:
    return _parse_enum(Kind, value, "kind", where)


def _parse_stage(value: Any, where: str) -> Stage:
    return _parse_enum(Stage, value, "stage", where)


def _parse_enum(enum: type[E], value: Any, name: str, where: str) -> E:
    choices = ", ".join(member.value for member in enum)
    if value is None:
        msg = f"{where}: '{name}' is missing; give one of {choices}"
        raise RulesError(msg)
    try:
        return enum(value)
    except ValueError:
        msg = f"{where}: '{name}' {value!r} is not one of {choices}"
        raise RulesError(msg) from None


def _table(doc: dict[str, Any], name: str, where: str) -> dict[str, Any]:
    value = doc.get(name)
    if not isinstance(value, dict):
        msg = f"{where}: missing table [{name}]"
        raise RulesError(msg)
    return value


def _list(doc: dict[str, Any], name: str, where: str) -> list[Any]:
    value = doc.get(name, [])
    if not isinstance(value, list):
        msg = f"{where}: '{name}' must be an array"
        raise RulesError(msg)
    return value


def _str(doc: dict[str, Any], name: str, where: str) -> str:
    value = doc.get(name)
    if not isinstance(value, str) or not value:
        msg = f"{where}: '{name}' must be a non-empty string"
        raise RulesError(msg)
    return value


def _strings(doc: dict[str, Any], name: str, where: str) -> list[str]:
    value = doc.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        msg = f"{where}: '{name}' must be a list of strings"
        raise RulesError(msg)
    return value


def _class_names(doc: dict[str, Any], name: str, where: str) -> tuple[str, ...]:
    """A list of HTML class names (a built-in default may be a tuple)."""
    value = doc.get(name)
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, str) and v and v.split() == [v] for v in value
    ):
        msg = f"{where}: '{name}' must be a list of class names (no spaces)"
        raise RulesError(msg)
    return tuple(value)


def _int(doc: dict[str, Any], name: str, where: str) -> int:
    value = doc.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        msg = f"{where}: '{name}' must be an integer"
        raise RulesError(msg)
    return value


def _float(doc: dict[str, Any], name: str, where: str) -> float:
    value = doc.get(name)
    if not isinstance(value, int | float) or isinstance(value, bool):
        msg = f"{where}: '{name}' must be a number"
        raise RulesError(msg)
    return float(value)


def _parse_templates(table: object, source: str) -> TemplateSettings:
    """``[templates]``: optional (older user files have none), each key optional."""
    if not isinstance(table, dict):
        msg = f"{source}: [templates] must be a table"
        raise RulesError(msg)
    try:
        return TemplateSettings.from_toml(table)
    except (TypeError, ValueError) as exc:
        msg = f"{source}: {exc}"
        raise RulesError(msg) from exc
