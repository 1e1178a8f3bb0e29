"""Text that lives only in script data: JSON-LD articleBody, Next.js data, other inline app state.

Some pages render their article in the browser: the HTML holds a shell, or only the lead, and the text sits
in the page's scripts. When the text trafilatura found is under a third of the longest article text the
scripts hold, that text is used instead. The candidates: the JSON-LD articleBody; an "articleBody" string
inside any other script (JSON-LD that scripts insert, Next.js app-router payloads pushed to
self.__next_f, inline app state); the article's HTML as app state carries it: a text row of a Next.js
app-router payload ("24:T1b7b,<p>...") or a JSON string of several paragraphs ("contentHtml":
"\u003cp\u003e..." in a data-fetching cache); and in a Next.js __NEXT_DATA__ the longest HTML or
multi-line string, or the list whose prose strings add up to the most text (a block list: [{"type":
"paragraph", "text": ...}, ...]). HTML in them is made plain text, one line per block, without its
captions.
"""

import html
import json
import re
from typing import Any

from lxml.html import HtmlElement

from copydesk.tasks.extract.jsonld import first_str, load_json
from copydesk.tasks.extract.meta import PageMeta

# text this short in the structured data is a description, not an article body
MIN_SCRIPT_TEXT = 400
# the extracted text is replaced when it is under this share of the structured data's
SCRIPT_TEXT_SHARE = 1 / 3
# the HTML text is checked against script data only when it is this short (a longer text is a body)
CHECK_BELOW_CHARS = 2_000
MIN_PROSE_CHARS = 60
MIN_PROSE_SPACES = 6
MIN_CJK_CHARS = 30
MAX_NODES = 200_000
BLOCK_BREAK_RE = re.compile(
    r"<br\s*/?>|</(?:p|div|h[1-6]|li|blockquote|section|figcaption)\s*>", re.IGNORECASE
)
TAG_RE = re.compile(r"<[^>]+>")
# a caption or credit block inside HTML carried by a script: not article text
CAPTION_BLOCK_RE = re.compile(
    r"<(figcaption|div|p|span)\b[^>]*class=\"[^\"]*\b(?:caption|credit)[^\"]*\"[^>]*>.*?</\1>",
    re.IGNORECASE | re.DOTALL,
)
# a template's placeholder left in the HTML a script carries ("$$ARTICLEAD$$": an ad slot)
PLACEHOLDER_RE = re.compile(r"\$\$[A-Z][A-Z0-9_]*\$\$")
# a text row of a Next.js app-router payload: "<id>:T<hex length in utf-8 bytes>,<text>"
TEXT_ROW_RE = re.compile(r"(?:^|\n)[0-9a-f]+:T([0-9a-f]{1,8}),")
# a JSON string in a script that holds HTML paragraphs, escaped or not ("\u003cp\u003e", "<p>")
HTML_STRING_RE = re.compile(r'"((?:[^"\\]|\\.){400,})"')
PARAGRAPH_TAG_RE = re.compile(r"<p[\s>]", re.IGNORECASE)
# HTML in a script is an article only with this many paragraphs (a teaser or a caption has one)
MIN_SCRIPT_PARAGRAPHS = 3
# a JSON string under an "articleBody" key, escapes and all
ARTICLE_BODY_RE = re.compile(r'"articleBody"\s*:\s*("(?:[^"\\]|\\.)*")')
# Next.js app router: each chunk of the page's data is a JSON string pushed to self.__next_f
NEXT_PUSH_RE = re.compile(r'self\.__next_f\.push\(\[\d+,\s*("(?:[^"\\]|\\.)*")\]\)')
MAX_SCRIPT_CHARS = 5_000_000
HTML_HINT_RE = re.compile(r"</?(?:p|br|div|h[1-6]|li|strong|em|a)\b", re.IGNORECASE)
CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def plain_lines(value: str) -> str:
    """HTML or plain text as plain text, one line per block, blank lines and caption blocks dropped."""
    if HTML_HINT_RE.search(value):
        value = CAPTION_BLOCK_RE.sub("\n", value)
        # block ends become line breaks; inline tags go without a space ("<b>달렸다</b>는" is one word)
        value = TAG_RE.sub("", BLOCK_BREAK_RE.sub("\n", value))
    value = PLACEHOLDER_RE.sub("", value)
    value = html.unescape(value)
    lines = (" ".join(line.split()) for line in value.split("\n"))
    return "\n".join(line for line in lines if line)


def _is_prose(value: str) -> bool:
    if len(value) < MIN_PROSE_CHARS or value.startswith(("http://", "https://", "/", "{", "data:")):
        return False
    return value.count(" ") >= MIN_PROSE_SPACES or len(CJK_RE.findall(value[:200])) >= MIN_CJK_CHARS


