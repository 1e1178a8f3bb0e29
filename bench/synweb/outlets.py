"""The bench webs' outlets: who they are, what their feeds and sitemaps look like, and their page templates.

Originating outlets write stories; copiers (an aggregator, a partner that edits, a teaser site, recoding
aggregators, a mirror with URL variants) copy them (see bench.synweb.copies for the kinds); a few more outlets
serve what must stay apart. Each template renders a `PageIn` (what one page shows) to HTML; `finish` pads it
with an ad-slot script to the web's page weight.
"""

# page templates are lines of markup; wrapping them to 110 columns would hide their structure
# ruff: noqa: E501

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timezone
from functools import lru_cache

from bench.synweb.copies import HALF_WIDTH, continue_line, credit_date, first_published_line
from bench.synweb.markup import BASE, TIGHT, attr, esc, iso_in, ja_date, ld_script
from bench.synweb.prose import JST


@dataclass(frozen=True)
class OutletSpec:
    """One synthetic outlet: who it is, what it carries and where its feeds live."""

    id: str
    name: str
    short: str
    language: str
    role: str  # origin | aggregator | partner | truncated | ja_aggregator | ko_portal | variants | ...
    feeds: tuple[str, ...]
    sitemaps: tuple[str, ...]
    boilerplate: tuple[str, ...]  # template sentences inside the article container of every page
    feed_format: str = "rss"  # rss | atom | rdf
    # plain: one sitemap of every article; daily_index: an index of one sitemap per day; news_archive: a
    # Google News sitemap of the last 48 hours and an archive sitemap of the rest
    sitemap_style: str = "plain"
    feed_limit: int | None = None  # items a copier's feed lists (origins list the latest FEED_RECENT)
    encoding: str = "utf-8"  # the codec of its pages
    charset: str = "utf-8"  # what its pages and server call that codec
    charset_header: bool = False  # its server names the charset in Content-Type (else only the page does)


OUTLETS: tuple[OutletSpec, ...] = (
    OutletSpec(
        "northwire",
        "North Wire",
        "NorthWire",
        "en",
        "origin",
        ("rss.xml",),
        ("sitemap_index.xml",),
        (
            "North Wire is an independent news agency whose reporters confirm every account with two sources before publication.",
            "To report an error in this story, write to the North Wire standards desk.",
        ),
        sitemap_style="daily_index",
    ),
    OutletSpec(
        "meridian",
        "Meridian Press Agency",
        "Meridian",
        "en",
        "origin",
        ("atom.xml",),
        ("news-sitemap.xml", "sitemap-archive.xml"),
        (
            "Get the Meridian Morning Brief: the five stories you need before nine, free every weekday.",
            "Meridian Press Agency reporting is supported by readers in more than forty countries.",
        ),
        feed_format="atom",
        sitemap_style="news_archive",
    ),
    OutletSpec(
        "kumonews",
        "雲通信",
        "雲通信",
        "ja",
        "origin",
        ("index.rdf",),
        ("sitemap.xml",),
        (
            "雲通信は各地の記者が取材した記事を毎日配信しています。",
            "記事の無断転載を禁じます。ご意見は読者窓口までお寄せください。",
        ),
        feed_format="rdf",
    ),
    OutletSpec(
        "dailyfeedr",
        "Daily Feedr",
        "DailyFeedr",
        "en",
        "aggregator",
        ("rss/latest.rss",),
        ("sitemap.xml",),
        (
            "Explore what Daily Feedr AI can do for you: summaries, translations and timelines in one tap.",
            "Want headlines from every corner of the world in one place? Install the Daily Feedr app and pick the regions you follow.",
        ),
        feed_limit=60,
    ),
    OutletSpec(
        "harbourpost",
        "The Harbour Post",
        "HarbourPost",
        "en",
        "partner",
        ("feeds/all.atom",),
        (),
        (
            "Sign up for The Harbour Post evening edition and get our best reporting in your inbox at six o'clock.",
            "The Harbour Post is owned by its readers and answers to no shareholder.",
        ),
        feed_format="atom",
    ),
    OutletSpec(
        "briefly",
        "Briefly",
        "Briefly",
        "en",
        "truncated",
        ("feed.xml",),
        (),
        (
            "Briefly summarises the news in three paragraphs or fewer, so you can decide what to read in full.",
        ),
    ),
    OutletSpec(
        "matome",
        "まとめニュース速報",
        "まとめ速報",
        "ja",
        "ja_aggregator",
        ("rss.xml",),
        ("sitemap.xml",),
        (
            "当サイトは各社の報道をまとめて紹介しています。掲載内容の権利は各配信元に帰属します。",
            "コメント欄への誹謗中傷の書き込みはお控えください。",
        ),
        encoding="cp932",
    ),
    OutletSpec(
        "citylens",
        "City Lens",
        "CityLens",
        "en",
        "variants",
        ("rss.xml",),
        ("sitemap.xml",),
        ("City Lens members read without ads. Join today and support local reporting in your city.",),
    ),
)

