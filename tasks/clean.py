"""Per-page text cleaning by generic rules: page furniture lines, source credit lines, normalisation for
matching (pure).

The rules are the same for every outlet: trailing sections after a "Related"/"Comments" heading, link boxes,
related-link lines, rights notices, junk and read-more lines, a repeated title. What repeats across ONE
outlet's pages is learned per outlet instead, by tasks/outlet_templates.py, after extraction.
`clean_text` runs a sequence of steps, each `(text) -> (text, removed_blocks)`; a caller may pass its own
(`clean_text(text, steps=...)`) without touching these rules.
Stored text keeps its original characters: only `normalise_for_matching` applies NFKC.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import urljoin, urlsplit

from copydesk.tasks.dedupe import text_nfkc
from copydesk.tasks.urls import canonical_url, url_problem

CleanStep = Callable[[str], tuple[str, list[str]]]

# headings that open a trailing block of other stories or page furniture; everything from one of them to the
# end goes, but only once some body text precedes it (see MIN_BODY_BEFORE_CUT)
_END_HEADINGS = [
    r"related (?:articles?|stories|news|content|posts|coverage|reading|links|topics|videos?)",
    r"more (?:from|on|in) .{1,60}",
    r"more (?:stories|news|articles|headlines|to read|for you)",
    r"recommended(?: for you| stories| articles| reading| videos?)?",
    r"(?:you|we think you) (?:may|might|will|would) (?:also )?(?:like|enjoy|be interested in)",
    r"read (?:this )?next",
    r"what to read next",
    r"(?:most|more) (?:read|popular|viewed|shared|emailed)(?: stories| articles| now| today| this week)?",
    r"(?:trending|popular|top|latest|other) (?:now|stories|news|articles|headlines)",
    r"trending",
    r"comments?(?: \(\d+\))?",
    r"\d+ comments?",
    r"no comments yet\.*",
    r"(?:leave|post|add|write) a (?:comment|reply)",
    r"join the (?:conversation|discussion)",
    r"show comments",
    r"try our ai features",
    r"(?:get started now: )?download (?:the|our) app",
    r"get the app",
    r"関連記事",
    r"関連ニュース",
    r"おすすめ記事",
    r"あわせて読みたい",
    r"こちらもおすすめ",
    r"관련\s?기사",
    r"추천\s?기사",
    r"많이 본 뉴스",
    r"相关(?:新闻|阅读|文章)",
    r"推荐阅读",
]
END_HEADING_RE = re.compile(r"^\W{0,3}(?:" + "|".join(_END_HEADINGS) + r")\s*[:：»›>]?\s*$", re.IGNORECASE)
# headings of link boxes set inside the body ("DON'T MISS", "Read more:"): the box goes, the story goes on
# labels that put a link to another page of the site in the middle of a story ("Lesen Sie auch: <title>",
# "Read more: <title>", "【関連記事】<title>"), in the languages of the outlets we see; a label alone on its
# line heads a box of such links ("Mehr zum Thema" and the headlines under it)
_RELATED_LABELS = [
    # en
    r"related(?: (?:content|stories|articles?|coverage|news|reading|links))?",
    r"(?:read|see) (?:more|also|next|this)",
    r"also (?:read|see)",
    r"further reading",
    r"don'?t miss",
    r"editor'?s picks",
    r"more on (?:this|that)(?: story| topic)?",
    r"more (?:from|on) [^:：]{1,40}",
    r"you (?:may|might) also like",
    r"recommended(?: reading| for you)?",
    # de, nl, no/da/sv
    r"lesen sie (?:auch|mehr|hier|dazu)",
    r"lies auch",
    r"auch interessant",
    r"mehr zum thema",
    r"mehr dazu",
    r"zum thema",
    r"siehe auch",
    r"das könnte sie auch interessieren",
    r"weiterlesen",
    r"lees (?:ook|meer)",
    r"zie ook",
    r"meer over [^:：]{1,40}",
    r"les (?:også|mer)",
    r"læs (?:også|mere)",
    r"läs (?:också|mer)",
    r"se (?:også|även|også)",
    r"relatert(?:e saker)?",
    r"relaterede artikler",
    r"relaterat",
    # fr, es, pt, it
    r"(?:à )?lire (?:aussi|également|la suite)",
    r"voir aussi",
    r"sur le même sujet",
    r"le(?:a|e) (?:también|más)",
    r"ver también",
    r"(?:le|te) puede interesar",
    r"noticias relacionadas",
    r"leia (?:também|mais)",
    r"veja (?:também|mais)",
    r"saiba mais",
    r"leggi (?:anche|di più)",
    r"vedi anche",
    r"potrebbe interessarti",
    # pl, cs, tr, ru, id/ms, ar
    r"czytaj (?:też|także|również|więcej)",
    r"zobacz (?:też|także|również)",
    r"čtěte (?:také|též)",
    r"ayrıca (?:okuyun|bakınız|bkz\.?)",
    r"ilgili haber(?:ler)?",
    r"bunlar da ilginizi çekebilir",
    r"читайте (?:также|тоже)",
    r"см\. также",
    r"по теме",
    r"baca (?:juga|selengkapnya)",
    r"اقرأ (?:أيضا|أيضاً|المزيد)",
    # ja, ko, zh
    r"関連記事",
    r"関連ニュース",
    r"(?:あわ|合わ)せて読みたい",
    r"こちらもおすすめ",
    r"おすすめ記事",
    r"관련\s?(?:기사|뉴스)",
    r"함께 (?:볼|읽을) 만한 (?:기사|뉴스)",
    r"추천\s?기사",
    r"相[关關](?:新[闻聞]|阅读|閱讀|文章)",
    r"延伸[阅閱][读讀]",
    r"推[荐薦][阅閱][读讀]",
]
_RELATED_LABEL = "(?:" + "|".join(_RELATED_LABELS) + ")"
INLINE_HEADING_RE = re.compile(r"^\W{0,3}" + _RELATED_LABEL + r"\s*[:：»›>\]】]?\s*$", re.IGNORECASE)
# one line: a label, a separator and the title of another page: "Lesen Sie auch: Warum die Mieten steigen",
# "【関連記事】…", "► Read more - The vote that changed everything"
RELATED_LINE_RE = re.compile(
    r"^\W{0,3}[\[【(]?\s*"
    + _RELATED_LABEL
    + r"\s*(?:[\]】)]\s*[:：]?|[:：|»›>▶►→]|\s[-–—]\s?)\s*(?P<title>.+)$",
    re.IGNORECASE,
)
# a title is one short line, not a sentence of the story: at most one sentence end, and only at its end
MAX_RELATED_LINE = 200
MAX_TITLE_WITH_STOP = 80
MAX_TWO_PART_TITLE = 100
_TITLE_INNER_SENTENCE_END = re.compile(r"[.!?。！？]\s+\S")
# a teaser in a link box: a short headline, not a sentence
TEASER_LINE_RE = re.compile(r"^.{1,160}$")
SENTENCE_END_RE = re.compile(r"[.!?。！？\"”’')）]$")
MAX_BOX_LINES = 8
# a heading this early is more likely an inline box than the end of the story: keep what follows
MIN_BODY_BEFORE_CUT = 200

# single lines of page furniture that can sit anywhere in the extracted text
_JUNK_LINES = [
    r"advertisement",
    r"skip advertisement",
    r"story continues below(?: this)? advertisement",
    r"article continues below(?: this)? (?:advertisement|ad)",
    r"(?:scroll|continue) (?:down )?to (?:continue|read more)",
    r"share(?: this)?(?: article| story| page| post)?(?: on \w+)?",
    r"(?:share|post) (?:on|to|via) (?:facebook|twitter|x|linkedin|whatsapp|reddit|email|line)",
    r"(?:tweet|email|print|copy link|copy url|link copied)",
    r"(?:follow|like) us on (?:facebook|twitter|x|instagram|linkedin|youtube)",
    r"(?:sign up|subscribe)(?: now)?(?: for| to)? (?:our|the)? ?.{0,40}newsletters?\.?",
    r"(?:get|receive) (?:the|our) .{0,40}(?:newsletter|in your inbox|delivered to your inbox)\.?",
    r"(?:site )?logo",
    r"(?:white|black|orange|blue|red|green|gr[ae]y|yellow|purple|pink) background",
    r"image(?: source)?: .{1,60}",
    r"photo(?: credit)?: .{1,60}",
    r"(?:listen|watch) (?:to )?(?:this|the) (?:article|story)(?: \d+ min)?",
    r"\d+ min(?:ute)? read",
    # an ad slot's label and a reading-time line in the other languages of the outlets we see
    r"(?:anzeige|werbung|(?:passer la )?publicité|publicidad|pubblicità|reklame|reklam|annons)",
    r"(?:reading time|lesedauer|lesezeit|temps de lecture|tiempo de lectura|lesetid|lästid)\s*:?\s*"
    r"(?:ca\.\s*)?\d+\s*(?:min(?:\.|utes?|uten?|utos?|utter)?)",
]
JUNK_LINE_RE = re.compile(r"^\W{0,3}(?:" + "|".join(_JUNK_LINES) + r")\W{0,3}$", re.IGNORECASE)

# rights and syndication notices that wire copies carry ("This material may not be published, broadcast,
# rewritten or redistributed.", "© 2025 Wire. All rights reserved.", "無断転載を禁じます"): a kind of line,
# told by its words, never part of the story
_NOTICE_CUES = [
    r"may not be (?:re)?published,? (?:or )?broadcast",
    r"(?:rewritten|redistributed)(?: in (?:whole|part))?",
    r"all rights reserved",
    r"alle rechte vorbehalten",
    r"tous droits réservés",
    r"todos los derechos reservados",
    r"todos os direitos reservados",
    r"tutti i diritti riservati",
    r"alle rettigheter (?:er )?forbeholdt",
    r"alle rettigheder forbeholdes",
    r"alla rättigheter förbehållna",
    r"wszelkie prawa zastrzeżone",
    r"tüm hakları saklıdır",
    r"все права защищены",
    r"hak cipta dilindungi",
    r"無断(?:で)?(?:転載|複製)(?:を|・)?(?:禁|お断り)",
    r"무단\s?(?:전재|복제)",
    r"版[权權]所有",
    r"^(?:copyright|\(c\)|©)\s*(?:©\s*)?(?:\d{4}|[A-Z])",
    r"^©",
    r"nachdruck (?:nur )?(?:mit genehmigung|verboten)",
    r"weiterverbreitung .{0,40}(?:untersagt|nicht gestattet)",
]
NOTICE_LINE_RE = re.compile("|".join(_NOTICE_CUES), re.IGNORECASE)
# one character every cue's match holds (b: "broadcast", "redistributed", "forbeholdt"; v: "reserved",
# "vorbehalten", "réservés"; w: "rewritten"; g: "copyright"; ( : "(c)"...), matched under the same flags: a
# line without any holds no notice, and this one-class search costs a fraction of the cues' (the tests check
# that every cue's matches hold one)
NOTICE_CUE_CHARS_RE = re.compile("[bvwgkв無무版(©]", re.IGNORECASE)
# and words (one at least in every cue's match, the tests check), looked for in the line lower-cased after
# mapping the few characters IGNORECASE takes for a letter of theirs that str.lower() does not give
_NOTICE_WORD_FOLD = str.maketrans({"İ": "i", "ı": "i", "ſ": "s", "\u1c80": "в", "\u1c83": "с"})


def _fold_for_notice_words(line: str) -> str:
    return (line if line.isascii() else line.translate(_NOTICE_WORD_FOLD)).lower()


NOTICE_WORDS: tuple[str, ...] = tuple(
    map(
        _fold_for_notice_words,
        (
            "broadcast", "written", "distributed", "all rights reserved", "alle rechte vorbehalten",
            "tous droits réservés", "todos los derechos reservados", "todos os direitos reservados",
            "tutti i diritti riservati", "forbeholdt", "alle rettigheder forbeholdes",
            "alla rättigheter förbehållna", "wszelkie prawa zastrzeżone", "tüm hakları saklıdır",
            "все права защищены", "hak cipta dilindungi", "無断", "무단", "版", "copyright", "(c)", "©",
            "nachdruck ", "weiterverbreitung ",
        ),
    )
)  # fmt: skip
# a notice is a short line: a long line that mentions rights is a sentence of a story about them
MAX_NOTICE_LINE = 200

# "Continue reading at ...", "Read the full story at ...": the mark of a truncated copy
READ_MORE_RE = re.compile(
    r"^\W{0,3}(?:continue reading|read (?:the )?(?:full|whole|rest of the|complete) (?:story|article)"
    r"|read more|full story|続きを読む|記事の続きを読む|全文を読む|기사 원문 보기|원문 보기|阅读全文)"
    r"(?:\s+(?:at|on|in)\s+.{1,80})?\s*(?:[.…:»›>]|\.\.\.)*\s*$",
    re.IGNORECASE,
)

# a link to the rest of the story on another site: "Continue reading at Metro Daily"
READ_ELSEWHERE_RE = re.compile(
    r"^\W{0,3}(?:continue reading|keep reading|read more|full story"
    r"|read (?:the )?(?:full|whole|rest of the|complete) (?:story|article))\s+(?:at|on|in)\s+.{2,80}$",
    re.IGNORECASE,
)

# credit lines: "NHK18-06-2025", "18-06-2025" (a bare date, DD-MM-YYYY)
CREDIT_DATE_RE = re.compile(
    r"^(?P<src>[A-Za-z][A-Za-z&.'\- ]{0,40}?)?\s*(?P<d>0?[1-9]|[12]\d|3[01])[-./](?P<m>0?[1-9]|1[0-2])"
    r"[-./](?P<y>(?:19|20)\d{2})$"
)


def match_credit_date(line: str) -> re.Match[str] | None:
    """CREDIT_DATE_RE.match(line), refusing first, in a few string operations, a line that does not end in a
    year: the pattern's optional source name makes the regex try a date after each of its up to 41 lengths,
    on every line asked (its cost: bench/results/throughput.md)."""
    end = line[:-1] if line.endswith("\n") else line  # "$" matches before a last newline too
    if end[-4:-2] not in ("19", "20") or not end[-2:].isdecimal():  # \d is a Unicode decimal digit
        return None
    return CREDIT_DATE_RE.match(line)


# "(NHKニュースより)", "（共同通信より）", "(출처: 연합뉴스)"
PAREN_FROM_RE = re.compile(r"^[(（〈<\[［【]\s*(?P<src>[^()（）]{1,40}?)\s*より\s*[)）〉>\]］】]$")
SOURCE_LABEL_RE = re.compile(
    r"^[(（\[［]?\s*(?:source|sources|quelle|fuente|fonte|출처|出典|出所|来源|消息来源)\s*[:：]\s*"
    r"(?P<src>[^\n]{2,80}?)\s*[)）\]］]?\s*\.?$",
    re.IGNORECASE,
)
FIRST_PUBLISHED_RE = re.compile(
    r"(?:this (?:report|story|article|piece|post|column|interview)\s+(?:was|is|has been)\s+)?"
    r"(?:originally|first)\s+(?:published|appeared|ran|posted)\s+(?:by|on|in|at)\s+"
    r"(?P<src>(?:the\s+)?[A-Z0-9][\w&'.\-]*(?:\s+(?:[A-Z0-9&][\w&'.\-]*|of|the|and|de|for))*)",
    re.IGNORECASE,
)
REPUBLISHED_RE = re.compile(
    r"(?:republished|reprinted|reproduced)\s+(?:with permission\s+)?(?:from|courtesy of|by)\s+"
    r"(?P<src>(?:the\s+)?[A-Z0-9][\w&'.\-]*(?:\s+(?:[A-Z0-9&][\w&'.\-]*|of|the|and))*)",
    re.IGNORECASE,
)
# words every match of FIRST_PUBLISHED_RE / REPUBLISHED_RE contains (casefolded): a substring test is far
# cheaper than the regex search, which most lines fail
FIRST_PUBLISHED_CUES = (("originally", "first"), ("published", "appeared", "ran", "posted"))
REPUBLISHED_CUES = (("republished", "reprinted", "reproduced"),)


def has_cues(text: str, cues: tuple[tuple[str, ...], ...]) -> bool:
    """True when the casefolded text holds at least one word of every group: a prefilter for a regex."""
    folded = text.casefold()
    return all(any(word in folded for word in group) for group in cues)


# trailing wire sign-off: "— AP", "- Reuters"
SIGNOFF_RE = re.compile(r"(?:^|\s)[—–-]{1,2}\s*(?P<src>[A-Z][A-Za-z&.]*(?: [A-Z][A-Za-z&.]*){0,3})\s*$")
# wire dateline at the start of the body: "WASHINGTON (Reuters) -", "(AP) —", "(서울=연합뉴스)"
DATELINE_RE = re.compile(
    r"^(?:[A-Z][A-Z .,'/-]{1,40}\s*)?\((?P<src>[A-Z][A-Za-z&. ]{1,30})\)\s*[—–-]{1,2}\s"
    r"|^[(（\[［][^=()（）]{1,20}=(?P<src2>[^()（）\]］]{1,20})[)）\]］]"
)
# words that end a credited name captured from running text
_NAME_STOPWORDS = re.compile(
    r"\s+(?:on|in|at|under|and is|and was|with|as|license|licence)\b.*$", re.IGNORECASE
)
# credit lines sit among the first few lines (after a repeated headline, a logo's alt text) or the last ones
CREDIT_HEAD_LINES = 5
CREDIT_TAIL_LINES = 3
MAX_CREDIT_LINE = 300


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n")]


def _edge_indexes(lines: list[str]) -> list[int]:
    """Indexes of the first and last few non-empty lines, first lines first."""
    filled = [i for i, line in enumerate(lines) if line]
    head = filled[:CREDIT_HEAD_LINES]
    tail = [i for i in filled[-CREDIT_TAIL_LINES:] if i not in head]
    return head + tail[::-1]


def _tidy_name(name: str) -> str | None:
    name = _NAME_STOPWORDS.sub("", name).strip(" .,;:-–—()（）「」\"'")
    return name if 1 < len(name) <= 60 else None


def credit_of_line(line: str) -> str | None:
    """The credited source when the whole line is a credit ("NHK18-06-2025", "(Xより)"), else None."""
    line = line.strip()
    if not line or len(line) > MAX_CREDIT_LINE:
        return None
    match = match_credit_date(line)
    if match:
        return _tidy_name(match["src"]) if match["src"] else None
    for pattern in (PAREN_FROM_RE, SOURCE_LABEL_RE):
        match = pattern.match(line)
        if match:
            return _tidy_name(match["src"])
    return None


def _is_credit_line(line: str) -> bool:
    """Whole-line credit that is not body text: safe to strip."""
    line = line.strip()
    if not line or len(line) > MAX_CREDIT_LINE:
        return False
    match = match_credit_date(line)
    if match:
        # a bare date line is a dateline, not a credit: leave it alone
        return bool(match["src"])
    if PAREN_FROM_RE.match(line) or SOURCE_LABEL_RE.match(line):
        return True
    # "This article was originally published by X." as a line of its own, short
    return len(line) <= 200 and bool(FIRST_PUBLISHED_RE.match(line.lstrip("*_(（[ ")))


def detect_source_credit(text: str) -> str | None:
    """The original source a republished text credits in its first or last lines, or None."""
    lines = _lines(text)
    for i in _edge_indexes(lines):
        credit = credit_of_line(lines[i])
        if credit:
            return credit
    for i in _edge_indexes(lines):
        line = lines[i]
        if len(line) > 600:
            continue
        for pattern, cues in ((FIRST_PUBLISHED_RE, FIRST_PUBLISHED_CUES), (REPUBLISHED_RE, REPUBLISHED_CUES)):
            match = pattern.search(line) if has_cues(line, cues) else None
            if match:
                name = _tidy_name(match["src"])
                if name:
                    return name
    filled = [line for line in lines if line]
    if filled:
        match = DATELINE_RE.match(filled[0])
        if match:
            name = _tidy_name(match["src"] or match["src2"])
            if name:
                return name
        match = SIGNOFF_RE.search(filled[-1])
        # a sign-off is a short trailer, not a dash inside the last sentence
        if match and len(match["src"]) <= 20 and len(filled[-1]) - match.start() <= 25:
            return _tidy_name(match["src"])
    return None


def strip_credit_lines(text: str) -> tuple[str, list[str]]:
    """Remove whole credit lines ("NHK18-06-2025", "(NHKニュースより)", "Source: X") from the text's edges."""
    lines = text.split("\n")
    removed: list[str] = []
    drop: set[int] = set()
    for i in _edge_indexes([line.strip() for line in lines]):
        if _is_credit_line(lines[i]):
            drop.add(i)
            removed.append(lines[i].strip())
    if not drop:
        return text, []
    kept = [line for i, line in enumerate(lines) if i not in drop]
    return "\n".join(kept).strip("\n"), removed


