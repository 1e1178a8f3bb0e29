"""A deterministic synthetic syndicated news web with ground truth, for the dedupe and throughput benchmarks.

`generate_web(out_dir, n_stories=300, seed=7, ...)` writes, with no corpus and no network:

    out_dir/sites/<outlet>/...      run-1 state of the web, served by flows.siteserver.serve_sites
    out_dir/sites_run2/<outlet>/... run-2 state (runs=2): a complete second site root, a superset of run 1
                                    (unchanged files are hard links); some copies and stories appear only here
    out_dir/outlets.yaml            the outlets file with {{BASE}} placeholders (render_outlets fills them)
    out_dir/truth.json              ground truth, shape below

Every URL in pages, feeds, sitemaps, outlets.yaml and truth.json is absolute with the `{{BASE}}` placeholder
(the site server substitutes it when serving; the scorer substitutes the same base when mapping rows).
All outlets share one loopback host and are told apart by their first path segment (`{{BASE}}/<outlet>/`).

Outlets: originating `northwire` (semantic <article>, RSS 2.0 + sitemap index with dated children),
`meridian` (div soup + JSON-LD @graph, Atom + Google News sitemap + archive sitemap), `kumonews` (Japanese,
RSS 1.0/RDF + sitemap); copiers `dailyfeedr` (aggregator: full text, credit line like NorthWire12-06-2025,
"Try Our AI Features"/"Download the App"/comments blocks, a Related Articles block with the full text of two
other stories; carries Japanese stories too), `harbourpost` (partner: rewritten headline, 10-15% of sentences
dropped or reworded, paragraphs regrouped, "This report was first published by <outlet>.", JSON-LD isBasedOn
on two thirds of pages), `briefly` (first 2-3 paragraphs + "Continue reading at <outlet>", rel=canonical to
the original on half the pages), `matome` (Japanese aggregator: cp932 bytes with a Shift_JIS meta charset,
half-width ､｡｢｣ on about half the pages, "（<outlet>より）" credit) and `citylens` (full copies with no hint;
feed links carry utm_* parameters, the sitemap lists AMP/mobile variants whose rel=canonical is the page).
Non-copies that must stay apart: follow-ups quoting 2-3 sentences of an earlier story, headline-pattern
twins ("X to raise Y by Z%" with the same Y and Z), and per-outlet template text inside article containers.

truth.json:

    {"articles": {"{{BASE}}/<outlet>/<path>": {
        "story": "s0042", "is_original": bool, "outlet": "briefly",
        "kind": "original|full|truncated|edited|ja_copy|url_variant|followup|twin",
        "run": 1 | 2, "language": "en" | "ja", "title": "...",
        "key_sentence": "a sentence the extracted text must contain, as written on this page",
        "must_not_contain": ["outlet boilerplate, Most-read teaser lines, related-article sentences"],
        "related": ["related-article sentences (a subset of must_not_contain)"],
        "published_at": "ISO time the page claims", "date_trap": bool (claims to predate the original),
        "hint": "canonical|isBasedOn|credit|none" (how the page names its source),
        "encoding": "utf-8" | "cp932", "variants": ["other URLs of the same page (tracking, AMP)"]}},
     "stories": {"s0042": {"original": "{{BASE}}/...", "kind": "story|followup|twin",
                           "related_to": "s0017" | null, "language": "en", "title": "...", "run": 1 | 2}},
     "meta": {...generation parameters and counts...}}

The original is the article with kind original/followup/twin; its URL is also its canonical URL. A
follow-up or twin is its own story (related_to names the story it quotes or mimics) and may have copies.
"""

# page templates are lines of markup; wrapping them to 110 columns would hide their structure
# ruff: noqa: E501

import html
import json
import os
import random
import re
import shutil
import time
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

if TYPE_CHECKING:
    from bench.synweb_texts import SourceText

BASE = "{{BASE}}"
START = datetime(2025, 6, 10, tzinfo=UTC)
JST = timezone(timedelta(hours=9))
KINDS = ("original", "full", "truncated", "edited", "ja_copy", "url_variant", "followup", "twin")
FEED_RECENT = 40


@dataclass(frozen=True)
class OutletSpec:
    """One synthetic outlet: who it is, what it carries and where its feeds live."""

    id: str
    name: str
    short: str
    language: str
    role: str  # origin | aggregator | partner | truncated | ja_aggregator | variants
    feeds: tuple[str, ...]
    sitemaps: tuple[str, ...]
    boilerplate: tuple[str, ...]  # template sentences inside the article container of every page


OUTLETS: tuple[OutletSpec, ...] = (
    OutletSpec("northwire", "North Wire", "NorthWire", "en", "origin", ("rss.xml",), ("sitemap_index.xml",),
               ("North Wire is an independent news agency whose reporters confirm every account with two sources before publication.",
                "To report an error in this story, write to the North Wire standards desk.")),
    OutletSpec("meridian", "Meridian Press Agency", "Meridian", "en", "origin", ("atom.xml",),
               ("news-sitemap.xml", "sitemap-archive.xml"),
               ("Get the Meridian Morning Brief: the five stories you need before nine, free every weekday.",
                "Meridian Press Agency reporting is supported by readers in more than forty countries.")),
    OutletSpec("kumonews", "雲通信", "雲通信", "ja", "origin", ("index.rdf",), ("sitemap.xml",),
               ("雲通信は各地の記者が取材した記事を毎日配信しています。", "記事の無断転載を禁じます。ご意見は読者窓口までお寄せください。")),
    OutletSpec("dailyfeedr", "Daily Feedr", "DailyFeedr", "en", "aggregator", ("rss/latest.rss",), ("sitemap.xml",),
               ("Explore what Daily Feedr AI can do for you: summaries, translations and timelines in one tap.",
                "Want headlines from every corner of the world in one place? Install the Daily Feedr app and pick the regions you follow.")),
    OutletSpec("harbourpost", "The Harbour Post", "HarbourPost", "en", "partner", ("feeds/all.atom",), (),
               ("Sign up for The Harbour Post evening edition and get our best reporting in your inbox at six o'clock.",
                "The Harbour Post is owned by its readers and answers to no shareholder.")),
    OutletSpec("briefly", "Briefly", "Briefly", "en", "truncated", ("feed.xml",), (),
               ("Briefly summarises the news in three paragraphs or fewer, so you can decide what to read in full.",)),
    OutletSpec("matome", "まとめニュース速報", "まとめ速報", "ja", "ja_aggregator", ("rss.xml",), ("sitemap.xml",),
               ("当サイトは各社の報道をまとめて紹介しています。掲載内容の権利は各配信元に帰属します。", "コメント欄への誹謗中傷の書き込みはお控えください。")),
    OutletSpec("citylens", "City Lens", "CityLens", "en", "variants", ("rss.xml",), ("sitemap.xml",),
               ("City Lens members read without ads. Join today and support local reporting in your city.",)),
)
OUTLET = {o.id: o for o in OUTLETS}
ORIGINS = {"en": ("northwire", "meridian"), "ja": ("kumonews",)}
# (outlet, kind, probability that a story of that language gets this copy)
COPIERS = {
    "en": (("dailyfeedr", "full", 0.95), ("harbourpost", "edited", 0.8), ("briefly", "truncated", 0.8),
           ("citylens", "url_variant", 0.7)),
    "ja": (("matome", "ja_copy", 0.95), ("dailyfeedr", "full", 0.7)),
}

# ---------------------------------------------------------------------------------------------- vocabulary

EN_FIRST = ("Anna", "Marcus", "Leila", "Tomas", "Priya", "Daniel", "Ines", "Kofi", "Maria", "Oliver", "Sofia",
            "Yusuf", "Elena", "Jonas", "Amara", "Victor", "Hana", "Rafael", "Nadia", "Samuel", "Clara", "Ibrahim",
            "Mei", "Lukas", "Zainab", "Peter", "Rosa", "Arjun", "Greta", "Felix", "Lina", "Omar", "Irene",
            "Matteo", "Aisha", "Henrik", "Julia", "Kwame", "Teresa", "Noah")
EN_ONSETS = ("b", "br", "c", "d", "dr", "f", "g", "gr", "h", "k", "kr", "l", "m", "n", "p", "r", "s", "st", "t",
             "tr", "v", "w", "z", "th", "sh", "")
EN_VOWELS = ("a", "e", "i", "o", "u", "a", "e", "o", "ai", "ea")
EN_CODAS = ("", "n", "r", "l", "s", "th", "nd", "rk", "m", "x", "v", "ck")
EN_CV = tuple(o + v for o in EN_ONSETS for v in EN_VOWELS)
EN_PLACE_SUFFIX = ("", "ford", "ton", "mouth", "vale", "bury", "wick", " Falls", " Bay", "port", " Heights", "field")
EN_ROLE1 = ("chief executive", "mayor", "director general", "chair", "managing director")
EN_ROLE2 = ("deputy minister", "head of planning", "chief inspector", "spokesperson", "budget director")
EN_ROLE3 = ("councillor", "senior engineer", "regional planner", "junior minister")
EN_DOMAINS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "energy": (("power plant", "grid upgrade", "wind farm", "fuel subsidy", "battery storage site", "transmission line", "solar park"), "electricity tariffs", "Energy"),
    "transport": (("rail link", "bus network", "ring road", "ferry service", "airport expansion", "tram line", "freight terminal"), "fares", "Transport"),
    "health": (("hospital wing", "vaccination drive", "clinic network", "nursing college", "ambulance service", "drug trial", "maternity unit"), "prescription charges", "Health"),
    "housing": (("housing scheme", "tower project", "social housing plan", "land register", "estate renewal", "student housing block", "building code"), "rents", "Housing"),
    "water": (("reservoir", "sewage works", "flood barrier", "pipeline", "desalination plant", "irrigation canal", "drought plan"), "water charges", "Water Resources"),
    "farming": (("grain harvest", "fertiliser depot", "cattle market", "orchard subsidy", "crop insurance scheme", "seed bank", "dairy cooperative"), "milk prices", "Agriculture"),
    "finance": (("bond issue", "bank levy", "pension fund", "budget plan", "credit line", "development bank", "savings scheme"), "interest rates", "Finance"),
    "education": (("university budget", "exam reform", "literacy programme", "campus expansion", "school building plan", "teacher training college", "student loan scheme"), "school fees", "Education"),
    "tech": (("data centre", "broadband rollout", "chip plant", "cyber security unit", "satellite launch", "software contract", "digital ID scheme"), "mobile tariffs", "Digital Affairs"),
    "mining": (("copper mine", "lithium project", "quarry", "smelter", "nickel refinery", "gold mine", "tailings dam"), "mining royalties", "Mines"),
    "culture": (("museum", "film festival", "concert hall", "heritage site", "library network", "opera house", "stadium"), "ticket prices", "Culture"),
    "environment": (("forest reserve", "recycling scheme", "air quality plan", "coastal defence", "wildlife corridor", "wetland project", "tree planting drive"), "carbon levy", "Environment"),
}
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")
EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

JA_SURNAMES = ("佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木",
               "山口", "松本", "井上", "木村", "林", "斎藤", "清水", "山崎", "森", "池田", "橋本", "阿部", "石川", "前田",
               "藤田", "小川", "岡田", "後藤", "長谷川", "村上", "近藤", "石井", "坂本", "遠藤", "青木", "藤井", "西村")