def next_data_text(tree: HtmlElement) -> str | None:
    """The article text in a Next.js page's __NEXT_DATA__, if it holds one."""
    script = next((s for s in tree.iter("script") if s.get("id") == "__NEXT_DATA__"), None)
    if script is None or not script.text:
        return None
    data = load_json(script.text)
    if data is None:
        return None
    longest = ""
    groups: dict[int, list[str]] = {}
    # (value, id of the nearest list above it); iterative, the nodes bounded
    stack: list[tuple[Any, int]] = [(data, 0)]
    nodes = 0
    while stack and nodes < MAX_NODES:
        value, group = stack.pop()
        nodes += 1
        if isinstance(value, dict):
            stack.extend((v, group) for v in reversed(list(value.values())))
        elif isinstance(value, list):
            stack.extend((v, id(value)) for v in reversed(value))
        elif isinstance(value, str) and _is_prose(value):
            text = plain_lines(value)
            if "\n" in text and len(text) > len(longest):
                longest = text
            groups.setdefault(group, []).append(text)
    best_group = max(groups.values(), key=lambda texts: sum(map(len, texts)), default=[])
    from_group = "\n".join(best_group) if len(best_group) >= 2 else ""
    best = max(longest, from_group, key=len)
    return best if len(best) >= MIN_SCRIPT_TEXT else None


def _json_string(literal: str) -> str:
    try:
        value = json.loads(literal)
    except ValueError:
        return ""
    return value if isinstance(value, str) else ""


def text_rows(payload: str) -> list[str]:
    """The text rows of a Next.js app-router payload that hold HTML paragraphs."""
    rows = []
    for match in TEXT_ROW_RE.finditer(payload):
        size = int(match[1], 16)
        if size < MIN_SCRIPT_TEXT:
            continue
        text = payload[match.end() : match.end() + size]
        # the length counts utf-8 bytes: cut the (longer) character slice back to that many bytes
        text = text.encode("utf-8")[:size].decode("utf-8", "ignore")
        if len(PARAGRAPH_TAG_RE.findall(text)) >= MIN_SCRIPT_PARAGRAPHS:
            rows.append(text)
    return rows


def html_strings(code: str) -> list[str]:
    """The JSON strings in a script's code that hold several HTML paragraphs."""
    found = []
    for match in HTML_STRING_RE.finditer(code):
        value = _json_string(f'"{match[1]}"')
        if len(PARAGRAPH_TAG_RE.findall(value)) >= MIN_SCRIPT_PARAGRAPHS:
            found.append(value)
    return found


def scripted_article_bodies(tree: HtmlElement) -> list[str]:
    """Every "articleBody" string and every article HTML string in the page's scripts, Next.js app-router
    pushes decoded first."""
    found: list[str] = []
    pushed: list[str] = []
    total = 0
    for script in tree.iter("script"):
        code = script.text or ""
        total += len(code)
        if total > MAX_SCRIPT_CHARS:
            break
        if "self.__next_f.push" in code:
            pushed.extend(_json_string(m[1]) for m in NEXT_PUSH_RE.finditer(code))
            continue
        if '"articleBody"' in code:
            found.extend(_json_string(m[1]) for m in ARTICLE_BODY_RE.finditer(code))
        if ESCAPED_PARAGRAPH in code or "<p" in code:
            found.extend(html_strings(code))
    payload = "".join(pushed)
    if '"articleBody"' in payload:
        found.extend(_json_string(m[1]) for m in ARTICLE_BODY_RE.finditer(payload))
    if ":T" in payload:
        found.extend(text_rows(payload))
    return [plain_lines(body) for body in found if body]


# what the page's HTML holds when a script may hold its text (a substring search, before any tree walk)
ESCAPED_PARAGRAPH = "\\u003cp"
SCRIPT_TEXT_MARKERS = ('"articleBody"', "__NEXT_DATA__", "self.__next_f", ESCAPED_PARAGRAPH)


def script_text(page: PageMeta, tree: HtmlElement, html: str, extracted: str) -> str | None:
    """The scripts' article text when the extracted text is empty or much shorter than it."""
    if len(extracted) >= CHECK_BELOW_CHARS:
        return None
    body = first_str((page.article_ld or {}).get("articleBody"))
    # plain_lines only shortens a text: a raw articleBody this short cannot replace the extracted text
    candidates = [plain_lines(body)] if body and len(extracted) < SCRIPT_TEXT_SHARE * len(body) else []
    short = not body or len(body) < MIN_SCRIPT_TEXT
    if short and any(marker in html for marker in SCRIPT_TEXT_MARKERS):
        candidates += scripted_article_bodies(tree)
        found = next_data_text(tree)
        if found:
            candidates.append(found)
    best = max(candidates, key=len, default="")
    if len(best) >= MIN_SCRIPT_TEXT and len(extracted) < SCRIPT_TEXT_SHARE * len(best):
        return best
    return None