def cut_trailing_sections(text: str) -> tuple[str, list[str]]:
    """Cut from the first "Related Articles"/"関連記事"/"Comments" heading after the body to the end."""
    lines = text.split("\n")
    seen = 0
    for i, line in enumerate(lines):
        stripped = line.strip()
        if seen >= MIN_BODY_BEFORE_CUT and len(stripped) <= 80 and END_HEADING_RE.match(stripped):
            tail = "\n".join(lines[i:]).strip()
            return "\n".join(lines[:i]).rstrip(), [tail]
        if not JUNK_LINE_RE.match(stripped):
            seen += len(stripped)
    return text, []


def drop_link_boxes(text: str) -> tuple[str, list[str]]:
    """Drop "DON'T MISS"/"Read more:" boxes inside the body: the heading and the headline lines under it."""
    lines = text.split("\n")
    kept: list[str] = []
    removed: list[str] = []
    i = 0
    while i < len(lines):
        stripped = lines[i].strip()
        if len(stripped) <= 40 and INLINE_HEADING_RE.match(stripped):
            end = i + 1
            while (
                end < len(lines)
                and end - i <= MAX_BOX_LINES
                and lines[end].strip()
                and TEASER_LINE_RE.match(lines[end].strip())
                and not SENTENCE_END_RE.search(lines[end].strip())
            ):
                end += 1
            removed.append("\n".join(line.strip() for line in lines[i:end]))
            i = end
            continue
        kept.append(lines[i])
        i += 1
    return "\n".join(kept), removed