JA_GIVEN = ("健太", "美咲", "翔太", "陽子", "大輔", "由美", "直樹", "彩", "誠", "恵", "拓也", "裕子", "和也", "真理",
            "浩二", "奈々", "隆", "千尋", "亮", "沙織", "剛", "明美", "修", "香織", "学", "舞")
JA_KANA = tuple("カキクケコサシスセソタチテトナニネノハヒフホマミムメモヤユヨラリルレロワ")
JA_ROLE1 = ("社長", "市長", "理事長", "会長", "知事")
JA_ROLE2 = ("部長", "局長", "委員長", "課長", "室長")
JA_ROLE3 = ("議員", "技師", "研究員", "職員")
JA_DOMAINS: dict[str, tuple[tuple[str, ...], str]] = {
    "energy": (("発電所", "送電網", "風力発電所", "燃料補助", "蓄電施設", "太陽光発電所", "変電所"), "電気料金"),
    "transport": (("鉄道新線", "バス路線", "環状道路", "フェリー航路", "空港拡張", "路面電車", "物流拠点"), "運賃"),
    "health": (("病院の新棟", "予防接種", "診療所網", "看護学校", "救急体制", "新薬の治験", "産科病棟"), "保険料"),
    "housing": (("住宅計画", "高層住宅", "公営住宅", "団地の建て替え", "学生寮", "空き家対策", "耐震改修"), "家賃"),
    "water": (("貯水池", "下水処理場", "防潮堤", "導水管", "浄水場", "農業用水路", "渇水対策"), "水道料金"),
    "farming": (("コメの収穫", "肥料倉庫", "家畜市場", "果樹園の補助", "種子の保存", "酪農組合", "漁港"), "乳価"),
    "finance": (("債券発行", "年金基金", "予算案", "融資枠", "地方銀行", "貯蓄制度", "基金"), "金利"),
    "education": (("大学予算", "入試改革", "読み書き支援", "校舎の増築", "教員養成", "奨学金制度", "学校統合"), "授業料"),
    "tech": (("データセンター", "光回線", "半導体工場", "人工衛星", "電子行政", "ソフトウェア契約", "通信網"), "通信料金"),
    "culture": (("美術館", "映画祭", "音楽ホール", "史跡", "図書館網", "劇場", "競技場"), "入場料"),
}
JA_DAYS = ("月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日", "日曜日")

# ---------------------------------------------------------------------------------------------- templates

# headline pattern -> (headline, partner rewrite, lead sentence); "raise" is the shared-pattern trap
EN_PATTERNS: dict[str, tuple[str, str, str]] = {
    "raise": ("{O1} to raise {RATE} by {HPCT}%", "{RATE_CAP} set to rise {HPCT}% at {O1}",
              "{O1} said on {DAY} it would raise {RATE} by {HPCT} percent from {MONTH}, [citing higher costs in {PL1}|blaming rising costs across {PL1}|pointing to a shortfall in its {PL1} accounts]."),
    "delay": ("{PR} delayed until {HMONTH}", "{PL1} waits longer as {PR} slips to {HMONTH}",
              "The {PR} in {PL1} will not be completed before {HMONTH}, {O1} [said on {DAY}|confirmed on {DAY}|told suppliers this week]."),
    "pushback": ("{PL1} residents push back against {N1} plan", "Anger in {PL1} over proposed {N1}",
                 "Residents of {PL1} [gathered outside|marched to|protested at] the offices of {O1} on {DAY} to oppose plans for a new {N1}."),
    "names": ("{O1} names {P1} to lead {N1} review", "{P1} to head {O1} review of {N1}",
              "{O1} has appointed {P1} to lead a review of its {N1} operations, [it said on {DAY}|according to a notice published on {DAY}]."),
    "jobs": ("{HBIG} jobs at stake as {O1} reviews {N1} sites", "{O1} review puts {HBIG} jobs in doubt",
             "As many as {HBIG} jobs could be lost as {O1} reviews its {N1} sites in {PL1} and {PL2}, [people familiar with the plans said|according to internal documents|union officials warned on {DAY}]."),
    "approve": ("{PL1} approves {HMONEY} {N1} upgrade", "{HMONEY} for {N1} wins approval in {PL1}",
                "Lawmakers in {PL1} approved {HMONEY} on {DAY} for an upgrade of the {N1}, [ending months of debate|after a late-night session|despite objections from {O3}]."),
    "warns": ("{S1} warns {N1} costs could climb", "{N1} bill may rise, {O1} chief says",
              "{P1}, {R1} of {O1}, warned on {DAY} that costs for the {N1} could climb [well beyond|far above|sharply past] earlier estimates."),
    "cuts": ("{O1} cuts {N1} forecast", "Weaker {N1} outlook at {O1}",
             "{O1} cut its forecast for the {N1} on {DAY}, [saying demand in {PL1} had weakened|citing slower growth in {PL1}|as orders from {PL2} dried up]."),
    "inside": ("Inside {PL1}'s {HMONEY} bet on a new {N1}", "{PL1} stakes {HMONEY} on {N1}",
               "{PL1} is betting {HMONEY} that a new {N1} will [revive its economy|bring back young families|turn its fortunes around], and officials at {O1} say results will show by {YEAR}."),
    "means": ("What the {N1} deal means for {PL1}", "{PL1} and the {N1} deal: what changes",
              "A deal between {O1} and {O2} over the {N1} was [signed|finalised|agreed] on {DAY}, and it will change how {PL1} [pays for|runs|plans] the project."),
    "review": ("{PL1} {N1} plan faces {HNUM}-month review", "Fresh {HNUM}-month review for {PL1} {N1} plan",
               "The {N1} plan for {PL1} faces a {HNUM}-month review after {O2} [raised concerns|asked for more detail|questioned the costs] on {DAY}."),
    "vote": ("{PL1} council to vote on {PR}", "Vote looms on {PR} in {PL1}",
             "Councillors in {PL1} will vote on the {PR} next {DAY}, [a decision that could reshape|in a ballot expected to decide the future of] the {N1}."),
}
JA_PATTERNS: dict[str, tuple[str, str, str]] = {
    "raise": ("{O1}、{RATE}を{HPCT}％引き上げへ", "",
              "{O1}は{DAY}、{PL1}での[費用の増加|設備の老朽化|燃料価格の上昇]を理由に、{MONTH}から{RATE}を{HPCT}％引き上げると発表した。"),
    "delay": ("{PR}、{HMONTH}まで完成延期", "",
              "{O1}は{DAY}、{PL1}で進めている{PR}の完成が{HMONTH}までずれ込む見通しだと[明らかにした|発表した]。"),
    "pushback": ("{PL1}の{N1}計画に住民反発", "",
                 "{PL1}で計画されている新たな{N1}をめぐり、住民らが{DAY}、{O1}の事務所前に集まり[反対の声を上げた|計画の撤回を求めた]。"),
    "names": ("{O1}、{N1}見直しの責任者に{P1}氏", "",
              "{O1}は{DAY}、{N1}事業の見直しを担う責任者に{P1}氏を起用すると[発表した|明らかにした]。"),
    "jobs": ("{O1}が{N1}拠点を再編　{HBIG}人の雇用に影響も", "",
             "{O1}が{PL1}と{PL2}にある{N1}の拠点を再編する方針で、最大{HBIG}人の雇用に影響が出る[可能性がある|恐れがある]ことが分かった。"),
    "approve": ("{PL1}、{N1}改修に{HMONEY}を承認", "",
                "{PL1}の議会は{DAY}、{N1}の改修費用として{HMONEY}を[承認した|可決した]。"),
    "warns": ("{N1}の費用膨らむ恐れ　{S1}{R1}が警告", "",
              "{O1}の{S1}{R1}は{DAY}、{N1}の費用が当初の見積もりを大きく上回る恐れがあると[警告した|述べた]。"),
    "cuts": ("{O1}、{N1}の見通しを下方修正", "",
             "{O1}は{DAY}、{PL1}での需要の落ち込みを受けて、{N1}の見通しを[引き下げた|下方修正した]。"),
    "review": ("{PL1}の{N1}計画、{HNUM}か月の再審査へ", "",
               "{PL1}の{N1}計画について、{O2}が{DAY}に[懸念を示した|追加の説明を求めた]ことから、{HNUM}か月の再審査が行われることになった。"),
    "vote": ("{PR}、{PL1}の議会が採決へ", "",
             "{PL1}の議会は次の{DAY}、{PR}について採決する予定で、{N1}の将来が[左右される|決まる]見通しだ。"),
}
EN_DEKS = (
    "{O1} says the change affects about {BIG} households in {PL1} and {PL2}.",
    "The plan, backed by {O2}, has divided opinion across {PL1}.",
    "{S2} of {O2} says a final decision is expected by {MONTH}.",
    "Critics in {PL2} say the {PR} has been rushed through.",
    "The move follows {NUM} months of talks between {O1} and {O3}.",
)
JA_DEKS = (
    "{O1}によると、{PL1}と{PL2}の約{BIG}世帯に影響するという。",
    "{O2}が後押しする計画には、{PL1}で賛否が分かれている。",
    "{O3}は、{PR}の進め方が拙速だと批判している。",
)
EN_QUOTES = (
    "We cannot keep waiting for the {N1} while {PL1} pays the price",
    "This is the most important decision {PL1} has faced in a generation",
    "The numbers behind the {PR} simply do not add up",
    "Nobody at {O1} has explained who will pay for the {N2}",
    "We will keep talking to {O3} until we find a solution",
    "Families in {PL2} deserve a {N1} that actually works",
    "The {N2} has been neglected for {NUM} years",
    "We expect the first results in {PL1} before {MONTH}",
    "I have never seen so many people in {PL2} agree on anything",
    "The {PR} will only succeed if {O2} keeps its promises",
)
JA_QUOTES = (
    "{N1}をこれ以上待つことはできない",
    "{PL1}にとって、この数十年で最も大切な判断だ",
    "{PR}の数字はまったく合っていない",
    "{N2}の費用を誰が負担するのか、まだ説明がない",
    "{O3}と話し合いを続け、解決策を見つけたい",
    "{PL2}の家族のために、きちんと動く{N1}が必要だ",
    "{MONTH}までには最初の成果を示したい",
)
EN_BODY = (
    "{O1} said the {N1} in {PL1} would be [reviewed|examined|assessed] again before {MONTH}.",
    "The {N1} in {PL1} has cost about {MONEY} so far, according to figures [released|published|compiled] by {O2}.",
    "{P2}, {R2} at {O2}, said the {N2} [would need|needed|required] further checks before work could continue.",
    "\"{Q},\" {S1} [told reporters|said at a news conference|said in a radio interview] in {PL1}.",
    "Residents of {PL2} have [complained|argued|said] for years that the {N2} serves too few people.",
    "Under the {PR}, {O1} expects to hire {BIG} workers and spend {MONEY} by {YEAR}.",
    "{S1} said the {N1} would not be affected by the dispute with {O3}.",
    "The {PR} was first proposed in {YEAR0} by {P3}, then a {R3} in {PL1}.",
    "Critics including {O3} say the {N2} favours {PL2} over smaller towns such as {PL3}.",
    "{O2} approved a {PCT} percent increase in the {N3} budget for {PL1} last year.",
    "Traffic around {PL1} was expected to slow on {DAY} as crews from {O1} moved equipment to the site.",
    "{P4}, who runs a [bakery|hardware shop|small hotel|family farm|repair workshop] in {PL2}, said the {N1} had already changed daily life there.",
    "A spokesperson for {O1} declined to say whether the {N3} [would be sold|could be closed|might be merged with another site].",
    "Bonds issued by {O1} [rose|fell|edged up|slipped] {PCT} percent after the announcement, [dealers in {PL1} said|data from the {PL1} exchange showed].",
    "The {PL1} assembly will debate the {PR} on {DAY}, {S2} said.",
    "Officials in {PL3} said {BIG} households would be affected by changes to the {N2}.",
    "{O3} has collected {BIG} signatures against the {N1}, its organisers said.",
    "{S3} said {O2} had received {NUM} complaints about the {N2} since {MONTH}.",
    "Construction of the {N1} near {PL2} is due to begin in {MONTH} {YEAR}.",
    "The last comparable {N3} in {PL3} ran {NUM} months over schedule, records kept by {O2} show.",
    "{O1} employs {BIG} people across {PL1} and {PL2}.",
    "Engineers from {O1} will present a revised {N2} design to {O2} in {MONTH}.",
    "\"{Q},\" said {P3}, [who has studied|who has followed|who wrote a report on] the {N1} for {O3}.",
    "Local newspapers in {PL2} reported that the {N2} had been [delayed|questioned|criticised] by {NUM} councillors.",
    "{S1} is expected to meet representatives of {O3} in {PL1} on {DAY}.",
    "The {N1} would [cut|reduce|lower] costs for households in {PL1} by about {PCT} percent, {O1} estimates.",
    "Opposition members in {PL1} have asked {O2} to publish the full contract for the {N2}.",
    "{O2} said in a statement that it would [monitor|oversee|audit] the {PR} until {YEAR}.",
    "A similar {N3} was abandoned in {PL3} in {YEAR0} after costs rose to {MONEY}.",
    "{P2} said {O2} [had not yet decided|would decide in {MONTH}|was still weighing] whether to extend the {N2}.",
    "About {BIG} people attended a public meeting on the {N1} in {PL2} on {DAY}.",
    "The {PR} relies on {MONEY} in loans arranged by {O1} with lenders in {PL3}.",
    "{S4} said [neighbours|customers|suppliers] in {PL2} were [worried|unsure|hopeful] about the {N1}.",
    "Maps published by {O2} show the {N2} crossing {NUM} districts between {PL1} and {PL3}.",
    "{O3} plans to [challenge|contest|appeal] the decision on the {N1} at the regional court in {PL1}.",
    "Work on the {N3} in {PL2} was suspended for {NUM} weeks in {YEAR0} after a safety inspection by {O2}.",
    "{S2} said the {N1} was [part of a wider plan|one of several projects|the first step in a programme] to modernise services in {PL1}.",
    "\"{Q},\" {S4} said outside the [town hall|market|railway station] in {PL2}.",
    "{O1} has promised to [publish|release|share] quarterly reports on the {PR} from {MONTH}.",
    "Budget documents seen by reporters in {PL1} put the total cost of the {PR} at {MONEY}.",
    "The {N2} in {PL3} is [older|smaller|busier] than the one planned for {PL1}, {S3} noted.",
    "{P1} [has led|has run|has headed] {O1} since {YEAR0}.",
)
JA_BODY = (
    "{O1}によると、{PL1}の{N1}にはこれまでに{MONEY}の費用がかかっている。",
    "{O2}の{S2}{R2}は、{N2}について[さらに調査が必要だ|慎重に検討する必要がある]との考えを示した。",
    "{S1}{R1}は記者団に対し「{Q}」と述べた。",
    "{PL2}の住民からは、{N2}の[利用者が少ない|負担が重すぎる|説明が足りない]との声が以前から上がっていた。",
    "{PR}では、{YEAR}年までに{BIG}人を雇用し、{MONEY}を投じる計画だ。",
    "{PR}は{YEAR0}年に、当時{PL1}の{R3}だった{P3}氏が初めて提案した。",
    "{O3}は、{N2}が{PL2}ばかりを優遇し、{PL3}などの小さな町が取り残されていると批判している。",
    "{O2}は昨年、{PL1}の{N3}の予算を{PCT}％増やすことを認めた。",
    "{DAY}は{O1}の作業員が現場に機材を運び込むため、{PL1}の周辺で渋滞が予想されている。",
    "{PL2}で[パン店|金物店|小さな旅館|農園]を営む{P4}さんは、{N1}によって暮らしがすでに変わり始めていると話した。",
    "{O1}の広報担当者は、{N3}を[売却する|閉鎖する|統合する]かどうかについて明言を避けた。",
    "{PL3}の当局者によると、{N2}の変更で約{BIG}世帯が影響を受けるという。",
    "{O3}は、{N1}に反対する署名を{BIG}人分集めたと明らかにした。",
    "{S3}氏によると、{O2}には{MONTH}以降、{N2}をめぐる苦情が{NUM}件寄せられている。",
    "{PL2}の近くでの{N1}の建設は、{YEAR}年{MONTH}に始まる予定だ。",
    "{O2}の記録では、{PL3}で行われた同様の{N3}は予定より{NUM}か月遅れた。",
    "{O1}は{PL1}と{PL2}で合わせて{BIG}人を雇用している。",
    "{O1}の技術者は{MONTH}に、{N2}の修正案を{O2}に示す予定だ。",
    "{O3}で{N1}を研究してきた{P3}氏は「{Q}」と指摘した。",
    "{S1}{R1}は{DAY}に{PL1}で{O3}の代表者と会談する見通しだ。",
    "{O1}の試算では、{N1}によって{PL1}の家計の負担は約{PCT}％軽くなるという。",
    "{PL1}の野党議員は、{N2}の契約内容をすべて公開するよう{O2}に求めている。",
    "{O2}は声明で、{YEAR}年まで{PR}を[監視する|点検する|見守る]と表明した。",
    "{PL3}では{YEAR0}年、費用が{MONEY}に膨らんだため、同様の{N3}が中止された。",
    "{DAY}に{PL2}で開かれた{N1}の説明会には、約{BIG}人が参加した。",
    "{PR}の資金のうち{MONEY}は、{O1}が{PL3}の金融機関から借り入れる。",
    "{O2}が公表した地図によると、{N2}は{PL1}から{PL3}までの{NUM}つの地区を通る。",
    "{O3}は、{N1}をめぐる決定を不服として{PL1}の地方裁判所に訴える構えだ。",
    "{S2}{R2}は、{N1}が{PL1}の公共サービスを近代化する[計画の一部|最初の一歩]だと説明した。",
    "{PL2}の駅前で取材に応じた{S4}さんは「{Q}」と話した。",
    "{O1}は{MONTH}から、{PR}の進み具合を四半期ごとに公表するとしている。",
    "{P1}氏は{YEAR0}年から{O1}を率いている。",
)
FOLLOWUP_LEADIN = {
    "en": "{O1} has faced questions since {SRC} first reported the plans earlier this week[.|, in a report that said the following.]",
    "ja": "{SRC}は今週、この計画について次のように伝えていた。",
}
# partner rewording: the first applicable replacement is made once in a sentence
EN_REWORDS = ((" said ", " stated "), (" said.", " stated."), (" percent", "%"), ("about ", "roughly "),
              ("would ", "will "), ("expects", "anticipates"), ("Residents", "Locals"), ("officials", "authorities"),
              ("Officials", "Authorities"), ("declined to say", "would not say"), ("complaints", "grievances"),
              ("announcement", "news"), ("people", "residents"))