# outlets of the real-text webs: a Korean portal, an outlet of short articles, a digest
EXTRA_OUTLETS: tuple[OutletSpec, ...] = (
    OutletSpec(
        "hanbit",
        "한빛뉴스",
        "한빛뉴스",
        "ko",
        "ko_portal",
        ("rss.xml",),
        ("sitemap.xml",),
        ("한빛뉴스는 독자 여러분의 제보를 기다립니다. 이메일로 보내 주세요.",),
        encoding="euc-kr",
        charset="EUC-KR",
    ),
    OutletSpec(
        "shortie",
        "Shortie",
        "Shortie",
        "en",
        "short_template",
        ("rss.xml",),
        ("sitemap.xml",),
        (
            "We value your privacy. We and our 842 partners store and/or access information on a device, such as "
            "unique identifiers in cookies, and process personal data to personalise ads and content, measure "
            "ads and content, gain audience insights and develop and improve products. With your permission we "
            "and our partners may use precise geolocation data and identification through device scanning. You "
            "may click to consent to our and our 842 partners' processing as described above, or access more "
            "detailed information and change your preferences before consenting or to refuse consenting. Some "
            "processing of your personal data may not require your consent, but you have a right to object to "
            "such processing. Your preferences will apply to this website only and can be changed at any time "
            "by returning to this site or visiting our privacy policy.",
            "Accept all cookies",
            "Get the Shortie morning mail: five things to know before you leave the house.",
        ),
    ),
    OutletSpec(
        "digest",
        "The Daily Digest",
        "Digest",
        "en",
        "digest",
        ("rss.xml",),
        ("sitemap.xml",),
        ("The Daily Digest rounds up what other newsrooms reported, with links to every story.",),
    ),
)

# originating outlets of the CJK web: Japanese in Shift_JIS and EUC-JP, Korean in EUC-KR and UTF-8, Chinese
CJK_OUTLETS: tuple[OutletSpec, ...] = (
    OutletSpec(
        "hinode",
        "日の出新聞",
        "日の出新聞",
        "ja",
        "origin",
        ("rss.xml",),
        ("sitemap.xml",),
        (
            "日の出新聞の記事・写真の無断転載を禁じます。すべての内容は著作権法により保護されています。",
            "ご意見・ご感想は読者センターまでお寄せください。",
        ),
        encoding="cp932",
        charset="Shift_JIS",
    ),
    OutletSpec(
        "kitakaze",
        "北風タイムス",
        "北風タイムス",
        "ja",
        "origin",
        ("atom.xml",),
        ("sitemap.xml",),
        (
            "北風タイムスは道内各地の話題を毎朝お届けしています。",
            "記事に関するお問い合わせは編集局までお願いします。",
        ),
        feed_format="atom",
        encoding="euc-jp",
        charset="EUC-JP",
        charset_header=True,
    ),
    OutletSpec(
        "hangang",
        "한강일보",
        "한강일보",
        "ko",
        "origin",
        ("rss.xml",),
        ("sitemap.xml",),
        (
            "한강일보의 모든 콘텐츠는 저작권법의 보호를 받습니다. 무단 전재와 재배포를 금지합니다.",
            "제보는 이메일로 보내 주시면 기자가 직접 확인합니다.",
        ),
        encoding="euc-kr",
        charset="EUC-KR",
        charset_header=True,
    ),
    OutletSpec(
        "nuri",
        "누리뉴스",
        "누리뉴스",
        "ko",
        "origin",
        ("rss.xml",),
        ("sitemap_index.xml",),
        (
            "누리뉴스를 구독하시면 매일 아침 주요 뉴스를 받아 보실 수 있습니다.",
            "이 기사에 대한 의견은 독자센터로 보내 주세요.",
        ),
        sitemap_style="daily_index",
    ),
    OutletSpec(
        "huanan",
        "华南日报",
        "华南日报",
        "zh",
        "origin",
        ("rss.xml",),
        ("sitemap.xml",),
        ("本网站所有内容均受版权保护，未经授权不得转载。", "欢迎关注华南日报微信公众号，获取更多本地新闻。"),
    ),
)