def is_related_line(line: str) -> bool:
    """True when the line is a label and the title of another page ("Lesen Sie auch: <title>")."""
    line = line.strip()
    if not line or len(line) > MAX_RELATED_LINE:
        return False
    match = RELATED_LINE_RE.match(line)
    if match is None:
        return False
    title = match["title"].strip()
    # a headline rarely ends in a full stop; a long line that does is a sentence that opens with a label
    sentence_like = title.endswith((".", "。")) and len(line) > MAX_TITLE_WITH_STOP
    # a headline may hold two short sentences ("It's official. The euro is dead"), a paragraph does not
    inner = len(_TITLE_INNER_SENTENCE_END.findall(title))
    short_enough = inner == 0 or (inner == 1 and len(title) <= MAX_TWO_PART_TITLE)
    return len(title) >= 2 and not sentence_like and short_enough


def _drop_lines(text: str, is_furniture: Callable[[str], bool]) -> tuple[str, list[str]]:
    kept: list[str] = []
    removed: list[str] = []
    for line in text.split("\n"):
        if is_furniture(line):
            removed.append(line.strip())
        else:
            kept.append(line)
    return "\n".join(kept), removed


def drop_related_lines(text: str) -> tuple[str, list[str]]:
    """Drop single lines linking to another page inside the story ("Read more: <title>", "【関連記事】…")."""
    return _drop_lines(text, is_related_line)


