"""Language: CLD2 (pycld2) on the text when it has at least 50 characters and CLD2 calls its guess reliable;
otherwise the language hint (the outlet's), then <html lang>, then the unreliable guess.

CLD2 rather than py3langid: the same answer on every page of our benchmarks at a fraction of the CPU
(py3langid walks its byte DFA in Python; figures in bench/results/extraction.md).
"""

import re

import pycld2

MIN_LANGID_CHARS = 50
LANGID_MAX_CHARS = 20_000
# CLD2's codes that are not ISO 639-1
CLD2_CODES = {"iw": "he", "jw": "jv", "in": "id", "ji": "yi"}
# control characters CLD2 refuses as invalid UTF-8, and lone surrogates that do not encode
_CLD2_UNSAFE_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def lang_code(value: str | None) -> str | None:
    """The primary subtag of a language tag ("de-AT" -> "de"), or None when it is not one."""
    if not value:
        return None
    code = re.split(r"[-_]", value.strip().lower())[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def _cld2(text: str) -> tuple[str | None, bool]:
    """(ISO 639-1 code or None, reliable) of CLD2's best guess for the text."""
    sample = _CLD2_UNSAFE_RE.sub(" ", text[:LANGID_MAX_CHARS])
    try:
        reliable, _, details = pycld2.detect(sample, bestEffort=True)
    except (pycld2.error, UnicodeError):
        return None, False
    code = details[0][1].split("-")[0].lower()
    if code in {"un", "xx", "xxx"}:
        return None, False
    return CLD2_CODES.get(code, code), reliable


def detect_language(text: str, hint: str | None = None, html_lang: str | None = None) -> str | None:
    """ISO 639-1 language of the text; the hint, then <html lang>, when the text is short or unclear."""
    stripped = text.strip()
    guess, reliable = _cld2(stripped) if stripped else (None, False)
    if guess and reliable and len(stripped) >= MIN_LANGID_CHARS:
        return guess
    return lang_code(hint) or html_lang or guess