@dataclass
class PageIn:
    """What one page shows; a template renders it."""

    outlet: OutletSpec
    url: str
    lang: str
    title: str
    dek: str
    paragraphs: list[str]
    published: datetime
    modified: datetime
    author: str
    section: str
    teasers: list[tuple[str, str, str]]
    canonical: str
    based_on: str | None = None
    source: OutletSpec | None = None
    source_url: str | None = None
    related: list[tuple[str, str, str, str]] = field(default_factory=list)
    amp_url: str | None = None
    half_width: bool = False
    old_meta: bool = False
    zone: timezone | None = None  # the clock the page prints (default: JST for Japanese, else UTC)

    @property
    def clock(self) -> timezone:
        """The zone of the page's printed times."""
        return self.zone or (JST if self.lang == "ja" else UTC)


_PAD_ITEM = '{{"slot":"ad-{n:06d}","sizes":[[300,250],[728,90]],"lazy":true}},'


@lru_cache(maxsize=16)
def _pad_source(outlet: str) -> str:
    return "".join(_PAD_ITEM.format(n=n) for n in range(2000)) + f"/*{outlet}*/"


def finish(page: str, outlet: str, target: int) -> str:
    """Pad with an ad-slot script (what most real page weight is) up to about the target size."""
    need = target - len(page.encode("utf-8")) - 40
    if need > 0:
        item = len(_PAD_ITEM.format(n=0))
        pad = _pad_source(outlet)[: (need // item) * item]
        page = page.replace("</body>", f"<script>window.adSlots=[{pad}];</script>\n</body>", 1)
    return page


def _teaser_list(p: PageIn, wrap: str) -> str:
    items = "".join(wrap.format(href=attr(h), title=esc(t), dek=esc(d)) for t, d, h in p.teasers)
    return items


def head(p: PageIn, charset: str = "utf-8") -> str:
    """A page's doctype and head up to its JSON-LD."""
    zone = p.clock
    meta_charset = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        if p.old_meta
        else f'<meta charset="{charset}">'
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{p.lang}">\n<head>\n{meta_charset}\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(p.title)} | {esc(p.outlet.name)}</title>\n"
        f'<link rel="canonical" href="{attr(p.canonical)}">\n'
        + (f'<link rel="amphtml" href="{attr(p.amp_url)}">\n' if p.amp_url else "")
        + f'<meta name="description" content="{attr(p.dek)}">\n'
        f'<meta property="og:type" content="article">\n<meta property="og:title" content="{attr(p.title)}">\n'
        f'<meta property="og:site_name" content="{attr(p.outlet.name)}">\n'
        f'<meta property="article:published_time" content="{iso_in(p.published, zone)}">\n'
        f'<meta property="article:modified_time" content="{iso_in(p.modified, zone)}">\n'
        f'<link rel="stylesheet" href="{BASE}/{p.outlet.id}/static/site.css">\n'
    )


def _top(p: PageIn, charset: str = "utf-8", ld: dict[str, object] | None = None) -> str:
    """A page up to its <body> tag: the head with its JSON-LD (a NewsArticle of the page by default)."""
    return head(p, charset) + ld_script(ld or news_ld(p), separators=TIGHT) + "\n</head>\n<body>\n"


def _paragraphs(paragraphs: Iterable[str]) -> str:
    return "\n".join(f"<p>{esc(x)}</p>" for x in paragraphs)


def news_ld(p: PageIn) -> dict[str, object]:
    """A NewsArticle JSON-LD object of the page."""
    zone = p.clock
    obj: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": p.title,
        "datePublished": iso_in(p.published, zone),
        "dateModified": iso_in(p.modified, zone),
        "author": [{"@type": "Person", "name": p.author}],
        "inLanguage": p.lang,
        "mainEntityOfPage": {"@type": "WebPage", "@id": p.canonical},
        "publisher": {"@type": "Organization", "name": p.outlet.name, "url": f"{BASE}/{p.outlet.id}/"},
        "description": p.dek,
    }
    if p.based_on:
        obj["isBasedOn"] = p.based_on
    return obj


def _nav(outlet: OutletSpec, sections: Iterable[str]) -> str:
    return "".join(f'<li><a href="{BASE}/{outlet.id}/{s.lower()}/">{s}</a></li>' for s in sections)


EN_SECTIONS = ("World", "Business", "Politics", "Climate", "Science", "Sport", "Culture", "Opinion")


def _share_en() -> str:
    return (
        '<div class="share-bar"><span>Share this story</span><a href="#email">Email</a><a href="#x">X</a>'
        '<a href="#facebook">Facebook</a><a href="#link">Copy link</a></div>\n'
    )