def is_notice_line(line: str) -> bool:
    """True when the line is a rights or syndication notice, not a sentence of the story."""
    line = line.strip()
    if not line or len(line) > MAX_NOTICE_LINE or NOTICE_CUE_CHARS_RE.search(line) is None:
        return False
    folded = _fold_for_notice_words(line)
    return any(word in folded for word in NOTICE_WORDS) and NOTICE_LINE_RE.search(line) is not None


def drop_notice_lines(text: str) -> tuple[str, list[str]]:
    """Drop rights and syndication notices ("This material may not be published, broadcast, ...")."""
    return _drop_lines(text, is_notice_line)


# anchor texts that point at the full story elsewhere, with no site name ("Continue reading", "Source")
_SOURCE_ANCHOR_RE = re.compile(
    r"^\W{0,3}(?:continue reading|keep reading"
    r"|read (?:the )?(?:full|whole|complete|original) (?:story|article)"
    r"|full story|original (?:story|article|source)|source|via|zum (?:original)?artikel|weiterlesen"
    r"|lire la suite|leer (?:más|el artículo completo)|leia (?:mais|a matéria completa)|continua a leggere"
    r"|続きを読む|全文を読む|元記事|기사 원문 보기|원문 보기|阅读全文|阅读原文|閱讀全文)\W{0,3}$",
    re.IGNORECASE,
)


