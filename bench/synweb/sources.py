"""What the webs are made from: story source files written by us (tests/sites/src, deploy/demo/src), article
texts (real ones read at run time from ../shared/bench, or ours), and sentences."""

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bench.synweb.markup import BASE

# -- story source files: blocks opened by "=== <path>", header lines, a blank line, paragraphs


@dataclass(frozen=True)
class Story:
    """One story as its source block describes it."""

    path: str
    fields: dict[str, str]
    paragraphs: tuple[str, ...]

    def __getitem__(self, name: str) -> str:
        return self.fields[name]

    def get(self, name: str) -> str | None:
        """A header field, or None."""
        return self.fields.get(name)

    @property
    def url(self) -> str:
        """The story's URL with the {{BASE}} placeholder."""
        return f"{BASE}/{self.path}"

    @property
    def title(self) -> str:
        """The title field."""
        return self["title"]

    @property
    def authors(self) -> list[str]:
        """The authors field, split on ';'."""
        return [a.strip() for a in self.fields.get("authors", "").split(";") if a.strip()]

    @property
    def published(self) -> datetime:
        """The published field, which must carry an offset."""
        return aware(self["published"])

    @property
    def modified(self) -> datetime | None:
        """The modified field, if any."""
        value = self.get("modified")
        return aware(value) if value else None

    @property
    def body(self) -> str:
        """The paragraphs joined by spaces."""
        return " ".join(self.paragraphs)


def aware(value: str) -> datetime:
    """Parse an ISO timestamp that must carry an offset."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"timestamp without offset: {value}")
    return moment


def newest_first(stories: list) -> list:
    """Stories (or copies of them) by publication time, newest first, as feeds list them."""
    return sorted(stories, key=lambda s: s.published, reverse=True)


def read_stories(path: Path) -> list[Story]:
    """The story blocks of one source file."""
    stories = []
    for block in re.split(r"^=== ", path.read_text(encoding="utf-8"), flags=re.M)[1:]:
        head, _, rest = block.partition("\n")
        header, _, body = rest.partition("\n\n")
        fields = dict(line.split(": ", 1) for line in header.strip().splitlines())
        paragraphs = tuple(" ".join(p.split()) for p in body.strip().split("\n\n") if p.strip())
        stories.append(Story(head.strip(), fields, paragraphs))
    return stories


def check_story(story: Story, language: str) -> None:
    """Fail loudly when a source breaks the rules of a fixture story: its key sentence in its body, 4-9
    paragraphs, 250-700 English words or 400 (ja) / 300 (ko) to 900 characters, an aware timestamp."""
    where = story.path
    if story["key"] not in story.body:
        raise SystemExit(f"{where}: key sentence is not in the body")
    if not 4 <= len(story.paragraphs) <= 9:
        raise SystemExit(f"{where}: {len(story.paragraphs)} paragraphs, want 4-9")
    if language == "en":
        words = len(story.body.split())
        if not 250 <= words <= 700:
            raise SystemExit(f"{where}: {words} words, want 250-700")
    else:
        chars = len(re.sub(r"\s", "", story.body))
        low = 400 if language == "ja" else 300
        if not low <= chars <= 900:
            raise SystemExit(f"{where}: {chars} characters, want {low}-900")
    story.published  # noqa: B018 - raises on a naive timestamp


# -- article texts


@dataclass(frozen=True)
class SourceText:
    """One article: its title, body paragraphs and language (a primary subtag)."""

    key: str
    title: str
    paragraphs: tuple[str, ...]
    language: str


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“‘(\[A-ZÀ-ÖØ-ÞА-Я0-9])|(?<=[。！？])")


def sentences_of(paragraph: str) -> list[str]:
    """A paragraph's sentences (after . ! ? before a capital, or after 。！？)."""
    return [s for s in (x.strip() for x in SENTENCE_END.split(paragraph)) if s]


def tidy(paragraphs: Iterable[str]) -> tuple[str, ...]:
    """Paragraphs with their whitespace collapsed, empty ones dropped."""
    return tuple(p for p in (" ".join(x.split()) for x in paragraphs) if p)


def title_from(paragraphs: Sequence[str], url: str) -> str:
    """A headline for a text that has none: the words of its URL's slug, else its first sentence."""
    slug = re.sub(r"\.[a-z]+$", "", url.rstrip("/").rsplit("/", 1)[-1])
    words = [w for w in re.split(r"[-_]+", slug) if w.isalpha()]
    if len(words) >= 4:
        return " ".join(words).capitalize()
    # no words in the URL: the first sentence as the headline, cut at a word as a headline is
    first = sentences_of(paragraphs[0])[0] if paragraphs else "Untitled"
    return first[:90].rsplit(" ", 1)[0].rstrip(",;:") if len(first) > 90 else first.rstrip(".")


def language_of(text: str) -> str:
    """The text's primary language subtag by CLD2 (copydesk's own dependency), "en" when unsure."""
    import pycld2

    try:
        reliable, _, details = pycld2.detect(text[:5000])
    except pycld2.error:
        return "en"
    code = details[0][1] if details and details[0][1] != "un" else "en"
    return code.split("-")[0] if reliable or code else "en"


def texts_from_aeb(root: Path) -> list[SourceText]:
    """The article-extraction-benchmark pages' ground-truth bodies (ground-truth.json: id -> articleBody,
    url)."""
    truth = json.loads((Path(root) / "ground-truth.json").read_text(encoding="utf-8"))
    out = []
    for key, entry in sorted(truth.items()):
        paragraphs = tidy(entry["articleBody"].split("\n"))
        if len(paragraphs) >= 2:
            out.append(
                SourceText(
                    f"aeb-{key[:12]}",
                    title_from(paragraphs, entry.get("url", "")),
                    paragraphs,
                    language_of(" ".join(paragraphs)),
                )
            )
    return out


def news_page_text(case: dict) -> SourceText | None:
    """A news-pages case's expected title and body (summary, then each section's headline and paragraphs)."""
    expected = case.get("expected") or {}
    body = expected.get("body") or {}
    parts = list(body.get("summary") or [])
    for section in body.get("sections") or []:
        parts += list(section.get("headline") or []) + list(section.get("paragraphs") or [])
    paragraphs = tidy(parts)
    title = " ".join((expected.get("title") or "").split()) or title_from(paragraphs, case.get("url", ""))
    if len(paragraphs) < 2:
        return None
    return SourceText(f"np-{case['id']}", title, paragraphs, (case.get("languages") or ["en"])[0])


def texts_from_news_pages(root: Path) -> list[SourceText]:
    """The news-pages cases' texts (see news_page_text)."""
    cases = json.loads((Path(root) / "cases.json").read_text(encoding="utf-8"))
    return [t for t in map(news_page_text, cases) if t is not None]


def texts_from_dir(root: Path) -> list[SourceText]:
    """Texts of our own: one .txt per article, its first line the title, one paragraph per line; the
    language is the file name's prefix (en_..., ja_...)."""
    out = []
    for path in sorted(Path(root).glob("*.txt")):
        title, *paragraphs = path.read_text(encoding="utf-8").strip().split("\n")
        out.append(SourceText(path.stem, title.strip(), tidy(paragraphs), path.stem.split("_", 1)[0]))
    return out