CHOICE_RE = re.compile(r"\[([^\[\]]+)\]")
HALF_WIDTH = str.maketrans({"、": "､", "。": "｡", "「": "｢", "」": "｣"})


def _fill(template: str, values: dict[str, str], rng: random.Random) -> str:
    """Resolve [a|b] choice groups, then the {SLOT} names."""
    return CHOICE_RE.sub(lambda m: rng.choice(m.group(1).split("|")), template).format_map(values)


def _en_word(rng: random.Random, parts: int | None = None) -> str:
    n = parts or rng.choice((2, 2, 2, 3))
    return ("".join(rng.choice(EN_CV) for _ in range(n)) + rng.choice(EN_CODAS)).capitalize()


def _ja_word(rng: random.Random) -> str:
    word = "".join(rng.choice(JA_KANA) for _ in range(rng.randint(2, 4)))
    # a long vowel mark reads naturally after the first kana of a coined name
    return word[0] + "ー" + word[1:] if rng.random() < 0.25 else word


@lru_cache(maxsize=4096)
def _vocab(seed: int, idx: int, lang: str, domain: str | None = None) -> tuple[tuple[str, str], ...]:
    """The story-specific names and nouns of story idx, as (slot, value) pairs."""
    rng = random.Random(f"{seed}:vocab:{idx}")
    v: dict[str, str] = {}
    if lang == "en":
        domain = domain or rng.choice(sorted(EN_DOMAINS))
        nouns, rate, ministry = EN_DOMAINS[domain]
        for i in range(1, 4):
            v[f"PL{i}"] = _en_word(rng) + rng.choice(EN_PLACE_SUFFIX)
        for i in range(1, 5):
            first, last = rng.choice(EN_FIRST), _en_word(rng)
            v[f"P{i}"], v[f"S{i}"] = f"{first} {last}", last
        v["R1"], v["R2"], v["R3"] = rng.choice(EN_ROLE1), rng.choice(EN_ROLE2), rng.choice(EN_ROLE3)
        w = _en_word(rng)
        v["O1"] = rng.choice((f"{w} Holdings", f"{w} Group", f"{v['PL1']} City Council", f"{w} Industries",
                              f"{w} Partners", f"{v['PL1']} Development Agency"))
        v["O2"] = rng.choice((f"the Ministry of {ministry}", f"the {v['PL2']} Regional Authority",
                              f"the National {ministry} Board", f"the {_en_word(rng)} Commission"))
        v["O3"] = rng.choice((f"the {_en_word(rng)} Residents' Association", f"the {_en_word(rng)} Workers' Union",
                              f"the {_en_word(rng)} Institute", f"the {v['PL3']} Chamber of Commerce"))
        v["PR"] = f"{_en_word(rng)} {rng.choice(('Project', 'Scheme', 'Initiative', 'Corridor', 'Programme'))}"
        v["REPORTER"] = f"{rng.choice(EN_FIRST)} {_en_word(rng)}"
        v["RATE"], v["RATE_CAP"] = rate, rate[0].upper() + rate[1:]
    else:
        domain = domain if domain in JA_DOMAINS else rng.choice(sorted(JA_DOMAINS))
        nouns, rate = JA_DOMAINS[domain]
        for i in range(1, 4):
            v[f"PL{i}"] = _ja_word(rng) + rng.choice(("市", "町", "村"))
        for i in range(1, 5):
            last = rng.choice(JA_SURNAMES)
            v[f"P{i}"], v[f"S{i}"] = last + rng.choice(JA_GIVEN), last
        v["R1"], v["R2"], v["R3"] = rng.choice(JA_ROLE1), rng.choice(JA_ROLE2), rng.choice(JA_ROLE3)
        v["O1"] = _ja_word(rng) + rng.choice(("電力", "ホールディングス", "交通", "建設", "銀行", "製作所", "通信", "開発"))
        v["O2"] = _ja_word(rng) + rng.choice(("県", "委員会", "公社"))
        v["O3"] = _ja_word(rng) + rng.choice(("住民の会", "労働組合", "研究所", "商工会"))
        v["PR"] = _ja_word(rng) + rng.choice(("計画", "プロジェクト", "再開発事業", "整備事業"))
        v["REPORTER"] = rng.choice(JA_SURNAMES) + rng.choice(JA_GIVEN)
        v["RATE"] = v["RATE_CAP"] = rate
    picked = rng.sample(nouns, 3)
    v["N1"], v["N2"], v["N3"] = picked
    v["DOMAIN"] = domain
    return tuple(v.items())