def source_link_url(
    anchors: Iterable[tuple[str, str | None]], page_url: str, same_site: Callable[[str], bool]
) -> str | None:
    """The URL a page names as the rest or the source of its story: the target of a "Continue reading at X"
    / "Read more on X" / "Source" link (anchor text, href) to an article on another site, else None."""
    for text, href in anchors:
        if not href:
            continue
        label = " ".join(text.split())
        if not (READ_ELSEWHERE_RE.match(label) or _SOURCE_ANCHOR_RE.match(label)):
            continue
        try:
            target = urljoin(page_url, href.strip())
        except ValueError:  # a malformed href (a broken IPv6 literal): not a link to anything
            continue
        if not target.startswith(("http://", "https://")) or url_problem(target):
            continue
        target = canonical_url(target)
        # a link to a site's home page credits an outlet, it does not name a story
        if same_site(target) or urlsplit(target).path in ("", "/"):
            continue
        return target
    return None


def drop_junk_lines(text: str) -> tuple[str, list[str]]:
    """Drop single lines of page furniture: share bars, "Advertisement", newsletter prompts."""
    kept: list[str] = []
    removed: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and len(stripped) <= 120 and JUNK_LINE_RE.match(stripped):
            removed.append(stripped)
        else:
            kept.append(line)
    return "\n".join(kept), removed