def _render_northwire(p: PageIn) -> str:
    body = _paragraphs(p.paragraphs)
    bp = p.outlet.boilerplate
    teasers = _teaser_list(p, '<li><a href="{href}">{title}</a><p class="teaser">{dek}</p></li>')
    return (
        _top(p) + f'<header class="site-header"><a class="logo" href="{BASE}/northwire/">North Wire</a>'
        f'<nav><ul>{_nav(p.outlet, EN_SECTIONS)}</ul></nav><a class="subscribe" href="#subscribe">Subscribe</a></header>\n'
        f'<main id="content">\n<article class="story">\n<header class="story-header">'
        f'<p class="kicker">{esc(p.section)}</p><h1>{esc(p.title)}</h1>'
        f'<p class="byline">By <span class="author">{esc(p.author)}</span>, North Wire</p>'
        f'<time datetime="{iso_in(p.published)}">{p.published:%d %B %Y, %H:%M} UTC</time></header>\n'
        f'<p class="standfirst">{esc(p.dek)}</p>\n<div class="story-body">\n{body}\n</div>\n'
        f'<aside class="standards"><p>{esc(bp[0])}</p><p>{esc(bp[1])}</p></aside>\n'
        f'<footer class="story-tags">Topics: <a href="#">{esc(p.section)}</a></footer>\n</article>\n'
        f'<aside class="most-read"><h2>Most read</h2><ol>{teasers}</ol></aside>\n</main>\n'
        + _share_en()
        + '<section class="newsletter"><h2>The Wire Daily</h2><p>Our editors pick the day\'s essential reporting.</p>'
        '<form><input type="email" placeholder="Email address"><button>Sign up</button></form></section>\n'
        '<footer class="site-footer"><p>&copy; 2025 North Wire. All rights reserved.</p><ul><li><a href="#">About</a></li>'
        '<li><a href="#">Careers</a></li><li><a href="#">Privacy</a></li><li><a href="#">Terms</a></li></ul></footer>\n</body>\n</html>\n'
    )


def _render_meridian(p: PageIn) -> str:
    bp = p.outlet.boilerplate
    paras = [f'<div class="p">{esc(x)}</div>' for x in p.paragraphs]
    # the promo sits between paragraphs inside the text container, as ad-driven templates do
    paras.insert(
        max(1, len(paras) - 2),
        f'<div class="promo"><div class="promo-t">{esc(bp[0])}</div>'
        f'<div class="promo-s">{esc(bp[1])}</div></div>',
    )
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "WebSite",
                "@id": f"{BASE}/meridian/#site",
                "name": "Meridian Press Agency",
                "url": f"{BASE}/meridian/",
            },
            {"@type": "Organization", "@id": f"{BASE}/meridian/#org", "name": "Meridian Press Agency"},
            {
                "@type": "WebPage",
                "@id": p.url,
                "url": p.url,
                "name": p.title,
                "isPartOf": {"@id": f"{BASE}/meridian/#site"},
            },
            {
                "@type": "NewsArticle",
                "@id": p.url + "#article",
                "headline": p.title,
                "description": p.dek,
                "datePublished": iso_in(p.published),
                "dateModified": iso_in(p.modified),
                "author": [{"@type": "Person", "name": p.author}],
                "publisher": {"@id": f"{BASE}/meridian/#org"},
                "mainEntityOfPage": {"@id": p.url},
                "inLanguage": "en",
                "articleSection": p.section,
            },
            {
                "@type": "BreadcrumbList",
                "itemListElement": [
                    {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{BASE}/meridian/"},
                    {
                        "@type": "ListItem",
                        "position": 2,
                        "name": p.section,
                        "item": f"{BASE}/meridian/{p.section.lower()}/",
                    },
                ],
            },
        ],
    }
    teasers = _teaser_list(
        p, '<div class="mr-i"><a href="{href}">{title}</a><div class="mr-d">{dek}</div></div>'
    )
    text = "\n".join(paras)
    return (
        _top(p, ld=ld) + '<div id="pg">\n'
        '<div class="top"><div class="logo">Meridian Press Agency</div><div class="mnu">'
        + "".join(f'<a href="{BASE}/meridian/{s.lower()}/">{s}</a>' for s in EN_SECTIONS)
        + '</div></div>\n<div class="row"><div class="col-8"><div class="cnt">\n'
        f'<div class="kick">{esc(p.section)}</div><div class="hdl">{esc(p.title)}</div>'
        f'<div class="by">{esc(p.author)} | {p.published:%B %d, %Y %H:%M} GMT</div>\n'
        f'<div class="txt">\n{text}\n</div>\n<div class="shr"><a href="#">Share</a><a href="#">Print</a><a href="#">Reprints</a></div>\n'
        f'</div></div>\n<div class="col-4"><div class="mr"><div class="mr-h">Most read</div>{teasers}</div></div></div>\n'
        '<div class="ftr">Meridian Press Agency &middot; <a href="#">Contact</a> &middot; <a href="#">Licensing</a> &middot; <a href="#">Cookie settings</a></div>\n'
        "</div>\n</body>\n</html>\n"
    )


