"""Words room: word_count across scripts."""

import math
import random
import re

from copydesk.tasks.extract import count_words


def test_count_words_cjk_aware() -> None:
    assert count_words("the quick brown fox") == 4
    assert count_words("除雪車を増強") == 3
    assert count_words("한국과 일본 정상은") == 3


def random_strings(seed: int, alphabet: str, count: int = 4000, longest: int = 40) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest))) for _ in range(count)]


ASCII = "".join(map(chr, range(128)))


# ASCII, Latin, Han, kana, hangul, full- and half-width forms, an Arabic-Indic digit, marks the maps respell
MIXED = ASCII + "éßİ日本語カナ한국어，。、ｶＡ１𠀋_٣“”‘’«»—–…`\u200b"


def test_count_words_counts_what_the_word_regex_finds() -> None:
    # the definition: runs of \w once every Han and kana character stands apart; two of those make a word
    han_or_kana = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")

    def reference(text: str) -> int:
        runs = re.findall(r"\w+", han_or_kana.sub(" ", text))
        return len(runs) + math.ceil(len(han_or_kana.findall(text)) / 2)

    for text in random_strings(1, MIXED) + random_strings(2, ASCII):
        assert count_words(text) == reference(text), repr(text)
