"""A fetched body's bytes to text: the one bounded inflater (gzip, deflate, nested .gz), the one decoder.

Inflation: every layer of compression a body arrives in (the transport's Content-Encoding, a .gz file, a .gz
inside that) is inflated in bounded steps and spends one InflateBudget, so nesting never multiplies the cap.
Decoding: a byte order mark first, then what the document declares, then the bytes themselves; `decode_html`
reads the way browsers do (header, meta, UTF-8, a Western default), `decode_xml` the way XML parsers do
(declaration, UTF-8, a multi-byte guess, a Western default).
"""

import codecs
import re
import zlib

import charset_normalizer

# inflate at most this much per step, so memory stays bounded even for a bomb
INFLATE_STEP = 64 * 1024
GZIP_MAGIC = b"\x1f\x8b"
# a .gz file served gzip-encoded is two layers; more than this is not a document but a puzzle
MAX_GZIP_LAYERS = 3
# on short Latin-script text the detector ranks sibling single-byte codecs (cp1250, cp1257, cp1258) by
# noise, so like browsers in Western locales we read undeclared legacy text as windows-1252 whenever that
# decodes about as cleanly as the detector's pick; undeclared Turkish or Baltic pages may lose a few letters
WINDOWS_1252_CHAOS_MARGIN = 0.05
# codecs a page may name that would turn bytes into something other than its text
REFUSED_CODECS = {"idna", "punycode", "utf-7", "raw_unicode_escape", "unicode_escape", "undefined"}
# labels browsers know and Python does not
CHARSET_LABELS = {
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "csshiftjis": "cp932",
    "x-gbk": "gb18030",
    "x-euc-jp": "euc_jp",
    "x-cp1252": "cp1252",
    "x-user-defined": "cp1252",
}
# browsers decode these labels with the superset codec, and real pages rely on the extra characters
SUPERSET_CODECS = {
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "big5": "big5hkscs",
}
CONTENT_TYPE_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([^"';,\s]+)""", re.IGNORECASE)
META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
# UTF-32's marks first: the UTF-32-LE mark begins with the UTF-16-LE one
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

XML_DECLARED = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
MULTI_BYTE = {
    "cp932",
    "shift_jis",
    "shift_jis_2004",
    "shift_jisx0213",
    "euc_jp",
    "euc_jis_2004",
    "iso2022_jp",
    "cp949",
    "euc_kr",
    "johab",
    "gb2312",
    "gbk",
    "gb18030",
    "hz",
    "big5",
    "big5hkscs",
    "cp950",
    "utf_8",
}
# the codecs _codec_for gives the Western single-byte labels (ISO-8859-1, latin1, US-ASCII read as cp1252)
SINGLE_BYTE_WESTERN = {"cp1252", "iso8859-15"}
# the error handler that reads windows-1252 as browsers do (see _c1_for_gaps)
WINDOWS_1252_GAPS = "copydesk-windows-1252"


class InflateError(ValueError):
    """A body that cannot be inflated within its budget; `kind` is its failure kind."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.transient = False


class InflateBudget:
    """How many inflated bytes one body may still produce, over all its layers."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.produced = 0

    def spend(self, size: int) -> None:
        """Count size more inflated bytes; InflateError once the body is past its limit."""
        self.produced += size
        if self.produced > self.limit:
            raise InflateError("too_large", f"decompressed body exceeds {self.limit} bytes")


class Inflater:
    """Inflates a gzip or deflate stream in bounded steps and refuses to produce more than `limit` bytes."""

    def __init__(self, encoding: str, budget: "InflateBudget") -> None:
        self._encoding = encoding
        self._budget = budget
        self._started = False
        self._head = b""
        self._finished = False
        self._inflater = self._new()

    def _new(self, raw_deflate: bool = False) -> "zlib._Decompress":
        if self._encoding == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj(-zlib.MAX_WBITS if raw_deflate else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> list[bytes]:
        """Inflate one chunk of compressed input."""
        if not self._started and self._encoding == "deflate":
            # "deflate" is meant to be zlib-wrapped, but many servers send a raw deflate stream;
            # the first two bytes tell which
            data = self._head + data
            if len(data) < 2:
                self._head = data
                return []
            self._inflater = self._new(raw_deflate=not _looks_like_zlib(data))
        self._started = True
        out: list[bytes] = []
        while not self._finished:
            try:
                piece = self._inflater.decompress(data, INFLATE_STEP)
            except zlib.error as exc:
                raise InflateError("bad_encoding", f"corrupt {self._encoding} stream: {exc}") from exc
            self._count(piece)
            out.append(piece)
            data = self._inflater.unconsumed_tail
            if self._inflater.eof:
                rest = self._inflater.unused_data
                if self._encoding == "gzip" and rest.startswith(GZIP_MAGIC):
                    # concatenated gzip members form one file (RFC 1952)
                    self._inflater = self._new()
                    data = rest
                    continue
                # trailing garbage after the stream is ignored, as browsers do
                self._finished = True
            elif not data and len(piece) < INFLATE_STEP:
                break
            # otherwise output stopped at the step size and more may be waiting: go round again
        return out

    def flush(self) -> bytes:
        """Whatever the inflater still holds; a truncated stream keeps what was inflated so far."""
        if self._finished:
            return b""
        try:
            piece = self._inflater.flush()
        except zlib.error as exc:
            raise InflateError("bad_encoding", f"corrupt {self._encoding} stream: {exc}") from exc
        self._count(piece)
        return piece

    def _count(self, piece: bytes) -> None:
        self._budget.spend(len(piece))


def _looks_like_zlib(data: bytes) -> bool:
    return len(data) >= 2 and data[0] & 0x0F == 8 and ((data[0] << 8) | data[1]) % 31 == 0


def gunzip_layers(data: bytes, budget: InflateBudget) -> bytes:
    """Gunzip data for as long as it is gzip (a .gz file, maybe itself sent gzip-encoded), every layer's
    output spent from one budget: nesting cannot multiply the cap."""
    layers = 0
    while data[:2] == GZIP_MAGIC:
        layers += 1
        if layers > MAX_GZIP_LAYERS:
            raise InflateError("too_large", f"more than {MAX_GZIP_LAYERS} nested gzip layers")
        inflater = Inflater("gzip", budget)
        parts = inflater.feed(data)
        parts.append(inflater.flush())
        data = b"".join(parts)
    return data


def _codec_for(label: str | None) -> str | None:
    """The Python codec a charset label should be decoded with, or None for unknown or unsafe labels."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = CHARSET_LABELS.get(label, label)
    try:
        name = codecs.lookup(label).name
    # ValueError: a label with a NUL in it (a header or a WARC record says anything)
    except (LookupError, ValueError):
        return None
    if name in REFUSED_CODECS:
        return None
    return SUPERSET_CODECS.get(name, name)


def _c1_for_gaps(error: UnicodeError) -> tuple[str, int]:
    """Windows-1252's five unassigned bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) as the C1 controls browsers
    map them to (WHATWG Encoding); any other undecodable byte as U+FFFD."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    byte = error.object[error.start]
    return (chr(byte) if byte in b"\x81\x8d\x8f\x90\x9d" else "\ufffd"), error.start + 1


codecs.register_error(WINDOWS_1252_GAPS, _c1_for_gaps)


def _decode_strict(body: bytes, codec: str) -> str | None:
    try:
        # windows-1252 as browsers define it has no gaps: its five unassigned bytes are C1 controls
        return body.decode(codec, errors=WINDOWS_1252_GAPS if codec == "cp1252" else "strict")
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(body: bytes) -> tuple[str, str] | None:
    matches = list(charset_normalizer.from_bytes(body))
    if not matches:
        return None
    best = matches[0]
    western = [
        m
        for m in matches
        if "cp1252" in m.could_be_from_charset and m.chaos <= best.chaos + WINDOWS_1252_CHAOS_MARGIN
    ]
    if western:
        return body.decode("cp1252", "replace"), "cp1252"
    codec = _codec_for(best.encoding)
    if codec is not None:
        text = _decode_strict(body, codec)
        if text is not None:
            return text, codec
    return str(best), codecs.lookup(best.encoding).name


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Decode an HTML body to text the way a browser would; returns (text, codec name used)."""
    # a byte order mark overrides any declaration, as in browsers (WHATWG encoding sniffing)
    for bom, codec in BOMS:
        # browsers know only the UTF-8 and UTF-16 marks (WHATWG encoding sniffing)
        if body.startswith(bom) and not codec.startswith("utf-32"):
            text = _decode_strict(body[len(bom) :], codec)
            if text is not None:
                return text, codec
    header_match = CONTENT_TYPE_CHARSET.search(content_type or "")
    meta_match = META_CHARSET.search(body[:4096])
    meta_label = meta_match.group(1).decode("ascii", "replace") if meta_match else None
    if meta_label and meta_label.lower().startswith("utf-16"):
        # a meta tag readable as ASCII cannot be in UTF-16, so browsers read it as UTF-8
        meta_label = "utf-8"
    declared: list[str] = []
    for label in (header_match.group(1) if header_match else None, meta_label):
        codec = _codec_for(label)
        if codec is not None and codec not in declared:
            declared.append(codec)
    utf8_text = _decode_strict(body, "utf-8")
    if utf8_text is not None and not body.isascii() and declared and declared[0] != "utf-8":
        # non-ASCII bytes that form valid UTF-8 are practically never legacy-encoded text, while
        # servers declaring a stale default (iso-8859-1) for UTF-8 pages are common
        return utf8_text, "utf-8"
    for codec in declared:
        text = _decode_strict(body, codec)
        if text is not None:
            return text, codec
    if utf8_text is not None:
        return utf8_text, "utf-8"
    for codec in declared:
        # a declared charset that fits all but a few stray bytes beats any statistical guess
        text = body.decode(codec, "replace")
        if text.count("\ufffd") <= max(1, len(body) // 1000):
            return text, codec
    detected = _detect(body)
    if detected is not None:
        return detected
    return body.decode("utf-8", "replace"), "utf-8"


def decode_xml(body: bytes, content_type: str | None = None) -> str:
    """An XML document's (a feed's, a sitemap's) bytes to text, as browsers and feedparser read them.

    A byte order mark first; then the charset of the HTTP Content-Type, then the XML declaration (RFC 7303:
    the transport's label overrides the document's), each only when the bytes decode with it; then UTF-8,
    then a guess. The Western labels (ISO-8859-1, latin1, US-ASCII) are read as windows-1252, as browsers
    and feedparser do: feeds that say ISO-8859-1 are full of its curly quotes. Non-ASCII bytes that form
    valid UTF-8 under a Western label are UTF-8 mislabelled, not mojibake.
    """
    for bom, encoding in BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace")
    # utf-16 without a BOM still starts with '<' next to a zero byte
    if body[:2] == b"<\x00":
        return body.decode("utf-16-le", errors="replace")
    if body[:2] == b"\x00<":
        return body.decode("utf-16-be", errors="replace")
    header = CONTENT_TYPE_CHARSET.search(content_type or "")
    match = XML_DECLARED.match(body[:1024])
    labels = (header.group(1) if header else None, match.group(1).decode("ascii") if match else None)
    declared: list[str] = []
    for label in labels:
        codec = _codec_for(label)
        # bytes readable as ascii cannot be utf-16/32, whatever a header or declaration says
        if codec is None or codec.startswith(("utf-16", "utf-32")) or codec in declared:
            continue
        declared.append(codec)
    if declared and declared[0] in SINGLE_BYTE_WESTERN and not body.isascii():
        text = _decode_strict(body, "utf-8")
        if text is not None:
            return text
    for codec in (*declared, "utf-8"):
        text = _decode_strict(body, codec)
        if text is not None:
            return text
    # a guess from short text cannot tell one single-byte code page from another; mislabelled western
    # feeds are overwhelmingly windows-1252, so a guess is only trusted when it is a multi-byte encoding
    guess = charset_normalizer.from_bytes(body[:1_000_000]).best()
    encoding = guess.encoding if guess is not None and guess.encoding in MULTI_BYTE else "cp1252"
    return body.decode(encoding, errors=WINDOWS_1252_GAPS if encoding == "cp1252" else "replace")