def _render_kumonews(p: PageIn) -> str:
    body = _paragraphs(p.paragraphs)
    bp = p.outlet.boilerplate
    t = p.published.astimezone(JST)
    teasers = _teaser_list(p, '<li><a href="{href}">{title}</a><span>{dek}</span></li>')
    return (
        _top(p) + f'<header><div class="logo"><a href="{BASE}/kumonews/">雲通信</a></div><nav><ul>'
        '<li><a href="#">国内</a></li><li><a href="#">経済</a></li><li><a href="#">国際</a></li><li><a href="#">地域</a></li><li><a href="#">スポーツ</a></li></ul></nav></header>\n'
        f'<main>\n<article class="kiji">\n<h1 class="kiji-midashi">{esc(p.title)}</h1>\n'
        f'<div class="kiji-hiduke"><time datetime="{iso_in(p.published, JST)}">{ja_date(t)}</time></div>\n'
        f'<div class="kiji-honbun">\n{body}\n</div>\n'
        f'<div class="kiji-notice"><p>{esc(bp[0])}{esc(bp[1])}</p></div>\n</article>\n'
        f'<aside class="ranking"><h2>アクセスランキング</h2><ol>{teasers}</ol></aside>\n</main>\n'
        '<div class="share">この記事をシェアする <a href="#">X</a> <a href="#">LINE</a> <a href="#">Facebook</a></div>\n'
        "<footer><p>Copyright 雲通信 All rights reserved.</p></footer>\n</body>\n</html>\n"
    )


@dataclass(frozen=True)
class PageTemplate:
    """An outlet's page as data: its charset, the markup of one Most-read item ({href}, {title}, {dek}) and
    of everything after <body>, with the fields {home} {title} {dek} {section} {author} {body} {teasers}
    {bp0} {bp1} {iso} {jadate} and {t:<strftime format>} (the published time on the outlet's clock)."""

    charset: str
    teaser: str
    body: str

    def render(self, p: PageIn) -> str:
        """The page."""
        bp = p.outlet.boilerplate
        t = p.published.astimezone(p.clock)
        fields = {"home": f"{BASE}/{p.outlet.id}/", "title": esc(p.title), "dek": esc(p.dek),
                  "section": esc(p.section), "author": esc(p.author), "body": _paragraphs(p.paragraphs),
                  "teasers": _teaser_list(p, self.teaser), "bp0": esc(bp[0]), "bp1": esc(bp[1]),
                  "iso": iso_in(p.published, p.clock), "jadate": ja_date(t), "t": t}  # fmt: skip
        return _top(p, self.charset) + self.body.format(**fields)


