"""Measures of the final text: word_count and content_hash.

word_count: \\w+ runs count one word each, except Han and kana, which have no spaces between words and count
one word per two characters (Korean separates words by spaces and is counted by runs).
"""

import hashlib
import math
import re

from copydesk.tasks.clean import normalise_text_for_matching

_CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
# one match per Han or kana character (group 1 set) or per run of other word characters (group 1 empty): the
# words count_words counts, in one pass and without the copy of the text a substitution makes
_CJK_OR_WORD_RE = re.compile(f"([{_CJK_CHARS}])|[^\\W{_CJK_CHARS}]+")
# ASCII word characters (what \w matches below 128) to "a", everything else to a space, for bytes.translate
_ASCII_WORDS = bytes(
    ord("a") if i < 128 and (chr(i).isalnum() or chr(i) == "_") else ord(" ") for i in range(256)
)


def count_words(text: str) -> int:
    """Words in the text (runs of \\w characters); Han and kana count one word per two characters."""
    if text.isascii():
        # no Han or kana; the runs of word characters, found in C without a string per word
        return len(text.encode("ascii").translate(_ASCII_WORDS).split())
    matches = _CJK_OR_WORD_RE.findall(text)
    words = matches.count("")
    return words + math.ceil((len(matches) - words) / 2)


def content_hash(text: str) -> str:
    """sha1 hex of the text normalised for matching."""
    return hashlib.sha1(normalise_text_for_matching(text).encode("utf-8")).hexdigest()