def _numbers(rng: random.Random, lang: str) -> dict[str, str]:
    """Per-sentence numeric slots, so two sentences from one template still differ."""
    month = rng.randrange(12)
    if lang == "en":
        return {"NUM": str(rng.randint(2, 18)), "BIG": f"{rng.randint(3, 95) * 100 + rng.randint(1, 99):,}",
                "MONEY": f"${rng.randint(2, 950)} million", "PCT": str(rng.randint(2, 24)),
                "YEAR": str(rng.randint(2026, 2031)), "YEAR0": str(rng.randint(2009, 2022)),
                "MONTH": EN_MONTHS[month], "DAY": rng.choice(EN_DAYS)}
    return {"NUM": str(rng.randint(2, 18)), "BIG": f"{rng.randint(3, 95) * 100 + rng.randint(1, 99):,}",
            "MONEY": f"{rng.randint(2, 950)}億円", "PCT": str(rng.randint(2, 24)),
            "YEAR": str(rng.randint(2026, 2031)), "YEAR0": str(rng.randint(2009, 2022)),
            "MONTH": f"{month + 1}月", "DAY": rng.choice(JA_DAYS)}


def _headline_numbers(rng: random.Random, lang: str) -> dict[str, str]:
    month = rng.randrange(12)
    if lang == "en":
        return {"HPCT": str(rng.randint(3, 15)), "HMONEY": f"${rng.randint(20, 900)}m",
                "HBIG": f"{rng.randint(2, 60) * 100:,}", "HNUM": str(rng.randint(3, 18)),
                "HMONTH": f"{EN_MONTHS[month]} {rng.randint(2026, 2029)}"}
    return {"HPCT": str(rng.randint(3, 15)), "HMONEY": f"{rng.randint(20, 900)}億円",
            "HBIG": f"{rng.randint(2, 60) * 100:,}", "HNUM": str(rng.randint(3, 18)),
            "HMONTH": f"{rng.randint(2026, 2029)}年{month + 1}月"}


# ---------------------------------------------------------------------------------------------- the plan


@dataclass
class _Copy:
    outlet: str
    kind: str
    arrived: datetime  # when the copy appears on the web (decides its run)
    claimed: datetime  # what the page says (a date trap claims to predate the original)
    run: int
    hint: str
    variant: int