CJK_TEMPLATES = {
    "hinode": PageTemplate(
        "Shift_JIS",
        '<li><a href="{href}">{title}</a></li>',
        '<div id="wrapper">\n<div id="hd"><p class="logo"><a href="{home}">日の出新聞</a></p><ul id="gnav"><li><a href="#">トップ</a></li>'
        '<li><a href="#">社会</a></li><li><a href="#">政治</a></li><li><a href="#">経済</a></li><li><a href="#">地域</a></li><li><a href="#">スポーツ</a></li></ul></div>\n'
        '<div id="contents"><div id="main"><div class="article">\n<p class="category">{section}</p>\n<h1>{title}</h1>\n'
        '<p class="date">{jadate}</p>\n<div class="article-body">\n{body}\n</div>\n<p class="notice">{bp0}</p>\n</div></div>\n'
        '<div id="sub"><h2>よく読まれている記事</h2><ol>{teasers}</ol><p class="mail">{bp1}</p></div></div>\n'
        '<div id="ft"><p>Copyright 日の出新聞社 All Rights Reserved.</p></div>\n</div>\n</body>\n</html>\n',
    ),
    "kitakaze": PageTemplate(
        "EUC-JP",
        '<li><a href="{href}">{title}</a><br><span>{dek}</span></li>',
        '<table id="layout"><tr><td colspan="2" id="masthead"><a href="{home}">北風タイムス</a></td></tr>\n'
        '<tr><td id="story"><h2 class="midashi">{title}</h2>\n<div class="hiduke">{t:%Y年%m月%d日 %H:%M}</div>\n'
        '<div class="honbun">\n{body}\n<p class="info">{bp0}</p>\n</div>\n</td>\n'
        '<td id="side"><h3>新着記事</h3><ul>{teasers}</ul></td></tr>\n'
        '<tr><td colspan="2" id="footer">{bp1}</td></tr></table>\n</body>\n</html>\n',
    ),
    "hangang": PageTemplate(
        "EUC-KR",
        '<li><a href="{href}">{title}</a></li>',
        '<div id="header"><a class="logo" href="{home}">한강일보</a><ul class="menu"><li>정치</li><li>경제</li><li>사회</li>'
        '<li>국제</li><li>문화</li></ul></div>\n<div id="container"><div class="article-head">\n'
        '<h1 class="headline">{title}</h1>\n<div class="info"><span class="byline">{author} 기자</span> '
        '<span class="date">입력 {t:%Y.%m.%d %H:%M}</span></div>\n</div>\n'
        '<div id="articleBody" class="article-body">\n{body}\n<p class="copyright">{bp0}</p>\n</div>\n'
        '<div class="most-viewed"><h3>많이 본 뉴스</h3><ol>{teasers}</ol></div>\n</div>\n'
        '<div id="footer"><p>{bp1}</p><p>한강일보 | 서울특별시 중구</p></div>\n</body>\n</html>\n',
    ),
    "nuri": PageTemplate(
        "utf-8",
        '<li><a href="{href}"><strong>{title}</strong><span>{dek}</span></a></li>',
        '<header class="gnb"><a class="brand" href="{home}">누리뉴스</a><nav><a href="#">전체</a><a href="#">정치</a>'
        '<a href="#">경제</a><a href="#">사회</a><a href="#">IT</a></nav></header>\n<main class="view">\n<article>\n'
        '<h1 class="view-title">{title}</h1>\n<p class="view-sub">{dek}</p>\n<time datetime="{iso}">{t:%Y-%m-%d %H:%M}</time>\n'
        '<div class="view-content">\n{body}\n</div>\n<aside class="subscribe"><p>{bp0}</p></aside>\n</article>\n'
        '<section class="ranking"><h2>실시간 인기 기사</h2><ol>{teasers}</ol></section>\n</main>\n'
        "<footer><p>{bp1}</p></footer>\n</body>\n</html>\n",
    ),
    "huanan": PageTemplate(
        "utf-8",
        '<li><a href="{href}">{title}</a></li>',
        '<div class="top-nav"><a href="{home}">华南日报</a> <a href="#">首页</a> <a href="#">时政</a> <a href="#">经济</a>'
        ' <a href="#">社会</a> <a href="#">文化</a></div>\n<div class="main">\n<div class="left">\n'
        '<h1 class="title">{title}</h1>\n<div class="info">{t:%Y-%m-%d %H:%M} 来源：华南日报</div>\n'
        '<div class="content" id="content">\n{body}\n</div>\n<div class="statement">{bp0}</div>\n</div>\n'
        '<div class="right"><h3>热点新闻</h3><ul>{teasers}</ul></div>\n</div>\n'
        '<div class="footer"><p>{bp1}</p></div>\n</body>\n</html>\n',
    ),
}


def _render_dailyfeedr(p: PageIn) -> str:
    assert p.source is not None
    bp = p.outlet.boilerplate
    body = _paragraphs(p.paragraphs)
    related = "".join(
        f'<div class="rel-card"><div class="rel-t">{esc(t)}</div><div class="rel-t2">{esc(t)}</div>'
        f'<div class="rel-src">{esc(src)}</div><div class="rel-age">time{esc(age)}</div><ul><li>{esc(src)}</li></ul>'
        f"<h4>{esc(t)}</h4><p>{esc(text)}</p></div>\n"
        for t, src, age, text in p.related
    )
    t = p.published
    return (
        _top(p)
        + '<div class="app"><div class="topbar"><span class="logo">logo</span><a href="#">For you</a><a href="#">World</a><a href="#">Local</a></div>\n'
        f'<main class="article-page"><div class="article">\n<h1>{esc(p.title)}</h1>\n<div class="title-repeat">{esc(p.title)}</div>\n'
        f'<div class="source-line"><span class="src">{esc(p.source.short)}</span><span class="dt">{credit_date(t)}</span></div>\n'
        f'<div class="article-body">\n{body}\n</div>\n'
        f'<div class="ai-box"><h3>Try Our AI Features</h3><p>{esc(bp[0])}</p><ul><li>Summarise</li><li>Translate</li><li>Timeline</li></ul></div>\n'
        '<div class="comments"><h3>Comments</h3><p>No comments yet...</p></div>\n'
        f'<div class="related"><h3>Related Articles</h3>\n{related}</div>\n'
        f'<div class="app-promo"><h3>DOWNLOAD THE APP</h3><p>Get Started Now: Download the App</p><p>{esc(bp[1])}</p></div>\n'
        '</div></main>\n<footer class="app-footer"><a href="#">Terms</a> <a href="#">Privacy</a></footer></div>\n</body>\n</html>\n'
    )