def drop_read_more(text: str) -> tuple[str, list[str]]:
    """Drop a trailing "Continue reading at ..." / "Read more" line."""
    lines = text.rstrip().split("\n")
    if lines and READ_MORE_RE.match(lines[-1].strip()):
        return "\n".join(lines[:-1]).rstrip(), [lines[-1].strip()]
    return text, []


def has_read_more(text: str) -> bool:
    """True when the text ends with a "Continue reading at ..." style pointer to the full story."""
    filled = [line.strip() for line in text.split("\n") if line.strip()]
    return bool(filled) and bool(READ_MORE_RE.match(filled[-1]))


def tidy_whitespace(text: str) -> tuple[str, list[str]]:
    """Strip both ends of every line and collapse runs of blank lines; removes no block."""
    text = "\n".join(line.strip(" \t\u00a0") for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip(), []


# a kicker printed in one line with the headline it tops ("US-Dream-Team wird immer besser Deutscher
# Aggressor beeindruckt", "Umbau des Weissen Hauses Trump plant..."): at most this long, before a headline
# at least this long
MAX_KICKER_CHARS = 60
MAX_KICKER_WORDS = 8
MIN_KICKED_TITLE_CHARS = 20


_NOT_LETTER_RE = re.compile(r"[\W_]+")


def _letters(text: str) -> str:
    """The text's letters and digits, case folded."""
    return _NOT_LETTER_RE.sub("", text.casefold())


def _kicker_and_title(line: str, titles: Sequence[str]) -> bool:
    """Whether the line is a headline (by its letters and digits) after a short kicker set in the same
    element without a separator, as templates print a kicker <span> inside the <h1>."""
    line = line.strip()
    if not line or line[-1] == ".":
        return False
    letters = _letters(line)
    for title in {k for k in map(_letters, titles) if len(k) >= MIN_KICKED_TITLE_CHARS}:
        if not letters.endswith(title) or len(letters) - len(title) > MAX_KICKER_CHARS:
            continue
        # where the headline starts in the line: walk back over as many letters as it has
        count, start = 0, len(line)
        while count < len(title) and start > 0:
            start -= 1
            if line[start].isalnum():
                count += len(line[start].casefold())
        if len(line[:start].split()) <= MAX_KICKER_WORDS:
            return True
    return False


def drop_leading_title(text: str, titles: Sequence[str]) -> tuple[str, list[str]]:
    """Drop first lines that only repeat the headline (aggregators print it twice), with or without a
    kicker printed in the same line."""
    keys = {normalise_for_matching(t) for t in titles if t and t.strip()}
    lines = text.split("\n")
    removed: list[str] = []
    while lines and (
        not lines[0].strip()
        or normalise_for_matching(lines[0]) in keys
        or _kicker_and_title(lines[0], titles)
    ):
        if lines[0].strip():
            removed.append(lines[0].strip())
        lines.pop(0)
    return "\n".join(lines), removed


CLEAN_STEPS: tuple[CleanStep, ...] = (
    cut_trailing_sections,
    drop_link_boxes,
    drop_related_lines,
    drop_notice_lines,
    drop_junk_lines,
    drop_read_more,
    tidy_whitespace,
)


def clean_text(text: str, steps: Sequence[CleanStep] = CLEAN_STEPS) -> tuple[str, list[str]]:
    """Run the cleaning steps in order; returns the text and every block removed."""
    removed: list[str] = []
    for step in steps:
        text, gone = step(text)
        removed.extend(gone)
    return text, removed


_PUNCT_MAP = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2026": "...",
    }
)