@dataclass
class _Story:
    idx: int
    key: str
    lang: str
    outlet: str
    kind: str  # story | followup | twin
    parent: int | None
    vocab_idx: int
    domain: str | None
    t0: datetime
    run: int
    pattern: str
    slots: dict[str, str]
    title: str
    dek: str
    copies: list[_Copy] = field(default_factory=list)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _plan(seed: int, n_stories: int, languages: tuple[str, ...], days: int, copies: bool, runs: int
          ) -> tuple[list[_Story], datetime, datetime]:
    """Decide every story and copy: languages, kinds, times, runs, headlines. Text comes later, lazily."""
    rng = random.Random(f"{seed}:plan")
    t1 = START + timedelta(days=days)
    t2 = t1 + timedelta(days=4)
    n_late = max(1, n_stories // 10) if runs == 2 and n_stories >= 4 else 0
    n_early = n_stories - n_late
    span = (t1 - START - timedelta(hours=2)) / max(1, n_early)
    late_span = timedelta(hours=24) / max(1, n_late)
    stories: list[_Story] = []
    raise_by_lang: dict[str, list[int]] = {lang: [] for lang in languages}
    twinned: set[int] = set()
    followed: set[int] = set()
    for i in range(n_stories):
        # modular roles guarantee every trap exists even in a 12-story web; the text gives no hint of them
        lang = "ja" if ("ja" in languages and (len(languages) == 1 or i % 4 == 3)) else languages[0]
        if lang not in ("en", "ja"):
            raise ValueError(f"unsupported language {lang!r}")
        if i < n_early:
            t0 = START + span * i + span * rng.random() * 0.8
            run = 1
        else:
            t0 = t1 + late_span * (i - n_early) + late_span * rng.random() * 0.8
            run = 2
        t0 = t0.replace(second=0, microsecond=0)
        kind, parent, vocab_idx, domain = "story", None, i, None
        role = i % 12
        if role in (6, 11) and raise_by_lang[lang]:
            candidates = [j for j in raise_by_lang[lang] if j not in twinned]
            if candidates:
                parent = candidates[-1]
                kind, domain = "twin", stories[parent].domain or stories[parent].slots["DOMAIN"]
                twinned.add(parent)
        elif role in (5, 7):
            earlier = []
            for s in reversed(stories):
                if s.t0 < t0 - timedelta(hours=48) or len(earlier) >= 50:
                    break
                if s.lang == lang and s.kind == "story" and s.idx not in followed and s.t0 <= t0 - timedelta(hours=3):
                    earlier.append(s)
            if earlier:
                parent = rng.choice(earlier).idx
                kind, vocab_idx = "followup", parent
                # one follow-up per story: two would share names and sentence shapes and read as copies
                followed.add(parent)
        slots = dict(_vocab(seed, vocab_idx, lang, domain))
        if kind == "followup":
            # the follow-up talks about the same people, but its own nouns lead
            slots["N1"], slots["N2"], slots["N3"] = slots["N3"], slots["N1"], slots["N2"]
        patterns = EN_PATTERNS if lang == "en" else JA_PATTERNS
        if kind == "twin":
            pattern = "raise"
            slots.update({k: v for k, v in stories[parent].slots.items() if k in ("HPCT", "RATE", "RATE_CAP")})
            slots.update({k: v for k, v in _headline_numbers(rng, lang).items() if k != "HPCT"})
        else:
            taken = {"raise", stories[parent].pattern} if parent is not None else {"raise"}
            pattern = ("raise" if kind == "story" and (role in (2, 3) or rng.random() < 0.15)
                       else rng.choice(sorted(set(patterns) - taken)))
            slots.update(_headline_numbers(rng, lang))
        if pattern == "raise" and kind != "twin":
            raise_by_lang[lang].append(i)
        title = _capital(_fill(patterns[pattern][0], slots, rng))
        dek = _fill(rng.choice(EN_DEKS if lang == "en" else JA_DEKS), {**slots, **_numbers(rng, lang)}, rng)
        while parent is not None and dek == stories[parent].dek:
            # a follow-up shares its parent's names, never its teaser line
            dek = _fill(rng.choice(EN_DEKS if lang == "en" else JA_DEKS), {**slots, **_numbers(rng, lang)}, rng)
        outlet = rng.choice(ORIGINS[lang])
        story = _Story(i, f"s{i:05d}", lang, outlet, kind, parent, vocab_idx, domain, t0, run, pattern, slots,
                       title, dek)
        if copies:
            for copier, copy_kind, p in COPIERS[lang]:
                if rng.random() >= p:
                    continue
                copy = _plan_copy(rng, story, copier, copy_kind, t1, t2, runs)
                if copy is not None:
                    story.copies.append(copy)
        stories.append(story)
    if copies:
        _ensure_coverage(rng, stories, t1, t2, runs)
    return stories, t1, t2


def _plan_copy(rng: random.Random, story: _Story, outlet: str, kind: str, t1: datetime, t2: datetime, runs: int,
               delay_h: float | None = None) -> _Copy | None:
    if delay_h is None:
        roll = rng.random()
        # most copies follow within hours; a tail arrives days later (often in the next run)
        delay_h = rng.uniform(1, 6) if roll < 0.6 else rng.uniform(6, 24) if roll < 0.9 else rng.uniform(24, 72)
    arrived = (story.t0 + timedelta(hours=delay_h)).replace(second=0, microsecond=0)
    run = 1 if runs == 1 or arrived < t1 else 2
    if runs == 2 and arrived >= t2:
        return None
    claimed = arrived
    hint = {"dailyfeedr": "credit", "matome": "credit", "citylens": "none"}.get(outlet, "none")
    variant = rng.randrange(6)
    if outlet == "briefly":
        hint = "canonical" if variant % 2 == 0 else "none"
    elif outlet == "harbourpost":
        hint = "isBasedOn" if variant % 3 else "credit"
    if outlet in ("dailyfeedr", "citylens") and rng.random() < 0.03:
        # sparingly: a copy whose page claims to predate the original (bad clock, wrong zone)
        claimed = story.t0 - timedelta(hours=rng.uniform(1, 6))
        claimed = claimed.replace(second=0, microsecond=0)
    return _Copy(outlet, kind, arrived, claimed, run, hint, variant)


def _ensure_coverage(rng: random.Random, stories: list[_Story], t1: datetime, t2: datetime, runs: int) -> None:
    """Tiny webs still get every copier, every kind and a run-2 copy of a run-1 story."""
    for lang, table in COPIERS.items():
        pool = [s for s in stories if s.lang == lang]
        for outlet, kind, _ in table:
            if pool and not any(c.outlet == outlet for s in pool for c in s.copies):
                target = pool[0]
                copy = _plan_copy(rng, target, outlet, kind, t1, t2, runs, delay_h=2.0)
                if copy is not None:
                    target.copies.append(copy)
    if runs == 2:
        early = [s for s in stories if s.run == 1 and s.t0 >= t1 - timedelta(hours=60)]
        if early and not any(c.run == 2 for s in early for c in s.copies):
            target = early[-1]
            delay = (t1 - target.t0).total_seconds() / 3600 + 2
            kind_of = {o: k for o, k, _ in COPIERS[target.lang]}
            outlet = next(iter(kind_of))
            target.copies = [c for c in target.copies if c.outlet != outlet]
            copy = _plan_copy(rng, target, outlet, kind_of[outlet], t1, t2, runs, delay_h=delay)
            if copy is not None:
                target.copies.append(copy)


# ---------------------------------------------------------------------------------------------- story text


class _Texts:
    """Story bodies as paragraphs of sentences, regenerated on demand from (seed, story) with a small cache."""

    def __init__(self, seed: int, stories: list[_Story]) -> None:
        self.seed = seed
        self.stories = stories
        self._cache: dict[int, tuple[tuple[tuple[str, ...], ...], frozenset[int]]] = {}
        self._order: deque[int] = deque()

    def body(self, idx: int) -> tuple[tuple[str, ...], ...]:
        """Paragraphs (tuples of sentences) of story idx."""
        return self._get(idx)[0]

    def _get(self, idx: int) -> tuple[tuple[tuple[str, ...], ...], frozenset[int]]:
        hit = self._cache.get(idx)
        if hit is None:
            hit = self._make(idx)
            self._cache[idx] = hit
            self._order.append(idx)
            if len(self._order) > 512:
                self._cache.pop(self._order.popleft(), None)
        return hit

    def _make(self, idx: int) -> tuple[tuple[tuple[str, ...], ...], frozenset[int]]:
        story = self.stories[idx]
        lang = story.lang
        rng = random.Random(f"{self.seed}:body:{idx}")
        templates = EN_BODY if lang == "en" else JA_BODY
        quotes = EN_QUOTES if lang == "en" else JA_QUOTES
        patterns = EN_PATTERNS if lang == "en" else JA_PATTERNS
        pool = list(range(len(templates)))
        parent_body: tuple[tuple[str, ...], ...] = ()
        if story.kind == "followup" and story.parent is not None:
            parent_body, parent_used = self._get(story.parent)
            # a follow-up shares names with its parent but none of its sentence shapes, so what it shares
            # beyond names is exactly the quoted sentences
            pool = [t for t in pool if t not in parent_used]
        rng.shuffle(pool)
        n_par = rng.randint(6, 12)
        sizes = [1] + [rng.choice((1, 2, 2, 3) if lang == "en" else (1, 2, 2)) for _ in range(n_par - 1)]
        while sum(sizes) - 1 > len(pool) and len(sizes) > 6:
            sizes.pop()
        used = pool[: sum(sizes) - 1]
        lead = self._sentence(patterns[story.pattern][2], story.slots, quotes, rng, lang)
        sentences = [lead]
        seen = {lead}
        for t in used:
            sentence = self._sentence(templates[t], story.slots, quotes, rng, lang)
            if sentence not in seen:
                seen.add(sentence)
                sentences.append(sentence)
        paragraphs: list[tuple[str, ...]] = []
        pos = 0
        for size in sizes:
            chunk = tuple(sentences[pos: pos + size])
            if chunk:
                paragraphs.append(chunk)
            pos += size
        if parent_body:
            flat = [s for p in parent_body for s in p[1:] or p]
            start = rng.randrange(max(1, len(flat) - 3))
            quoted = tuple(flat[start: start + rng.choice((2, 3))])
            src = OUTLET[self.stories[story.parent].outlet].name
            leadin = _fill(FOLLOWUP_LEADIN[lang], {**story.slots, "SRC": src}, rng)
            paragraphs[2:2] = [(leadin,), quoted]
        return tuple(paragraphs), frozenset(used)

    @staticmethod
    def _sentence(template: str, slots: dict[str, str], quotes: tuple[str, ...], rng: random.Random,
                  lang: str) -> str:
        values = {**slots, **_numbers(rng, lang)}
        values["Q"] = _fill(rng.choice(quotes), values, rng)
        sentence = _fill(template, values, rng)
        if lang == "en" and rng.random() < 0.2 and template.startswith(("{O", "{PL", "The ")):
            # a varied opener keeps sentences from one template apart across stories
            prefix = rng.choice(("On {DAY}, ", "In {PL2}, ", "Separately, ", "Earlier this month, ",
                                 "According to {O2}, "))
            if sentence.startswith(("The ", "the ")):
                sentence = "the" + sentence[3:]
            sentence = _capital(_fill(prefix, values, rng)) + sentence
        # slots such as "the Ministry of ..." may open a sentence
        return _capital(sentence) if lang == "en" else sentence


def _edit(sentences: list[str], rng: random.Random, rewords: tuple[tuple[str, str], ...] = EN_REWORDS
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


def _regroup(sentences: list[str], rng: random.Random) -> list[str]:
    out: list[str] = []
    pos = 0
    while pos < len(sentences):
        size = rng.choice((2, 3, 3, 4)) if pos else 1
        out.append(" ".join(sentences[pos: pos + size]))
        pos += size
    return out


# ---------------------------------------------------------------------------------------------- pages


class Markup(str):
    """Page text that is markup already (a paragraph holding a link): renderers do not escape it."""


def _e(text: str) -> str:
    return text if isinstance(text, Markup) else html.escape(text, quote=False)


def _a(text: str) -> str:
    return html.escape(text, quote=True)


def _iso(moment: datetime, zone: timezone = UTC) -> str:
    return moment.astimezone(zone).isoformat()


def _ld(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


@dataclass
class _PageIn:
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


_PAD_ITEM = '{{"slot":"ad-{n:06d}","sizes":[[300,250],[728,90]],"lazy":true}},'


@lru_cache(maxsize=16)
def _pad_source(outlet: str) -> str:
    return "".join(_PAD_ITEM.format(n=n) for n in range(2000)) + f'/*{outlet}*/'


def _finish(page: str, outlet: str, target: int) -> str:
    """Pad with an ad-slot script (what most real page weight is) up to about the target size."""
    need = target - len(page.encode("utf-8")) - 40
    if need > 0:
        item = len(_PAD_ITEM.format(n=0))
        pad = _pad_source(outlet)[: (need // item) * item]
        page = page.replace("</body>", f"<script>window.adSlots=[{pad}];</script>\n</body>", 1)
    return page


def _teaser_list(p: _PageIn, wrap: str) -> str:
    items = "".join(wrap.format(href=_a(h), title=_e(t), dek=_e(d)) for t, d, h in p.teasers)
    return items


def _head(p: _PageIn, charset: str = "utf-8") -> str:
    zone = JST if p.lang == "ja" else UTC
    meta_charset = (f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if p.old_meta
                    else f'<meta charset="{charset}">')
    return (f'<!DOCTYPE html>\n<html lang="{p.lang}">\n<head>\n{meta_charset}\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(p.title)} | {_e(p.outlet.name)}</title>\n"
            f'<link rel="canonical" href="{_a(p.canonical)}">\n'
            + (f'<link rel="amphtml" href="{_a(p.amp_url)}">\n' if p.amp_url else "")
            + f'<meta name="description" content="{_a(p.dek)}">\n'
            f'<meta property="og:type" content="article">\n<meta property="og:title" content="{_a(p.title)}">\n'
            f'<meta property="og:site_name" content="{_a(p.outlet.name)}">\n'
            f'<meta property="article:published_time" content="{_iso(p.published, zone)}">\n'
            f'<meta property="article:modified_time" content="{_iso(p.modified, zone)}">\n'
            f'<link rel="stylesheet" href="{BASE}/{p.outlet.id}/static/site.css">\n')


def _news_ld(p: _PageIn) -> dict[str, object]:
    zone = JST if p.lang == "ja" else UTC
    obj: dict[str, object] = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": p.title,
        "datePublished": _iso(p.published, zone), "dateModified": _iso(p.modified, zone),
        "author": [{"@type": "Person", "name": p.author}], "inLanguage": p.lang,
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
    return ('<div class="share-bar"><span>Share this story</span><a href="#email">Email</a><a href="#x">X</a>'
            '<a href="#facebook">Facebook</a><a href="#link">Copy link</a></div>\n')


def _render_northwire(p: _PageIn) -> str:
    body = "\n".join(f"<p>{_e(x)}</p>" for x in p.paragraphs)
    bp = p.outlet.boilerplate
    teasers = _teaser_list(p, '<li><a href="{href}">{title}</a><p class="teaser">{dek}</p></li>')
    return (_head(p) + f'<script type="application/ld+json">{_ld(_news_ld(p))}</script>\n</head>\n<body>\n'
            f'<header class="site-header"><a class="logo" href="{BASE}/northwire/">North Wire</a>'
            f'<nav><ul>{_nav(p.outlet, EN_SECTIONS)}</ul></nav><a class="subscribe" href="#subscribe">Subscribe</a></header>\n'
            f'<main id="content">\n<article class="story">\n<header class="story-header">'
            f'<p class="kicker">{_e(p.section)}</p><h1>{_e(p.title)}</h1>'
            f'<p class="byline">By <span class="author">{_e(p.author)}</span>, North Wire</p>'
            f'<time datetime="{_iso(p.published)}">{p.published:%d %B %Y, %H:%M} UTC</time></header>\n'
            f'<p class="standfirst">{_e(p.dek)}</p>\n<div class="story-body">\n{body}\n</div>\n'
            f'<aside class="standards"><p>{_e(bp[0])}</p><p>{_e(bp[1])}</p></aside>\n'
            f'<footer class="story-tags">Topics: <a href="#">{_e(p.section)}</a></footer>\n</article>\n'
            f'<aside class="most-read"><h2>Most read</h2><ol>{teasers}</ol></aside>\n</main>\n' + _share_en()
            + '<section class="newsletter"><h2>The Wire Daily</h2><p>Our editors pick the day\'s essential reporting.</p>'
            '<form><input type="email" placeholder="Email address"><button>Sign up</button></form></section>\n'
            '<footer class="site-footer"><p>&copy; 2025 North Wire. All rights reserved.</p><ul><li><a href="#">About</a></li>'
            '<li><a href="#">Careers</a></li><li><a href="#">Privacy</a></li><li><a href="#">Terms</a></li></ul></footer>\n</body>\n</html>\n')


def _render_meridian(p: _PageIn) -> str:
    bp = p.outlet.boilerplate
    paras = [f'<div class="p">{_e(x)}</div>' for x in p.paragraphs]
    # the promo sits between paragraphs inside the text container, as ad-driven templates do
    paras.insert(max(1, len(paras) - 2), f'<div class="promo"><div class="promo-t">{_e(bp[0])}</div>'
                 f'<div class="promo-s">{_e(bp[1])}</div></div>')
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "@id": f"{BASE}/meridian/#site", "name": "Meridian Press Agency", "url": f"{BASE}/meridian/"},
        {"@type": "Organization", "@id": f"{BASE}/meridian/#org", "name": "Meridian Press Agency"},
        {"@type": "WebPage", "@id": p.url, "url": p.url, "name": p.title, "isPartOf": {"@id": f"{BASE}/meridian/#site"}},
        {"@type": "NewsArticle", "@id": p.url + "#article", "headline": p.title, "description": p.dek,
         "datePublished": _iso(p.published), "dateModified": _iso(p.modified),
         "author": [{"@type": "Person", "name": p.author}], "publisher": {"@id": f"{BASE}/meridian/#org"},
         "mainEntityOfPage": {"@id": p.url}, "inLanguage": "en", "articleSection": p.section},
        {"@type": "BreadcrumbList", "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{BASE}/meridian/"},
            {"@type": "ListItem", "position": 2, "name": p.section, "item": f"{BASE}/meridian/{p.section.lower()}/"}]},
    ]}
    teasers = _teaser_list(p, '<div class="mr-i"><a href="{href}">{title}</a><div class="mr-d">{dek}</div></div>')
    text = "\n".join(paras)
    return (_head(p) + f'<script type="application/ld+json">{_ld(ld)}</script>\n</head>\n<body>\n<div id="pg">\n'
            f'<div class="top"><div class="logo">Meridian Press Agency</div><div class="mnu">'
            + "".join(f'<a href="{BASE}/meridian/{s.lower()}/">{s}</a>' for s in EN_SECTIONS)
            + '</div></div>\n<div class="row"><div class="col-8"><div class="cnt">\n'
            f'<div class="kick">{_e(p.section)}</div><div class="hdl">{_e(p.title)}</div>'
            f'<div class="by">{_e(p.author)} | {p.published:%B %d, %Y %H:%M} GMT</div>\n'
            f'<div class="txt">\n{text}\n</div>\n<div class="shr"><a href="#">Share</a><a href="#">Print</a><a href="#">Reprints</a></div>\n'
            f'</div></div>\n<div class="col-4"><div class="mr"><div class="mr-h">Most read</div>{teasers}</div></div></div>\n'
            '<div class="ftr">Meridian Press Agency &middot; <a href="#">Contact</a> &middot; <a href="#">Licensing</a> &middot; <a href="#">Cookie settings</a></div>\n'
            '</div>\n</body>\n</html>\n')