def _render_harbourpost(p: PageIn) -> str:
    assert p.source is not None
    bp = p.outlet.boilerplate
    paras = [f"<p>{esc(x)}</p>" for x in p.paragraphs]
    paras.insert(
        min(3, len(paras)),
        f'<aside class="inline-newsletter"><p>{esc(bp[0])}</p>'
        '<form><input type="email"><button>Sign me up</button></form></aside>',
    )
    paras.append(f'<p class="credit"><em>{esc(first_published_line(p.source.name))}</em></p>')
    ld = news_ld(p)
    teasers = _teaser_list(p, '<li><a href="{href}">{title}</a> <small>{dek}</small></li>')
    body = "\n".join(paras)
    return (
        _top(p, ld=ld)
        + f'<div class="masthead"><a href="{BASE}/harbourpost/">The Harbour Post</a><ul class="menu">{_nav(p.outlet, EN_SECTIONS[:6])}</ul></div>\n'
        f'<div class="layout"><article class="post">\n<h1 class="post-title">{esc(p.title)}</h1>\n'
        f'<div class="meta">By {esc(p.author)} &middot; <time datetime="{iso_in(p.published)}">{p.published:%a %d %b %Y %H.%M} UTC</time></div>\n'
        f'<div class="post-content">\n{body}\n</div>\n<div class="post-footer"><p>{esc(bp[1])}</p></div>\n</article>\n'
        f'<aside class="sidebar"><h3>Most read</h3><ul>{teasers}</ul></aside></div>\n'
        + _share_en()
        + '<footer class="colophon">The Harbour Post &middot; <a href="#">Contact</a> &middot; <a href="#">Complaints</a></footer>\n</body>\n</html>\n'
    )


def _render_briefly(p: PageIn) -> str:
    assert p.source is not None and p.source_url is not None
    body = _paragraphs(p.paragraphs)
    teasers = _teaser_list(p, '<li><a href="{href}">{title}</a> &mdash; {dek}</li>')
    return (
        _top(p)
        + f'<nav class="bar"><a href="{BASE}/briefly/">Briefly</a> <a href="#">Top</a> <a href="#">Latest</a></nav>\n'
        f'<div class="brief">\n<h1>{esc(p.title)}</h1>\n<p class="when">{p.published:%H:%M, %d %b}</p>\n{body}\n'
        f'<p class="more"><a href="{attr(p.source_url)}">{esc(continue_line(p.source.name))}</a></p>\n'
        f'<p class="about">{esc(p.outlet.boilerplate[0])}</p>\n</div>\n'
        f'<section class="latest"><h2>More briefs</h2><ul>{teasers}</ul></section>\n'
        '<footer>Briefly &middot; <a href="#">About</a></footer>\n</body>\n</html>\n'
    )


def _render_matome(p: PageIn) -> str:
    assert p.source is not None
    bp = p.outlet.boilerplate
    credit = f"（{p.source.name}より）"
    paras = [*p.paragraphs, credit]
    body = "\n".join(f"<p>{esc(x)}</p>" for x in paras)
    t = p.published.astimezone(JST)
    teasers = _teaser_list(p, '<li><a href="{href}">{title}</a><br>{dek}</li>')
    page = (
        head(p, "Shift_JIS") + '</head>\n<body>\n<div id="container"><div id="header"><a href="'
        f'{BASE}/matome/">まとめニュース速報</a></div>\n<div id="main"><div class="entry">\n'
        f'<h2 class="entry-title">{esc(p.title)}</h2>\n<div class="entry-date">{t:%Y/%m/%d %H:%M}</div>\n'
        f'<div class="entry-body">\n{body}\n</div>\n<div class="entry-footer"><p>{esc(bp[0])}</p><p>{esc(bp[1])}</p></div>\n'
        '</div>\n<div class="comments"><h3>この記事へのコメント</h3><p>まだコメントはありません。</p></div></div>\n'
        f'<div id="side"><h3>人気記事ランキング</h3><ul>{teasers}</ul></div>\n'
        '<div id="footer">まとめニュース速報</div></div>\n</body>\n</html>\n'
    )
    return page.translate(HALF_WIDTH) if p.half_width else page