# the characters _PUNCT_MAP maps: str.translate looks every character of a text up in its dict, while this
# regex finds the few that are there in C, which is cheaper on every text
_PUNCT_RE = re.compile("[" + re.escape("".join(map(chr, _PUNCT_MAP))) + "]")


def _unify_punctuation(match: re.Match[str]) -> str:
    return _PUNCT_MAP[ord(match.group())]


def normalise_text_for_matching(text: str) -> str:
    """normalise_for_matching of an article's whole text, keeping its NFKC form a moment for signing, which
    folds the same text next (dedupe.text_nfkc)."""
    return normalise_for_matching(text, text_nfkc)


def normalise_for_matching(text: str, nfkc: Callable[[str], str] | None = None) -> str:
    """NFKC, casefold, unified quotes/dashes, collapsed whitespace: a key for comparing texts, not storage.

    nfkc: what gives the text's NFKC form (see normalise_text_for_matching)."""
    if text.isascii():
        # NFKC and the punctuation map leave ASCII as it is, and casefold is lower (the common case: cheap)
        return " ".join(text.lower().split())
    # NFKC folds half-width forms (､ ｡ ｶ) and full-width ASCII (，Ａ１) to one width
    text = nfkc(text) if nfkc is not None else unicodedata.normalize("NFKC", text)
    # str.split() splits at exactly the characters the regex \s matches in str patterns
    return " ".join(_PUNCT_RE.sub(_unify_punctuation, text).casefold().split())