def _render_kumonews(p: _PageIn) -> str:
    body = "\n".join(f"<p>{_e(x)}</p>" for x in p.paragraphs)
    bp = p.outlet.boilerplate
    t = p.published.astimezone(JST)
    teasers = _teaser_list(p, '<li><a href="{href}">{title}</a><span>{dek}</span></li>')
    return (_head(p) + f'<script type="application/ld+json">{_ld(_news_ld(p))}</script>\n</head>\n<body>\n'
            f'<header><div class="logo"><a href="{BASE}/kumonews/">雲通信</a></div><nav><ul>'
            '<li><a href="#">国内</a></li><li><a href="#">経済</a></li><li><a href="#">国際</a></li><li><a href="#">地域</a></li><li><a href="#">スポーツ</a></li></ul></nav></header>\n'
            f'<main>\n<article class="kiji">\n<h1 class="kiji-midashi">{_e(p.title)}</h1>\n'
            f'<div class="kiji-hiduke"><time datetime="{_iso(p.published, JST)}">{t.year}年{t.month}月{t.day}日 {t.hour}時{t.minute:02d}分</time></div>\n'
            f'<div class="kiji-honbun">\n{body}\n</div>\n'
            f'<div class="kiji-notice"><p>{_e(bp[0])}{_e(bp[1])}</p></div>\n</article>\n'
            f'<aside class="ranking"><h2>アクセスランキング</h2><ol>{teasers}</ol></aside>\n</main>\n'
            '<div class="share">この記事をシェアする <a href="#">X</a> <a href="#">LINE</a> <a href="#">Facebook</a></div>\n'
            '<footer><p>Copyright 雲通信 All rights reserved.</p></footer>\n</body>\n</html>\n')


def _render_dailyfeedr(p: _PageIn) -> str:
    assert p.source is not None
    bp = p.outlet.boilerplate
    body = "\n".join(f"<p>{_e(x)}</p>" for x in p.paragraphs)
    related = "".join(
        f'<div class="rel-card"><div class="rel-t">{_e(t)}</div><div class="rel-t2">{_e(t)}</div>'
        f'<div class="rel-src">{_e(src)}</div><div class="rel-age">time{_e(age)}</div><ul><li>{_e(src)}</li></ul>'
        f'<h4>{_e(t)}</h4><p>{_e(text)}</p></div>\n' for t, src, age, text in p.related)
    t = p.published
    return (_head(p) + f'<script type="application/ld+json">{_ld(_news_ld(p))}</script>\n</head>\n<body>\n'
            '<div class="app"><div class="topbar"><span class="logo">logo</span><a href="#">For you</a><a href="#">World</a><a href="#">Local</a></div>\n'
            f'<main class="article-page"><div class="article">\n<h1>{_e(p.title)}</h1>\n<div class="title-repeat">{_e(p.title)}</div>\n'
            f'<div class="source-line"><span class="src">{_e(p.source.short)}</span><span class="dt">{t:%d-%m-%Y}</span></div>\n'
            f'<div class="article-body">\n{body}\n</div>\n'
            f'<div class="ai-box"><h3>Try Our AI Features</h3><p>{_e(bp[0])}</p><ul><li>Summarise</li><li>Translate</li><li>Timeline</li></ul></div>\n'
            '<div class="comments"><h3>Comments</h3><p>No comments yet...</p></div>\n'
            f'<div class="related"><h3>Related Articles</h3>\n{related}</div>\n'
            f'<div class="app-promo"><h3>DOWNLOAD THE APP</h3><p>Get Started Now: Download the App</p><p>{_e(bp[1])}</p></div>\n'
            '</div></main>\n<footer class="app-footer"><a href="#">Terms</a> <a href="#">Privacy</a></footer></div>\n</body>\n</html>\n')


def _render_harbourpost(p: _PageIn) -> str:
    assert p.source is not None
    bp = p.outlet.boilerplate
    paras = [f"<p>{_e(x)}</p>" for x in p.paragraphs]
    paras.insert(min(3, len(paras)), f'<aside class="inline-newsletter"><p>{_e(bp[0])}</p>'
                 '<form><input type="email"><button>Sign me up</button></form></aside>')
    paras.append(f'<p class="credit"><em>This report was first published by {_e(p.source.name)}.</em></p>')
    ld = _news_ld(p)
    teasers = _teaser_list(p, '<li><a href="{href}">{title}</a> <small>{dek}</small></li>')
    body = "\n".join(paras)
    return (_head(p) + f'<script type="application/ld+json">{_ld(ld)}</script>\n</head>\n<body>\n'
            f'<div class="masthead"><a href="{BASE}/harbourpost/">The Harbour Post</a><ul class="menu">{_nav(p.outlet, EN_SECTIONS[:6])}</ul></div>\n'
            f'<div class="layout"><article class="post">\n<h1 class="post-title">{_e(p.title)}</h1>\n'
            f'<div class="meta">By {_e(p.author)} &middot; <time datetime="{_iso(p.published)}">{p.published:%a %d %b %Y %H.%M} UTC</time></div>\n'
            f'<div class="post-content">\n{body}\n</div>\n<div class="post-footer"><p>{_e(bp[1])}</p></div>\n</article>\n'
            f'<aside class="sidebar"><h3>Most read</h3><ul>{teasers}</ul></aside></div>\n' + _share_en()
            + '<footer class="colophon">The Harbour Post &middot; <a href="#">Contact</a> &middot; <a href="#">Complaints</a></footer>\n</body>\n</html>\n')


def _render_briefly(p: _PageIn) -> str:
    assert p.source is not None and p.source_url is not None
    body = "\n".join(f"<p>{_e(x)}</p>" for x in p.paragraphs)
    teasers = _teaser_list(p, '<li><a href="{href}">{title}</a> &mdash; {dek}</li>')
    return (_head(p) + f'<script type="application/ld+json">{_ld(_news_ld(p))}</script>\n</head>\n<body>\n'
            f'<nav class="bar"><a href="{BASE}/briefly/">Briefly</a> <a href="#">Top</a> <a href="#">Latest</a></nav>\n'
            f'<div class="brief">\n<h1>{_e(p.title)}</h1>\n<p class="when">{p.published:%H:%M, %d %b}</p>\n{body}\n'
            f'<p class="more"><a href="{_a(p.source_url)}">Continue reading at {_e(p.source.name)}</a></p>\n'
            f'<p class="about">{_e(p.outlet.boilerplate[0])}</p>\n</div>\n'
            f'<section class="latest"><h2>More briefs</h2><ul>{teasers}</ul></section>\n'
            '<footer>Briefly &middot; <a href="#">About</a></footer>\n</body>\n</html>\n')


def _render_matome(p: _PageIn) -> str:
    assert p.source is not None
    bp = p.outlet.boilerplate
    credit = f"（{p.source.name}より）"
    paras = [*p.paragraphs, credit]
    body = "\n".join(f"<p>{_e(x)}</p>" for x in paras)
    t = p.published.astimezone(JST)
    teasers = _teaser_list(p, '<li><a href="{href}">{title}</a><br>{dek}</li>')
    page = (_head(p, "Shift_JIS") + '</head>\n<body>\n<div id="container"><div id="header"><a href="'
            f'{BASE}/matome/">まとめニュース速報</a></div>\n<div id="main"><div class="entry">\n'
            f'<h2 class="entry-title">{_e(p.title)}</h2>\n<div class="entry-date">{t:%Y/%m/%d %H:%M}</div>\n'
            f'<div class="entry-body">\n{body}\n</div>\n<div class="entry-footer"><p>{_e(bp[0])}</p><p>{_e(bp[1])}</p></div>\n'
            '</div>\n<div class="comments"><h3>この記事へのコメント</h3><p>まだコメントはありません。</p></div></div>\n'
            f'<div id="side"><h3>人気記事ランキング</h3><ul>{teasers}</ul></div>\n'
            '<div id="footer">まとめニュース速報</div></div>\n</body>\n</html>\n')
    return page.translate(HALF_WIDTH) if p.half_width else page


def _render_citylens(p: _PageIn) -> str:
    body = "\n".join(f"<p>{_e(x)}</p>" for x in p.paragraphs)
    teasers = _teaser_list(p, '<li><a href="{href}">{title}</a><p>{dek}</p></li>')
    return (_head(p) + f'<script type="application/ld+json">{_ld(_news_ld(p))}</script>\n</head>\n<body>\n'
            f'<header class="cl-head"><a href="{BASE}/citylens/">City Lens</a><nav>{_nav(p.outlet, EN_SECTIONS[:5])}</nav></header>\n'
            f'<main><article class="cl-article">\n<h1>{_e(p.title)}</h1>\n<p class="cl-date">{p.published:%B %d, %Y}</p>\n'
            f'<section class="cl-body">\n{body}\n</section>\n<div class="cl-member"><p>{_e(p.outlet.boilerplate[0])}</p></div>\n</article>\n'
            f'<aside><h2>Trending</h2><ul>{teasers}</ul></aside></main>\n' + _share_en()
            + '<footer>City Lens &middot; <a href="#">Advertise</a></footer>\n</body>\n</html>\n')


def _render_amp(p: _PageIn) -> str:
    body = "\n".join(f"<p>{_e(x)}</p>" for x in p.paragraphs)
    return ('<!doctype html>\n<html amp lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{_e(p.title)} | City Lens</title>\n<link rel=\"canonical\" href=\"{_a(p.canonical)}\">\n"
            '<meta name="viewport" content="width=device-width">\n'
            f'<script type="application/ld+json">{_ld(_news_ld(p))}</script>\n'
            '<style amp-custom>body{font-family:sans-serif}</style>\n</head>\n<body>\n'
            f'<header><a href="{BASE}/citylens/">City Lens</a></header>\n<article>\n<h1>{_e(p.title)}</h1>\n{body}\n'
            f'<p class="member">{_e(p.outlet.boilerplate[0])}</p>\n</article>\n</body>\n</html>\n')


RENDER = {"northwire": _render_northwire, "meridian": _render_meridian, "kumonews": _render_kumonews,
          "dailyfeedr": _render_dailyfeedr, "harbourpost": _render_harbourpost, "briefly": _render_briefly,
          "matome": _render_matome, "citylens": _render_citylens}

# ---------------------------------------------------------------------------------------------- writing


@dataclass
class _Item:
    """One article as a feed or sitemap lists it."""

    feed_url: str
    map_url: str
    title: str
    dek: str
    published: datetime
    arrived: datetime
    run: int
    lang: str


def site_root(out_dir: Path, run: int) -> Path:
    """The site root of one run's state of the web: sites/, then sites_run2/, sites_run3/, ..."""
    return out_dir / ("sites" if run == 1 else f"sites_run{run}")


