"""The kinds of syndicated copy every web renders: what a copy keeps of its original and how it names it.

- full: an aggregator's copy of the whole text, with a credit line ("<Source>18-06-2025") and a Related
  Articles block carrying the full text of other stories (the outlet templates draw the block);
- truncated (a teaser, a lead): the first paragraphs and a "Continue reading at <source>" link;
- edited (a partner's rewrite): a new headline, some sentences dropped or reworded, paragraphs regrouped,
  "This report was first published by <source>.";
- recoded and mirrored copies only change bytes and URLs, in the outlet templates and writers.
"""

import random
from collections.abc import Sequence
from datetime import datetime

from bench.synweb.sources import SourceText

CJK = ("ja", "ko", "zh")
# a Japanese aggregator's half-width punctuation
HALF_WIDTH = str.maketrans({"、": "､", "。": "｡", "「": "｢", "」": "｣"})
# partner rewording of English prose: the first applicable replacement is made once in a sentence
EN_REWORDS = (
    (" said ", " stated "), (" said.", " stated."), (" percent", "%"), ("about ", "roughly "),
    ("would ", "will "), ("expects", "anticipates"), ("Residents", "Locals"), ("officials", "authorities"),
    ("Officials", "Authorities"), ("declined to say", "would not say"), ("complaints", "grievances"),
    ("announcement", "news"), ("people", "residents"),
)  # fmt: skip
# what a partner's editor swaps in real texts of several languages
TEXT_REWORDS = (
    (" said ", " stated "), (" says ", " states "), (" sagte ", " erklärte "), (" sagt ", " erklärt "),
    (" dijo ", " afirmó "), (" disse ", " afirmou "), (" also ", " as well "), (" but ", " yet "),
    (" aber ", " jedoch "), (" people ", " residents "),
)  # fmt: skip


def continue_line(source: str) -> str:
    """The link line closing a truncated copy."""
    return f"Continue reading at {source}"


def first_published_line(source: str) -> str:
    """The line closing a partner's edited copy."""
    return f"This report was first published by {source}."


def credit_date(moment: datetime) -> str:
    """The date an aggregator prints beside the source's name (NorthWire12-06-2025)."""
    return f"{moment:%d-%m-%Y}"


def lead_length(paragraphs: int) -> int:
    """How many paragraphs a truncated copy keeps: two, three of a long story."""
    return 3 if paragraphs >= 8 else 2


def edit_sentences(
    sentences: list[str], rng: random.Random, rewords: Sequence[tuple[str, str]] = EN_REWORDS
) -> tuple[list[str], set[str]]:
    """Drop or reword 10-15% of sentences as a partner's editor would; also return the untouched ones."""
    n = len(sentences)
    changes = max(1, round(n * rng.uniform(0.10, 0.15)))
    targets = set(rng.sample(range(1, n), min(changes, n - 1))) if n > 1 else set()
    out: list[str] = []
    untouched: set[str] = set()
    for i, sentence in enumerate(sentences):
        if i not in targets:
            out.append(sentence)
            untouched.add(sentence)
            continue
        ops = [op for op in rewords if op[0] in sentence]
        if ops and rng.random() < 0.5:
            old, new = rng.choice(ops)
            out.append(sentence.replace(old, new, 1))
        # else the sentence is dropped
    return out, untouched


def regroup(sentences: list[str], rng: random.Random) -> list[str]:
    """Sentences regrouped into paragraphs of two to four (the first alone), as a partner's layout does."""
    out: list[str] = []
    pos = 0
    while pos < len(sentences):
        size = rng.choice((2, 3, 3, 4)) if pos else 1
        out.append(" ".join(sentences[pos : pos + size]))
        pos += size
    return out


def drop_sentences(paragraphs: Sequence[str], drops: Sequence[str]) -> list[str]:
    """The paragraphs without the given sentences (a paragraph left empty goes too)."""
    out = []
    for paragraph in paragraphs:
        for sentence in drops:
            paragraph = paragraph.replace(sentence, "")
        if paragraph.strip():
            out.append(" ".join(paragraph.split()))
    return out


def rewrite_headline(title: str, language: str, rng: random.Random) -> str:
    """A partner's headline for the same story: its words in another order, with a tag of its own."""
    words = title.split()
    if language in CJK or len(words) < 4:
        return f"【詳報】{title}" if language == "ja" else f"{title} (update)"
    cut = rng.randint(2, len(words) - 2)
    return " ".join([*words[cut:], "—", *words[:cut]])


def teaser(text: SourceText) -> str:
    """A text's first paragraph, cut to about 110 characters at a word."""
    first = text.paragraphs[0]
    return first if len(first) <= 110 else first[:110].rsplit(" ", 1)[0] + " …"
