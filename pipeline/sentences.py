"""Where a sentence ends, and where a line break (or a blank line) cuts one in two.

Shared by the repair stage (which rejoins broken lines before segmentation), the segment and
matcher shape tests, and ``Article.clean_text`` (which must not leave a break that cleaning
the output again would rejoin). Standard library only: the data model imports it.
"""

from __future__ import annotations

# Closing quotes and brackets, including CJK ones (」』》）), may follow a sentence's end.
CLOSERS = "\"'”’»)]」』》）〕"
# Sentence ends in Latin, CJK (。！？．), Arabic (؟ ۔) and Devanagari (। ॥) text.
TERMINALS = ".!?…:;。！？．؟۔।॥"
# Words that cannot end a sentence, a heading or a label: articles, prepositions,
# conjunctions, auxiliaries and possessives of English and German (the corpora's main
# languages). A line stopping on one of them stopped mid-sentence. Grammar, not tuning.
CONTINUATION_WORDS = frozenset(
    """
    the a an of to for with from by at in on into onto about over under between through during
    without within than as and or but nor that which who whose whom if because while although
    will would can could should shall may might must is are was were be been being has have
    had do does did its their his our your my this these those very
    der die das den dem des ein eine einen einem einer eines und oder aber mit von zu zum zur
    für auf an in im am bei aus nach über unter um durch gegen ohne dass wenn weil ist sind war
    waren hat haben hatte wird werden wurde kann können muss soll sein seine ihre ihr
    """.split()  # noqa: SIM905 (a word list reads better as words)
)
# A line cut off by a blank line is a sentence's first part when it has at least this many
# words: the dev corpora's four such breaks have 9 to 16; the labels and headings over a
# lower-case line there ("with Anu Garg", "Welcome" over "to ...'s web gallery!") are shorter.
MIN_BROKEN_WORDS = 6


def ends_sentence(line: str) -> bool:
    """True when the line ends with terminal punctuation, maybe inside quotes or brackets.

    >>> ends_sentence("He said so.”"), ends_sentence("Bombed out cities")
    (True, False)
    >>> ends_sentence("もちろん、Apple社は「脱獄」を認めていません。")
    True
    """
    stripped = line.rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in TERMINALS


def is_hard_wrap(line: str, following: str) -> bool:
    """True when ``following`` continues the sentence ``line`` broke off.

    >>> is_hard_wrap("An area recaptured northeast of the capital", "on a road towards...")
    True
    >>> is_hard_wrap("A caption line", "A caption line (Photo: Reuters)")
    False
    >>> is_hard_wrap("Soldiers near Kyiv (Photo: Reuters)", "eBay and Amazon halted sales.")
    False
    """
    # Most lines start with a capital, which no continuation does: that is tested first, on
    # one character (this runs for every line of every document, twice for many).
    if not line or not following or not may_continue(following[0]):
        return False
    space = following.find(" ")
    first_word = following if space < 0 else following[:space]
    return (
        not ends_sentence(line)
        # A bracket closes a credit or an aside ("(Photo: Reuters)"), a hyphen may be real.
        and not line.endswith(("-", ")", "]"))
        # All lower case: "eBay", "iPhone" start sentences, not continuations.
        and first_word.islower()
    )


def may_continue(char: str) -> bool:
    """Can a word starting with ``char`` be all lower case and start with a letter (what
    :func:`is_hard_wrap` asks of the next line's first word)? A letter that is neither upper
    nor title case (``istitle`` of one character): lower case, or a letter without case.

    >>> [may_continue(char) for char in "oOǅ中1"]
    [True, False, False, True, False]
    """
    return char.isalpha() and not char.istitle()


def is_broken_sentence(line: str, following: str) -> bool:
    """A hard wrap across a paragraph break: ``line`` is a sentence's first part, stopping
    on a word no sentence ends with, and ``following`` goes on in lower case.

    >>> is_broken_sentence("Analyst Ming-Chi Kuo has previously predicted that Apple will",
    ...                    "transition its entire notebook lineup to scissor switches.")
    True
    >>> is_broken_sentence("A headline about the keyboard", "transition its lineup")
    False
    >>> is_broken_sentence("Kuo has previously predicted the keyboards of 2020",
    ...                    "issues with sticky keys")
    False
    """
    # The hard-wrap test first: it rejects most pairs on one character, before a split.
    if not is_hard_wrap(line, following):
        return False
    words = line.split()
    return len(words) >= MIN_BROKEN_WORDS and words[-1] in CONTINUATION_WORDS