class _Site:
    """Writes files into every run's site root as it goes; unchanged files of a run are hard-linked into the
    later runs' roots."""

    def __init__(self, out_dir: Path, runs: int) -> None:
        self.roots = {run: site_root(out_dir, run) for run in range(1, runs + 1)}
        for stale in out_dir.glob("sites_run*"):
            # a stale later state from an earlier web with more runs would contradict this truth
            if stale not in self.roots.values():
                shutil.rmtree(stale)
        for root in self.roots.values():
            if root.exists():
                shutil.rmtree(root)
            root.mkdir(parents=True)
        self._dirs: set[Path] = set()
        self.pages = {run: 0 for run in self.roots}
        self.bytes = 0

    def _mkdir(self, path: Path) -> None:
        if path.parent not in self._dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(path.parent)

    def put(self, rel: str, data: bytes, first_run: int, *, page: bool = True, headers: str | None = None,
            replace: bool = False) -> None:
        """Write rel into the root of first_run and every later run (replace: a new version of a page that
        earlier runs' roots keep as it was)."""
        first: Path | None = None
        for run, root in self.roots.items():
            if run < first_run:
                continue
            path = root / rel
            self._mkdir(path)
            if replace:
                # the earlier version is a hard link shared with the earlier roots: never write through it
                path.unlink(missing_ok=True)
                if page:
                    self.pages[run] -= 1
            if first is None:
                path.write_bytes(data)
                first = path
                if page:
                    self.bytes += len(data)
            else:
                try:
                    os.link(first, path)
                except OSError:
                    shutil.copyfile(first, path)
            if headers is not None:
                path.with_name(path.name + ".headers").write_text(headers, encoding="utf-8")
            if page:
                self.pages[run] += 1

    def put_state(self, run: int, rel: str, text: str) -> None:
        """Write a file that differs between runs (feeds, sitemaps, home pages)."""
        path = self.roots[run] / rel
        self._mkdir(path)
        path.write_text(text, encoding="utf-8")


def _rel(url: str) -> str:
    return url.removeprefix(BASE + "/").split("?", 1)[0]


def _slug(title: str, idx: int) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words)[:70].strip("-") + f"-{idx}"


@dataclass
class _Recent:
    """The last articles an outlet published, for its Most-read box and related links."""

    items: deque[tuple[int, str, str, str, str, int]] = field(default_factory=lambda: deque(maxlen=60))

    def pick(self, rng: random.Random, n: int, exclude: set[int], lang: str, run: int
             ) -> list[tuple[int, str, str, str, str, int]]:
        """Up to n recent items in lang, none from a later run than the page showing them."""
        pool = [it for it in self.items if it[0] not in exclude and it[4] == lang and it[5] <= run]
        return rng.sample(pool, min(n, len(pool)))


@dataclass(frozen=True)
class GroundTruth:
    """What generate_web wrote and measured; load() reads truth.json."""

    out_dir: Path
    sites: Path
    sites_run2: Path | None
    outlets_file: Path
    truth_file: Path
    stories: int
    articles: int
    pages: dict[int, int]
    page_bytes: int
    kinds: dict[str, int]
    seconds: float
    # every run's site root (sites/, sites_run2/, ...)
    roots: dict[int, Path] = field(default_factory=dict)

    def load(self) -> dict[str, dict[str, dict[str, object]]]:
        """The parsed truth.json."""
        return json.loads(self.truth_file.read_text(encoding="utf-8"))