def _render_citylens(p: PageIn) -> str:
    body = _paragraphs(p.paragraphs)
    teasers = _teaser_list(p, '<li><a href="{href}">{title}</a><p>{dek}</p></li>')
    return (
        _top(p)
        + f'<header class="cl-head"><a href="{BASE}/citylens/">City Lens</a><nav>{_nav(p.outlet, EN_SECTIONS[:5])}</nav></header>\n'
        f'<main><article class="cl-article">\n<h1>{esc(p.title)}</h1>\n<p class="cl-date">{p.published:%B %d, %Y}</p>\n'
        f'<section class="cl-body">\n{body}\n</section>\n<div class="cl-member"><p>{esc(p.outlet.boilerplate[0])}</p></div>\n</article>\n'
        f"<aside><h2>Trending</h2><ul>{teasers}</ul></aside></main>\n"
        + _share_en()
        + '<footer>City Lens &middot; <a href="#">Advertise</a></footer>\n</body>\n</html>\n'
    )


def render_amp(p: PageIn) -> str:
    body = _paragraphs(p.paragraphs)
    return (
        '<!doctype html>\n<html amp lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<title>{esc(p.title)} | City Lens</title>\n<link rel="canonical" href="{attr(p.canonical)}">\n'
        '<meta name="viewport" content="width=device-width">\n'
        f"{ld_script(news_ld(p), separators=TIGHT)}\n"
        "<style amp-custom>body{font-family:sans-serif}</style>\n</head>\n<body>\n"
        f'<header><a href="{BASE}/citylens/">City Lens</a></header>\n<article>\n<h1>{esc(p.title)}</h1>\n{body}\n'
        f'<p class="member">{esc(p.outlet.boilerplate[0])}</p>\n</article>\n</body>\n</html>\n'
    )


def _render_hanbit(p: PageIn) -> str:
    assert p.source is not None
    bp = p.outlet.boilerplate
    body = "\n".join(f"<p>{esc(x)}</p>" for x in [*p.paragraphs, f"(출처: {p.source.name})"])
    return (
        _top(p, "EUC-KR")
        + f'<div id="wrap"><div id="gnb"><a href="{BASE}/hanbit/">한빛뉴스</a> <a href="#">정치</a> <a href="#">경제</a> <a href="#">사회</a></div>\n'
        f'<div id="article"><h2 class="tit">{esc(p.title)}</h2><div class="date">입력 {p.published:%Y.%m.%d %H:%M}</div>\n'
        f'<div id="articleBody">\n{body}\n</div>\n<div class="reporter"><p>{esc(bp[0])}</p></div></div>\n'
        '<div id="footer">한빛뉴스 | 서울특별시</div></div>\n</body>\n</html>\n'
    )


def _render_shortie(p: PageIn) -> str:
    bp = p.outlet.boilerplate
    body = _paragraphs(p.paragraphs)
    # the consent text and the newsletter line sit inside the article container, as consent tools inject them
    return (
        _top(p) + f'<div class="top"><a href="{BASE}/shortie/">Shortie</a></div>\n<article class="short">\n'
        f'<div class="consent"><p>{esc(bp[0])}</p><p><button>{esc(bp[1])}</button></p></div>\n'
        f'<h1>{esc(p.title)}</h1><p class="when">{p.published:%d %b %Y %H:%M}</p>\n{body}\n'
        f'<p class="mail">{esc(bp[2])}</p>\n</article>\n</body>\n</html>\n'
    )


def _render_digest(p: PageIn) -> str:
    bp = p.outlet.boilerplate
    body = _paragraphs(p.paragraphs)
    return (
        _top(p)
        + f'<header><a href="{BASE}/digest/">The Daily Digest</a></header>\n<main><article class="digest">\n'
        f'<h1>{esc(p.title)}</h1>\n<time datetime="{iso_in(p.published)}">{p.published:%d %B %Y}</time>\n{body}\n'
        f'<p class="about">{esc(bp[0])}</p>\n</article></main>\n</body>\n</html>\n'
    )


RENDER = {
    "northwire": _render_northwire,
    "meridian": _render_meridian,
    "kumonews": _render_kumonews,
    "dailyfeedr": _render_dailyfeedr,
    "harbourpost": _render_harbourpost,
    "briefly": _render_briefly,
    "matome": _render_matome,
    "citylens": _render_citylens,
    "hanbit": _render_hanbit,
    "shortie": _render_shortie,
    "digest": _render_digest,
    **{oid: template.render for oid, template in CJK_TEMPLATES.items()},
}