class _Generator:
    """Renders the planned stories into pages, feeds, sitemaps and streamed truth."""

    def __init__(self, out_dir: Path, seed: int, stories: list[_Story], runs: int, page_bytes: int,
                 t1: datetime, t2: datetime) -> None:
        self.out_dir = out_dir
        self.seed = seed
        self.stories = stories
        self.runs = runs
        self.page_bytes = page_bytes
        self.t1, self.t2 = t1, t2
        self.texts = _Texts(seed, stories)
        self.site = _Site(out_dir, runs)
        self.items: dict[str, list[_Item]] = {o.id: [] for o in OUTLETS}
        self.recent: dict[str, _Recent] = {o.id: _Recent() for o in OUTLETS}
        self.kinds: dict[str, int] = dict.fromkeys(KINDS, 0)
        self.original_url: dict[int, str] = {}
        self._truth = (out_dir / "truth.json").open("w", encoding="utf-8")
        self._truth.write('{"articles": {\n')
        self._first = True
        self.articles = 0

    # -- truth

    def _record(self, url: str, entry: dict[str, object]) -> None:
        sep = "" if self._first else ",\n"
        self._first = False
        self._truth.write(f"{sep}{json.dumps(url)}: {json.dumps(entry, ensure_ascii=False)}")
        self.kinds[str(entry["kind"])] += 1
        self.articles += 1

    def close(self, meta: dict[str, object]) -> None:
        """Finish truth.json with the stories table and the generation parameters."""
        self._truth.write('\n},\n"stories": {\n')
        for i, story in enumerate(self.stories):
            entry = {"original": self.original_url[story.idx], "kind": story.kind, "language": story.lang,
                     "related_to": self.stories[story.parent].key if story.parent is not None else None,
                     "title": story.title, "run": story.run, "published_at": _iso(story.t0)}
            self._truth.write(("" if i == 0 else ",\n") + f"{json.dumps(story.key)}: {json.dumps(entry, ensure_ascii=False)}")
        self._truth.write('\n},\n"meta": ' + json.dumps(meta) + "}\n")
        self._truth.close()

    # -- pages

    def _teasers(self, rng: random.Random, outlet: str, story: _Story, run: int
                 ) -> tuple[list[tuple[str, str, str]], list[str]]:
        exclude = {story.idx, *([story.parent] if story.parent is not None else [])}
        picked = self.recent[outlet].pick(rng, 5, exclude, story.lang, run)
        return [(t, d, h) for _, t, d, h, _, _ in picked], [d for _, _, d, _, _, _ in picked]

    def _write_page(self, p: _PageIn, rel: str, run: int, *, encoding: str = "utf-8",
                    headers: str | None = None) -> None:
        text = _finish(RENDER[p.outlet.id](p), p.outlet.id, self.page_bytes)
        self.site.put(rel, text.encode(encoding), run, headers=headers)

    def story(self, story: _Story) -> None:
        """Write the original and every copy of one story."""
        rng = random.Random(f"{self.seed}:pages:{story.idx}")
        paragraphs = self.texts.body(story.idx)
        joiner = " " if story.lang == "en" else ""
        flat = [joiner.join(par) for par in paragraphs]
        sentences = [s for par in paragraphs for s in par]
        quoted: set[str] = set()
        if story.kind == "followup":
            quoted = set(paragraphs[3]) | set(paragraphs[2])
        plain = [s for s in sentences if s not in quoted]
        key_sentence = plain[len(plain) // 2]
        origin = OUTLET[story.outlet]
        url = self._original_url(story)
        self.original_url[story.idx] = url
        teasers, teaser_deks = self._teasers(rng, origin.id, story, story.run)
        modified = story.t0 + timedelta(minutes=rng.choice((0, 0, 0, 17, 45, 130)))
        section = story.slots["DOMAIN"].capitalize()
        page = _PageIn(origin, url, story.lang, story.title, story.dek, flat, story.t0, modified,
                       story.slots["REPORTER"], section, teasers, url)
        self._write_page(page, _rel(url), story.run)
        kind = {"story": "original", "followup": "followup", "twin": "twin"}[story.kind]
        self._record(url, self._entry(story, origin.id, kind, True, story.run, key_sentence,
                                      [*origin.boilerplate, *teaser_deks], story.t0, "none"))
        self._item(origin.id, url, url, story.title, story.dek, story.t0, story.t0, story.run, story.lang)
        self.recent[origin.id].items.append((story.idx, story.title, story.dek, url, story.lang, story.run))
        for copy in story.copies:
            self._copy(story, copy, rng, url, paragraphs, sentences, key_sentence, section)

    def _original_url(self, story: _Story) -> str:
        t = story.t0
        if story.outlet == "northwire":
            return f"{BASE}/northwire/{t:%Y/%m/%d}/{_slug(story.title, story.idx)}.html"
        if story.outlet == "meridian":
            return f"{BASE}/meridian/article/{_slug(story.title, story.idx)}.html"
        return f"{BASE}/kumonews/articles/{t.astimezone(JST):%Y%m%d%H%M}{story.idx:05d}.html"

    def _entry(self, story: _Story, outlet: str, kind: str, original: bool, run: int, key: str,
               must_not: list[str], published: datetime, hint: str, **extra: object) -> dict[str, object]:
        entry: dict[str, object] = {
            "story": story.key, "is_original": original, "outlet": outlet, "kind": kind, "run": run,
            "language": story.lang, "title": extra.pop("title", story.title), "key_sentence": key,
            "must_not_contain": must_not, "related": extra.pop("related", []),
            "published_at": _iso(published), "date_trap": published < story.t0, "hint": hint,
            "encoding": extra.pop("encoding", "utf-8"), "variants": extra.pop("variants", []),
        }
        entry.update(extra)
        return entry

    def _item(self, outlet: str, feed_url: str, map_url: str, title: str, dek: str, published: datetime,
              arrived: datetime, run: int, lang: str) -> None:
        self.items[outlet].append(_Item(feed_url, map_url, title, dek, published, arrived, run, lang))

    def _copy(self, story: _Story, copy: _Copy, rng: random.Random, original_url: str,
              paragraphs: tuple[tuple[str, ...], ...], sentences: list[str], key_sentence: str, section: str) -> None:
        outlet = OUTLET[copy.outlet]
        source = OUTLET[story.outlet]
        joiner = " " if story.lang == "en" else ""
        flat = [joiner.join(par) for par in paragraphs]
        teasers, teaser_deks = self._teasers(rng, outlet.id, story, copy.run)
        title, key, variants = story.title, key_sentence, []
        must_not = [*outlet.boilerplate, *teaser_deks]
        related_sentences: list[str] = []
        encoding, headers = "utf-8", None
        author = f"{source.name} staff" if story.lang == "en" else f"{source.name}"
        page = _PageIn(outlet, "", story.lang, title, story.dek, flat, copy.claimed, copy.claimed, author, section,
                       teasers, "", source=source, source_url=original_url)
        if copy.outlet == "dailyfeedr":
            url = f"{BASE}/dailyfeedr/news/{_short_hash(self.seed, story.idx, 'df')}.html"
            exclude = {story.idx, *([story.parent] if story.parent is not None else [])}
            for idx, rel_title, _, _, _, _ in self.recent[outlet.id].pick(rng, 2, exclude, story.lang, copy.run):
                body = [s for par in self.texts.body(idx) for s in par]
                text = joiner.join(body)
                page.related.append((rel_title, OUTLET[self.stories[idx].outlet].name, f"{rng.randint(1, 6)} days ago", text))
                own = set(sentences)
                related_sentences += [s for s in (body[len(body) // 2], body[-1]) if s not in own]
            must_not += related_sentences
        elif copy.outlet == "harbourpost":
            title = _capital(_fill(EN_PATTERNS[story.pattern][1], story.slots, rng))
            url = f"{BASE}/harbourpost/" + f"{section}/{copy.arrived:%Y/%b/%d}/{_slug(title, story.idx)}.html".lower()
            edited, untouched = _edit(sentences, rng)
            page.paragraphs = _regroup(edited, rng)
            page.title = title
            page.author = f"{story.slots['REPORTER']} and Harbour Post staff"
            kept = [s for s in edited[1:] if s in untouched] or edited
            key = kept[len(kept) // 2]
            if copy.hint == "isBasedOn":
                page.based_on = original_url
        elif copy.outlet == "briefly":
            url = f"{BASE}/briefly/b/{_slug(story.title, story.idx)}.html"
            keep = 2 if len(paragraphs) < 8 else 3
            page.paragraphs = flat[:keep]
            cut = [s for par in paragraphs[:keep] for s in par]
            key = cut[min(1, len(cut) - 1)]
            must_not.append(f"Continue reading at {source.name}")
            if copy.hint == "canonical":
                page.canonical = original_url
        elif copy.outlet == "matome":
            url = f"{BASE}/matome/archives/{story.idx * 7 + 1000}.html"
            encoding = "cp932"
            page.half_width = copy.variant % 2 == 1
            page.old_meta = copy.variant % 3 == 0
            if copy.variant in (0, 1, 2):
                # a server that says the charset too, as some do
                headers = "Content-Type: text/html; charset=Shift_JIS\n"
            if page.half_width:
                key = key.translate(HALF_WIDTH)
                must_not = [m.translate(HALF_WIDTH) for m in must_not]
        else:  # citylens
            slug = _slug(story.title, story.idx)
            url = f"{BASE}/citylens/news/{slug}.html"
            amp = (f"{BASE}/citylens/amp/news/{slug}.html", f"{BASE}/citylens/news/{slug}.amp.html",
                   f"{BASE}/citylens/m/news/{slug}.html")[copy.variant % 3]
            feed_url = f"{url}?utm_source=rss&utm_medium=feed&utm_campaign={section.lower()}"
            variants = [feed_url, amp]
            page.amp_url = amp
        page.url = url
        if not page.canonical:
            page.canonical = url
        self._write_page(page, _rel(url), copy.run, encoding=encoding, headers=headers)
        if copy.outlet == "citylens":
            amp_page = _PageIn(outlet, variants[1], story.lang, title, story.dek, flat, copy.claimed, copy.claimed,
                               author, section, [], url)
            self.site.put(_rel(variants[1]), _render_amp(amp_page).encode(), copy.run)
            self._item(outlet.id, variants[0], variants[1], title, story.dek, copy.claimed, copy.arrived, copy.run, story.lang)
        else:
            self._item(outlet.id, url, url, title, story.dek, copy.claimed, copy.arrived, copy.run, story.lang)
        self.recent[outlet.id].items.append((story.idx, title, story.dek, url, story.lang, copy.run))
        self._record(url, self._entry(story, outlet.id, copy.kind, False, copy.run, key, must_not, copy.claimed,
                                      copy.hint, title=title, related=related_sentences, encoding=encoding,
                                      variants=variants))

    # -- feeds and sitemaps

    def discovery(self) -> None:
        """Write feeds, sitemaps and home pages for every run's state."""
        for run, snapshot in ((1, self.t1), (2, self.t2)):
            if run not in self.site.roots:
                continue
            for outlet in OUTLETS:
                items = sorted((it for it in self.items[outlet.id] if it.run <= run),
                               key=lambda it: it.arrived, reverse=True)
                _write_discovery(self.site, run, outlet, items, snapshot)


def _short_hash(seed: int, idx: int, salt: str) -> str:
    return f"{random.Random(f'{seed}:{salt}:{idx}').getrandbits(40):010x}"


def _rfc822(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _write_discovery(site: _Site, run: int, outlet: OutletSpec, items: list[_Item], snapshot: datetime) -> None:
    oid = outlet.id
    home = f"{BASE}/{oid}/"
    name = xml_escape(outlet.name)
    x = xml_escape
    built = _rfc822(snapshot)
    recent = items[:FEED_RECENT] if outlet.role == "origin" else items
    if oid in ("northwire", "dailyfeedr", "briefly", "matome", "citylens"):
        limit = 60 if oid == "dailyfeedr" else len(recent)
        entries = "".join(
            f"<item><title>{x(it.title)}</title><link>{x(it.feed_url)}</link>"
            f'<guid isPermaLink="true">{x(it.feed_url)}</guid><pubDate>{_rfc822(it.published)}</pubDate>'
            f"<description>{x(it.dek)}</description></item>\n" for it in recent[:limit])
        feed = (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">'
                f"<channel>\n<title>{name}</title><link>{home}</link><description>Latest from {name}</description>"
                f"<language>{outlet.language}</language><lastBuildDate>{built}</lastBuildDate>\n{entries}</channel></rss>\n")
        site.put_state(run, f"{oid}/{outlet.feeds[0]}", feed)
    elif oid in ("meridian", "harbourpost"):
        entries = "".join(
            f'<entry><title>{x(it.title)}</title><link rel="alternate" href={quoteattr(it.feed_url)}/>'
            f"<id>{x(it.feed_url)}</id><published>{_iso(it.published)}</published><updated>{_iso(it.published)}</updated>"
            f"<summary>{x(it.dek)}</summary></entry>\n" for it in recent)
        feed = (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
                f'<title>{name}</title><id>{home}</id><updated>{_iso(snapshot)}</updated>'
                f'<link rel="self" href="{BASE}/{oid}/{outlet.feeds[0]}"/><link rel="alternate" href="{home}"/>\n{entries}</feed>\n')
        site.put_state(run, f"{oid}/{outlet.feeds[0]}", feed)
    else:  # kumonews: RSS 1.0 / RDF
        seq = "".join(f'<rdf:li rdf:resource={quoteattr(it.feed_url)}/>' for it in recent)
        entries = "".join(
            f"<item rdf:about={quoteattr(it.feed_url)}><title>{x(it.title)}</title><link>{x(it.feed_url)}</link>"
            f"<description>{x(it.dek)}</description><dc:date>{_iso(it.published, JST)}</dc:date></item>\n" for it in recent)
        feed = ('<?xml version="1.0" encoding="UTF-8"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
                f'<channel rdf:about="{home}"><title>{name}</title><link>{home}</link><description>{name}</description>'
                f"<items><rdf:Seq>{seq}</rdf:Seq></items></channel>\n{entries}</rdf:RDF>\n")
        site.put_state(run, f"{oid}/{outlet.feeds[0]}", feed)
    urlset = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    if oid == "northwire":
        by_day: dict[str, list[_Item]] = {}
        for it in items:
            by_day.setdefault(f"{it.arrived:%Y-%m-%d}", []).append(it)
        children = []
        for day, day_items in sorted(by_day.items()):
            rows = "".join(f"<url><loc>{x(it.map_url)}</loc><lastmod>{_iso(it.published)}</lastmod></url>\n" for it in day_items)
            site.put_state(run, f"{oid}/sitemaps/sitemap-{day}.xml", urlset + rows + "</urlset>\n")
            last = max(it.arrived for it in day_items)
            children.append(f"<sitemap><loc>{BASE}/{oid}/sitemaps/sitemap-{day}.xml</loc><lastmod>{_iso(last)}</lastmod></sitemap>\n")
        index = ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                 + "".join(children) + "</sitemapindex>\n")
        site.put_state(run, f"{oid}/sitemap_index.xml", index)
    elif oid == "meridian":
        fresh = [it for it in items if it.arrived >= snapshot - timedelta(hours=48)]
        old = [it for it in items if it.arrived < snapshot - timedelta(hours=48)]
        news = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
                + "".join(f"<url><loc>{x(it.map_url)}</loc><news:news><news:publication><news:name>{name}</news:name>"
                          f"<news:language>en</news:language></news:publication><news:publication_date>{_iso(it.published)}"
                          f"</news:publication_date><news:title>{x(it.title)}</news:title></news:news></url>\n" for it in fresh)
                + "</urlset>\n")
        site.put_state(run, f"{oid}/news-sitemap.xml", news)
        rows = "".join(f"<url><loc>{x(it.map_url)}</loc><lastmod>{_iso(it.published)}</lastmod></url>\n" for it in old)
        site.put_state(run, f"{oid}/sitemap-archive.xml", urlset + rows + "</urlset>\n")
    elif outlet.sitemaps:
        rows = "".join(f"<url><loc>{x(it.map_url)}</loc><lastmod>{_iso(it.arrived)}</lastmod></url>\n" for it in items)
        site.put_state(run, f"{oid}/{outlet.sitemaps[0]}", urlset + rows + "</urlset>\n")
    links = "".join(f'<li><a href="{html.escape(it.feed_url)}">{html.escape(it.title)}</a></li>' for it in items[:30])
    site.put_state(run, f"{oid}/index.html",
                   f'<!DOCTYPE html>\n<html lang="{outlet.language}"><head><meta charset="utf-8"><title>{html.escape(outlet.name)}</title></head>'
                   f"<body><h1>{html.escape(outlet.name)}</h1><ul>{links}</ul></body></html>\n")


def _outlets_yaml() -> str:
    lines = ["# synthetic outlets generated by bench/synweb.py; {{BASE}} is the loopback site server's base URL",
             "allow_private_addresses: true", "outlets:"]
    for o in OUTLETS:
        lines += [f"  - id: {o.id}", f"    name: {json.dumps(o.name, ensure_ascii=False)}",
                  f'    homepage: "{BASE}/{o.id}/"', f'    site_prefix: "{BASE}/{o.id}/"',
                  f"    language: {o.language}"]
        if o.feeds:
            lines += ["    feeds:", *[f'      - "{BASE}/{o.id}/{f}"' for f in o.feeds]]
        if o.sitemaps:
            lines += ["    sitemaps:", *[f'      - "{BASE}/{o.id}/{s}"' for s in o.sitemaps]]
    return "\n".join(lines) + "\n"


def generate_web(out_dir: Path, *, n_stories: int = 300, seed: int = 7, languages: Iterable[str] = ("en", "ja"),
                 days: int = 4, copies: bool = True, runs: int = 2, page_bytes: int = 8000,
                 texts: "Sequence[SourceText] | None" = None, arrival_seed: int = 1) -> GroundTruth:
    """Write a deterministic synthetic syndicated web (sites/, sites_run2/, outlets.yaml, truth.json).

    With `texts` (bench.synweb_texts.SourceText: real article texts), the web is built around those texts
    instead of generated prose, arriving over `runs` runs in an order drawn from `arrival_seed`; n_stories,
    languages, days and copies do not apply (see bench/synweb_texts.py).
    """
    if texts is not None:
        from bench.synweb_texts import generate_text_web

        return generate_text_web(out_dir, texts, seed=seed, arrival_seed=arrival_seed, runs=runs,
                                 page_bytes=page_bytes)
    if runs not in (1, 2):
        raise ValueError("runs must be 1 or 2")
    if n_stories < 1 or days < 1:
        raise ValueError("n_stories and days must be positive")
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    langs = tuple(languages)
    stories, t1, t2 = _plan(seed, n_stories, langs, days, copies, runs)
    gen = _Generator(out_dir, seed, stories, runs, page_bytes, t1, t2)
    for story in stories:
        gen.story(story)
    gen.discovery()
    outlets_file = out_dir / "outlets.yaml"
    outlets_file.write_text(_outlets_yaml(), encoding="utf-8")
    meta = {"seed": seed, "n_stories": n_stories, "languages": list(langs), "days": days, "copies": copies,
            "runs": runs, "page_bytes": page_bytes, "articles": gen.articles, "pages": gen.site.pages,
            "bytes": gen.site.bytes, "kinds": gen.kinds, "run1_snapshot": _iso(t1), "run2_snapshot": _iso(t2)}
    gen.close(meta)
    return GroundTruth(out_dir, gen.site.roots[1], gen.site.roots.get(2), outlets_file, out_dir / "truth.json",
                       len(stories), gen.articles, dict(gen.site.pages), gen.site.bytes, dict(gen.kinds),
                       time.perf_counter() - started, dict(gen.site.roots))


def render_outlets(out_dir: Path, base_url: str) -> Path:
    """Write out_dir/outlets.rendered.yaml: the outlets file with {{BASE}} replaced by base_url."""
    out_dir = Path(out_dir)
    target = out_dir / "outlets.rendered.yaml"
    text = (out_dir / "outlets.yaml").read_text(encoding="utf-8").replace(BASE, base_url.rstrip("/"))
    target.write_text(text, encoding="utf-8")
    return target
