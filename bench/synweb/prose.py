"""The prose of the generated webs: per language, the vocabulary stories draw their names from and the
sentence templates their headlines, teasers and bodies are filled from. All of it is our own wording.

A template is a string with {SLOT} names (a story's places, people, organisations, nouns; per-sentence
numbers) and [a|b] choice groups; `fill` resolves both with a seeded random generator, so a story's text is
a function of (seed, story).
"""

# the vocabulary and templates are long tuples of strings; wrapping them to 110 columns hides nothing
# ruff: noqa: E501

import random
import re
from dataclasses import dataclass
from datetime import UTC, timedelta, timezone
from functools import lru_cache

EN_FIRST = (
    "Anna",
    "Marcus",
    "Leila",
    "Tomas",
    "Priya",
    "Daniel",
    "Ines",
    "Kofi",
    "Maria",
    "Oliver",
    "Sofia",
    "Yusuf",
    "Elena",
    "Jonas",
    "Amara",
    "Victor",
    "Hana",
    "Rafael",
    "Nadia",
    "Samuel",
    "Clara",
    "Ibrahim",
    "Mei",
    "Lukas",
    "Zainab",
    "Peter",
    "Rosa",
    "Arjun",
    "Greta",
    "Felix",
    "Lina",
    "Omar",
    "Irene",
    "Matteo",
    "Aisha",
    "Henrik",
    "Julia",
    "Kwame",
    "Teresa",
    "Noah",
)
EN_ONSETS = (
    "b",
    "br",
    "c",
    "d",
    "dr",
    "f",
    "g",
    "gr",
    "h",
    "k",
    "kr",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "st",
    "t",
    "tr",
    "v",
    "w",
    "z",
    "th",
    "sh",
    "",
)
EN_VOWELS = ("a", "e", "i", "o", "u", "a", "e", "o", "ai", "ea")
EN_CODAS = ("", "n", "r", "l", "s", "th", "nd", "rk", "m", "x", "v", "ck")
EN_CV = tuple(o + v for o in EN_ONSETS for v in EN_VOWELS)
EN_PLACE_SUFFIX = (
    "",
    "ford",
    "ton",
    "mouth",
    "vale",
    "bury",
    "wick",
    " Falls",
    " Bay",
    "port",
    " Heights",
    "field",
)
EN_ROLE1 = ("chief executive", "mayor", "director general", "chair", "managing director")
EN_ROLE2 = ("deputy minister", "head of planning", "chief inspector", "spokesperson", "budget director")
EN_ROLE3 = ("councillor", "senior engineer", "regional planner", "junior minister")
EN_DOMAINS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "energy": (
        (
            "power plant",
            "grid upgrade",
            "wind farm",
            "fuel subsidy",
            "battery storage site",
            "transmission line",
            "solar park",
        ),
        "electricity tariffs",
        "Energy",
    ),
    "transport": (
        (
            "rail link",
            "bus network",
            "ring road",
            "ferry service",
            "airport expansion",
            "tram line",
            "freight terminal",
        ),
        "fares",
        "Transport",
    ),
    "health": (
        (
            "hospital wing",
            "vaccination drive",
            "clinic network",
            "nursing college",
            "ambulance service",
            "drug trial",
            "maternity unit",
        ),
        "prescription charges",
        "Health",
    ),
    "housing": (
        (
            "housing scheme",
            "tower project",
            "social housing plan",
            "land register",
            "estate renewal",
            "student housing block",
            "building code",
        ),
        "rents",
        "Housing",
    ),
    "water": (
        (
            "reservoir",
            "sewage works",
            "flood barrier",
            "pipeline",
            "desalination plant",
            "irrigation canal",
            "drought plan",
        ),
        "water charges",
        "Water Resources",
    ),
    "farming": (
        (
            "grain harvest",
            "fertiliser depot",
            "cattle market",
            "orchard subsidy",
            "crop insurance scheme",
            "seed bank",
            "dairy cooperative",
        ),
        "milk prices",
        "Agriculture",
    ),
    "finance": (
        (
            "bond issue",
            "bank levy",
            "pension fund",
            "budget plan",
            "credit line",
            "development bank",
            "savings scheme",
        ),
        "interest rates",
        "Finance",
    ),
    "education": (
        (
            "university budget",
            "exam reform",
            "literacy programme",
            "campus expansion",
            "school building plan",
            "teacher training college",
            "student loan scheme",
        ),
        "school fees",
        "Education",
    ),
    "tech": (
        (
            "data centre",
            "broadband rollout",
            "chip plant",
            "cyber security unit",
            "satellite launch",
            "software contract",
            "digital ID scheme",
        ),
        "mobile tariffs",
        "Digital Affairs",
    ),
    "mining": (
        (
            "copper mine",
            "lithium project",
            "quarry",
            "smelter",
            "nickel refinery",
            "gold mine",
            "tailings dam",
        ),
        "mining royalties",
        "Mines",
    ),
    "culture": (
        (
            "museum",
            "film festival",
            "concert hall",
            "heritage site",
            "library network",
            "opera house",
            "stadium",
        ),
        "ticket prices",
        "Culture",
    ),
    "environment": (
        (
            "forest reserve",
            "recycling scheme",
            "air quality plan",
            "coastal defence",
            "wildlife corridor",
            "wetland project",
            "tree planting drive",
        ),
        "carbon levy",
        "Environment",
    ),
}
EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

JA_SURNAMES = (
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "渡辺",
    "伊藤",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "斎藤",
    "清水",
    "山崎",
    "森",
    "池田",
    "橋本",
    "阿部",
    "石川",
    "前田",
    "藤田",
    "小川",
    "岡田",
    "後藤",
    "長谷川",
    "村上",
    "近藤",
    "石井",
    "坂本",
    "遠藤",
    "青木",
    "藤井",
    "西村",
)
JA_GIVEN = (
    "健太",
    "美咲",
    "翔太",
    "陽子",
    "大輔",
    "由美",
    "直樹",
    "彩",
    "誠",
    "恵",
    "拓也",
    "裕子",
    "和也",
    "真理",
    "浩二",
    "奈々",
    "隆",
    "千尋",
    "亮",
    "沙織",
    "剛",
    "明美",
    "修",
    "香織",
    "学",
    "舞",
)
JA_KANA = tuple("カキクケコサシスセソタチテトナニネノハヒフホマミムメモヤユヨラリルレロワ")
JA_ROLE1 = ("社長", "市長", "理事長", "会長", "知事")
JA_ROLE2 = ("部長", "局長", "委員長", "課長", "室長")
JA_ROLE3 = ("議員", "技師", "研究員", "職員")
JA_DOMAINS: dict[str, tuple[tuple[str, ...], str]] = {
    "energy": (
        ("発電所", "送電網", "風力発電所", "燃料補助", "蓄電施設", "太陽光発電所", "変電所"),
        "電気料金",
    ),
    "transport": (
        ("鉄道新線", "バス路線", "環状道路", "フェリー航路", "空港拡張", "路面電車", "物流拠点"),
        "運賃",
    ),
    "health": (
        ("病院の新棟", "予防接種", "診療所網", "看護学校", "救急体制", "新薬の治験", "産科病棟"),
        "保険料",
    ),
    "housing": (
        ("住宅計画", "高層住宅", "公営住宅", "団地の建て替え", "学生寮", "空き家対策", "耐震改修"),
        "家賃",
    ),
    "water": (("貯水池", "下水処理場", "防潮堤", "導水管", "浄水場", "農業用水路", "渇水対策"), "水道料金"),
    "farming": (
        ("コメの収穫", "肥料倉庫", "家畜市場", "果樹園の補助", "種子の保存", "酪農組合", "漁港"),
        "乳価",
    ),
    "finance": (("債券発行", "年金基金", "予算案", "融資枠", "地方銀行", "貯蓄制度", "基金"), "金利"),
    "education": (
        ("大学予算", "入試改革", "読み書き支援", "校舎の増築", "教員養成", "奨学金制度", "学校統合"),
        "授業料",
    ),
    "tech": (
        ("データセンター", "光回線", "半導体工場", "人工衛星", "電子行政", "ソフトウェア契約", "通信網"),
        "通信料金",
    ),
    "culture": (("美術館", "映画祭", "音楽ホール", "史跡", "図書館網", "劇場", "競技場"), "入場料"),
}
JA_DAYS = ("月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日", "日曜日")

# ---------------------------------------------------------------------------------------------- templates

# headline pattern -> (headline, partner rewrite, lead sentence); "raise" is the shared-pattern trap
EN_PATTERNS: dict[str, tuple[str, str, str]] = {
    "raise": (
        "{O1} to raise {RATE} by {HPCT}%",
        "{RATE_CAP} set to rise {HPCT}% at {O1}",
        "{O1} said on {DAY} it would raise {RATE} by {HPCT} percent from {MONTH}, [citing higher costs in {PL1}|blaming rising costs across {PL1}|pointing to a shortfall in its {PL1} accounts].",
    ),
    "delay": (
        "{PR} delayed until {HMONTH}",
        "{PL1} waits longer as {PR} slips to {HMONTH}",
        "The {PR} in {PL1} will not be completed before {HMONTH}, {O1} [said on {DAY}|confirmed on {DAY}|told suppliers this week].",
    ),
    "pushback": (
        "{PL1} residents push back against {N1} plan",
        "Anger in {PL1} over proposed {N1}",
        "Residents of {PL1} [gathered outside|marched to|protested at] the offices of {O1} on {DAY} to oppose plans for a new {N1}.",
    ),
    "names": (
        "{O1} names {P1} to lead {N1} review",
        "{P1} to head {O1} review of {N1}",
        "{O1} has appointed {P1} to lead a review of its {N1} operations, [it said on {DAY}|according to a notice published on {DAY}].",
    ),
    "jobs": (
        "{HBIG} jobs at stake as {O1} reviews {N1} sites",
        "{O1} review puts {HBIG} jobs in doubt",
        "As many as {HBIG} jobs could be lost as {O1} reviews its {N1} sites in {PL1} and {PL2}, [people familiar with the plans said|according to internal documents|union officials warned on {DAY}].",
    ),
    "approve": (
        "{PL1} approves {HMONEY} {N1} upgrade",
        "{HMONEY} for {N1} wins approval in {PL1}",
        "Lawmakers in {PL1} approved {HMONEY} on {DAY} for an upgrade of the {N1}, [ending months of debate|after a late-night session|despite objections from {O3}].",
    ),
    "warns": (
        "{S1} warns {N1} costs could climb",
        "{N1} bill may rise, {O1} chief says",
        "{P1}, {R1} of {O1}, warned on {DAY} that costs for the {N1} could climb [well beyond|far above|sharply past] earlier estimates.",
    ),
    "cuts": (
        "{O1} cuts {N1} forecast",
        "Weaker {N1} outlook at {O1}",
        "{O1} cut its forecast for the {N1} on {DAY}, [saying demand in {PL1} had weakened|citing slower growth in {PL1}|as orders from {PL2} dried up].",
    ),
    "inside": (
        "Inside {PL1}'s {HMONEY} bet on a new {N1}",
        "{PL1} stakes {HMONEY} on {N1}",
        "{PL1} is betting {HMONEY} that a new {N1} will [revive its economy|bring back young families|turn its fortunes around], and officials at {O1} say results will show by {YEAR}.",
    ),
    "means": (
        "What the {N1} deal means for {PL1}",
        "{PL1} and the {N1} deal: what changes",
        "A deal between {O1} and {O2} over the {N1} was [signed|finalised|agreed] on {DAY}, and it will change how {PL1} [pays for|runs|plans] the project.",
    ),
    "review": (
        "{PL1} {N1} plan faces {HNUM}-month review",
        "Fresh {HNUM}-month review for {PL1} {N1} plan",
        "The {N1} plan for {PL1} faces a {HNUM}-month review after {O2} [raised concerns|asked for more detail|questioned the costs] on {DAY}.",
    ),
    "vote": (
        "{PL1} council to vote on {PR}",
        "Vote looms on {PR} in {PL1}",
        "Councillors in {PL1} will vote on the {PR} next {DAY}, [a decision that could reshape|in a ballot expected to decide the future of] the {N1}.",
    ),
}
JA_PATTERNS: dict[str, tuple[str, str, str]] = {
    "raise": (
        "{O1}、{RATE}を{HPCT}％引き上げへ",
        "",
        "{O1}は{DAY}、{PL1}での[費用の増加|設備の老朽化|燃料価格の上昇]を理由に、{MONTH}から{RATE}を{HPCT}％引き上げると発表した。",
    ),
    "delay": (
        "{PR}、{HMONTH}まで完成延期",
        "",
        "{O1}は{DAY}、{PL1}で進めている{PR}の完成が{HMONTH}までずれ込む見通しだと[明らかにした|発表した]。",
    ),
    "pushback": (
        "{PL1}の{N1}計画に住民反発",
        "",
        "{PL1}で計画されている新たな{N1}をめぐり、住民らが{DAY}、{O1}の事務所前に集まり[反対の声を上げた|計画の撤回を求めた]。",
    ),
    "names": (
        "{O1}、{N1}見直しの責任者に{P1}氏",
        "",
        "{O1}は{DAY}、{N1}事業の見直しを担う責任者に{P1}氏を起用すると[発表した|明らかにした]。",
    ),
    "jobs": (
        "{O1}が{N1}拠点を再編　{HBIG}人の雇用に影響も",
        "",
        "{O1}が{PL1}と{PL2}にある{N1}の拠点を再編する方針で、最大{HBIG}人の雇用に影響が出る[可能性がある|恐れがある]ことが分かった。",
    ),
    "approve": (
        "{PL1}、{N1}改修に{HMONEY}を承認",
        "",
        "{PL1}の議会は{DAY}、{N1}の改修費用として{HMONEY}を[承認した|可決した]。",
    ),
    "warns": (
        "{N1}の費用膨らむ恐れ　{S1}{R1}が警告",
        "",
        "{O1}の{S1}{R1}は{DAY}、{N1}の費用が当初の見積もりを大きく上回る恐れがあると[警告した|述べた]。",
    ),
    "cuts": (
        "{O1}、{N1}の見通しを下方修正",
        "",
        "{O1}は{DAY}、{PL1}での需要の落ち込みを受けて、{N1}の見通しを[引き下げた|下方修正した]。",
    ),
    "review": (
        "{PL1}の{N1}計画、{HNUM}か月の再審査へ",
        "",
        "{PL1}の{N1}計画について、{O2}が{DAY}に[懸念を示した|追加の説明を求めた]ことから、{HNUM}か月の再審査が行われることになった。",
    ),
    "vote": (
        "{PR}、{PL1}の議会が採決へ",
        "",
        "{PL1}の議会は次の{DAY}、{PR}について採決する予定で、{N1}の将来が[左右される|決まる]見通しだ。",
    ),
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
    '"{Q}," {S1} [told reporters|said at a news conference|said in a radio interview] in {PL1}.',
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
    '"{Q}," said {P3}, [who has studied|who has followed|who wrote a report on] the {N1} for {O3}.',
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
    '"{Q}," {S4} said outside the [town hall|market|railway station] in {PL2}.',
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
    "ko": "{SRC}는 이번 주 이 계획에 대해 다음과 같이 보도했다.",
    "zh": "{SRC}本周早些时候曾对这一计划作出如下报道。",
}
CHOICE_RE = re.compile(r"\[([^\[\]]+)\]")


def fill(template: str, values: dict[str, str], rng: random.Random) -> str:
    """Resolve [a|b] choice groups, then the {SLOT} names."""
    return CHOICE_RE.sub(lambda m: rng.choice(m.group(1).split("|")), template).format_map(values)


def capital(text: str) -> str:
    """The text with its first letter upper-cased."""
    return text[:1].upper() + text[1:]


def _en_word(rng: random.Random, parts: int | None = None) -> str:
    n = parts or rng.choice((2, 2, 2, 3))
    return ("".join(rng.choice(EN_CV) for _ in range(n)) + rng.choice(EN_CODAS)).capitalize()


@dataclass(frozen=True)
class CjkNames:
    """How a CJK language coins places, people and organisations, and spells money and dates."""

    syllables: tuple[str, ...]
    word_length: tuple[int, int]
    long_mark: bool  # Japanese katakana names: a long vowel mark after the first kana, sometimes
    place_suffixes: tuple[str, ...]
    surnames: tuple[str, ...]
    given: tuple[str, ...]
    short_name_is_surname: bool  # "佐藤社長" / "김 사장" vs Chinese full names
    roles: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
    company_suffixes: tuple[str, ...]
    authority_suffixes: tuple[str, ...]
    group_suffixes: tuple[str, ...]
    project_suffixes: tuple[str, ...]
    domains: dict[str, tuple[tuple[str, ...], str]]

    def word(self, rng: random.Random) -> str:
        """A coined name."""
        word = "".join(rng.choice(self.syllables) for _ in range(rng.randint(*self.word_length)))
        # a long vowel mark reads naturally after the first kana of a coined name
        if self.long_mark and rng.random() < 0.25:
            return word[0] + "ー" + word[1:]
        return word


JA_NAMES = CjkNames(
    JA_KANA,
    (2, 4),
    True,
    ("市", "町", "村"),
    JA_SURNAMES,
    JA_GIVEN,
    True,
    (JA_ROLE1, JA_ROLE2, JA_ROLE3),
    ("電力", "ホールディングス", "交通", "建設", "銀行", "製作所", "通信", "開発"),
    ("県", "委員会", "公社"),
    ("住民の会", "労働組合", "研究所", "商工会"),
    ("計画", "プロジェクト", "再開発事業", "整備事業"),
    JA_DOMAINS,
)

# Korean: particles attach to fixed words (측은, 사업이, 지역의) so that a slot of any ending reads right
KO_NAMES = CjkNames(
    ("가", "나", "다", "마", "바", "사", "아", "자", "하", "강", "남", "동", "서", "산", "천", "원", "성", "주", "영",
     "진", "해", "양", "안", "평", "화", "청", "송", "용", "대", "금"),
    (2, 2), False, ("시", "구"),
    ("김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황", "안", "송", "류",
     "홍", "전", "고", "문", "양", "손"),
    ("민준", "서연", "도윤", "지우", "하준", "서윤", "지호", "수아", "현우", "지민", "준서", "예은", "성민", "은지",
     "영호", "미경", "동현", "수진", "재원", "혜원", "상훈", "유진"),
    True,
    (("사장", "시장", "이사장", "회장", "구청장"), ("본부장", "국장", "위원장", "과장", "실장"),
     ("의원", "연구원", "공무원", "주무관")),
    ("전력", "홀딩스", "교통", "건설", "은행", "중공업", "통신", "개발"), ("도청", "위원회", "공사"),
    (" 주민협의회", " 노동조합", " 연구소", " 상공회의소"), (" 개발사업", " 프로젝트", " 재개발사업", " 정비사업"),
    {
        "energy": (("발전소", "송전망", "풍력발전단지", "연료 보조금", "에너지저장장치", "태양광발전소", "변전소"), "전기요금"),
        "transport": (("철도 신선", "버스 노선", "순환도로", "여객선 항로", "공항 확장", "노면전차", "물류단지"), "요금"),
        "health": (("병원 신관", "예방접종", "보건소망", "간호대학", "응급의료체계", "신약 임상시험", "분만실"), "건강보험료"),
        "housing": (("주택 공급 계획", "고층 아파트", "공공임대주택", "노후 단지 재건축", "기숙사", "빈집 정비", "내진 보강"), "임대료"),
        "water": (("저수지", "하수처리장", "방조제", "도수관", "정수장", "농업용수로", "가뭄 대책"), "수도요금"),
        "finance": (("채권 발행", "연기금", "예산안", "대출 한도", "지방은행", "적금 상품", "기금"), "금리"),
        "education": (("대학 예산", "입시 개편", "문해력 지원", "학교 증축", "교원 양성", "장학금 제도", "학교 통폐합"), "등록금"),
        "tech": (("데이터센터", "광통신망", "반도체 공장", "인공위성", "전자정부", "소프트웨어 계약", "통신망"), "통신요금"),
        "culture": (("미술관", "영화제", "공연장", "사적지", "도서관망", "극장", "경기장"), "입장료"),
    },
)  # fmt: skip
ZH_NAMES = CjkNames(
    ("安", "宁", "平", "兴", "东", "西", "南", "北", "江", "河", "山", "湖", "桥", "川", "阳", "德", "华", "林", "泉",
     "清", "丰", "福", "新", "长", "云", "青", "海", "石", "昌", "明"),
    (2, 2), False, ("市", "县", "镇"),
    ("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
     "罗"),
    ("伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "涛", "明", "超", "秀英", "建华", "志强",
     "丽娟", "海燕", "晓东", "文博"),
    False,
    (("总经理", "市长", "理事长", "董事长", "省长"), ("部长", "局长", "主任", "处长", "秘书长"),
     ("代表", "工程师", "研究员", "干部")),
    ("电力", "控股", "交通", "建设", "银行", "制造", "通信", "开发"), ("省", "委员会", "公司"),
    ("居民委员会", "工会", "研究所", "商会"), ("计划", "项目", "改造工程", "建设工程"),
    {
        "energy": (("发电厂", "输电网", "风电场", "燃料补贴", "储能电站", "光伏电站", "变电站"), "电价"),
        "transport": (("铁路新线", "公交线路", "环城公路", "客运航线", "机场扩建", "有轨电车", "物流园区"), "票价"),
        "health": (("医院新楼", "疫苗接种", "社区诊所网", "护理学院", "急救体系", "新药临床试验", "产科病房"), "医保缴费"),
        "housing": (("住房计划", "高层住宅", "保障性住房", "老旧小区改造", "学生公寓", "空置房治理", "抗震加固"), "房租"),
        "water": (("水库", "污水处理厂", "防潮堤", "输水管道", "净水厂", "灌溉渠", "抗旱方案"), "水费"),
        "finance": (("债券发行", "养老基金", "预算草案", "授信额度", "地方银行", "储蓄计划", "专项基金"), "利率"),
        "education": (("高校预算", "高考改革", "扫盲项目", "校舍扩建", "师范培训", "助学金制度", "学校合并"), "学费"),
        "tech": (("数据中心", "光纤网络", "芯片工厂", "人造卫星", "电子政务", "软件合同", "通信网络"), "通信资费"),
        "culture": (("美术馆", "电影节", "音乐厅", "历史遗址", "图书馆网络", "剧院", "体育场"), "门票价格"),
    },
)  # fmt: skip
KO_PATTERNS: dict[str, tuple[str, str, str]] = {
    "raise": (
        "{O1}, {RATE} {HPCT}% 인상",
        "",
        "{O1} 측은 {DAY} {PL1} 지역의 [비용이 늘어난 점|설비가 낡은 점|연료 가격이 오른 점]을 이유로 {MONTH}부터 {RATE} 인상 폭을 {HPCT}%로 정했다고 발표했다.",
    ),
    "delay": (
        "{PR} 완공, {HMONTH}로 연기",
        "",
        "{PL1}에서 추진 중인 {PR}의 완공 시점이 {HMONTH}로 늦춰질 전망이라고 {O1} 측이 {DAY} [밝혔다|발표했다].",
    ),
    "pushback": (
        "{PL1} 주민들, {N1} 계획에 반발",
        "",
        "{PL1} 주민들이 {DAY} {O1} 사무실 앞에 모여 새 {N1} 건설 계획에 [반대 목소리를 냈다|계획 철회를 요구했다].",
    ),
    "names": (
        "{O1}, {N1} 재검토 책임자에 {P1} 씨 선임",
        "",
        "{O1} 측은 {DAY} {N1} 사업 재검토를 이끌 책임자로 {P1} 씨를 선임했다고 [발표했다|밝혔다].",
    ),
    "jobs": (
        "{O1} {N1} 거점 재편… 일자리 {HBIG}개 영향",
        "",
        "{O1} 측이 {PL1}·{PL2} 지역에 있는 {N1} 거점을 재편하기로 하면서 최대 {HBIG}개의 일자리가 [영향을 받을 수 있는|사라질 수 있는] 것으로 알려졌다.",
    ),
    "approve": (
        "{PL1} 의회, {N1} 개보수에 {HMONEY} 승인",
        "",
        "{PL1} 의회는 {DAY} {N1} 개보수 비용으로 {HMONEY}을 [승인했다|의결했다].",
    ),
    "warns": (
        '{S1} {R1} "{N1} 비용 불어날 수도"',
        "",
        "{O1}의 {S1} {R1}은 {DAY} {N1} 사업 비용이 당초 예상을 크게 웃돌 수 있다고 [경고했다|말했다].",
    ),
    "cuts": (
        "{O1}, {N1} 전망 하향 조정",
        "",
        "{O1} 측은 {DAY} {PL1} 지역의 수요 감소를 이유로 {N1} 전망을 [낮췄다|하향 조정했다].",
    ),
    "review": (
        "{PL1} {N1} 계획, {HNUM}개월 재심사",
        "",
        "{O2} 측이 {DAY} [우려를 제기하면서|추가 설명을 요구하면서] {PL1}의 {N1} 계획에 대해 {HNUM}개월간 재심사가 진행된다.",
    ),
    "vote": (
        "{PL1} 의회, {PR} 표결 앞둬",
        "",
        "{PL1} 의회는 다음 주 {DAY} {PR} 안건을 표결할 예정이며, 그 결과에 따라 {N1} 사업의 미래가 [좌우될|결정될] 전망이다.",
    ),
}
KO_DEKS = (
    "{O1} 측에 따르면 {PL1}·{PL2} 지역의 약 {BIG}가구가 영향을 받는다.",
    "{O2} 측이 지원하는 계획을 두고 {PL1}에서는 찬반이 엇갈리고 있다.",
    "{O3} 측은 {PR} 추진이 졸속이라고 비판했다.",
)
KO_QUOTES = (
    "더는 {N1} 사업을 기다릴 수 없다",
    "{PL1}로서는 수십 년 만에 가장 중요한 결정이다",
    "{PR}의 숫자는 전혀 맞지 않는다",
    "누가 {N2} 비용을 부담하는지 아직 설명이 없다",
    "{O3} 측과 대화를 계속해 해법을 찾겠다",
    "{PL2} 주민들에게는 제대로 작동하는 {N1} 시설이 필요하다",
    "{MONTH}까지는 첫 성과를 보여 주겠다",
)
KO_BODY = (
    "{O1} 측에 따르면 {PL1}의 {N1} 사업에는 지금까지 {MONEY}이 투입됐다.",
    "{O2}의 {S2} {R2}은 {N2} 사업에 대해 [추가 조사가 필요하다|신중한 검토가 필요하다]는 입장을 밝혔다.",
    '{S1} {R1}은 기자들에게 "{Q}"라고 말했다.',
    "{PL2} 주민들 사이에서는 {N2} 사업의 [이용자가 적다|부담이 너무 크다|설명이 부족하다]는 지적이 이전부터 나왔다.",
    "사업 계획에 따르면 {YEAR}년까지 {BIG}명을 고용하고 {MONEY}을 투자한다.",
    "이 사업은 {YEAR0}년 당시 {PL1} {R3}이던 {P3} 씨가 처음 제안했다.",
    "{O3} 측은 {N2} 사업이 {PL2}만 우대하고 {PL3} 같은 작은 지역은 소외시킨다고 비판하고 있다.",
    "{O2} 측은 지난해 {PL1}의 {N3} 예산을 {PCT}% 늘리는 안을 승인했다.",
    "{DAY}에는 {O1} 작업자들이 현장에 장비를 옮길 예정이어서 {PL1} 주변에 교통 혼잡이 예상된다.",
    "{PL2}에서 [빵집|철물점|작은 여관|농장]을 운영하는 {P4} 씨는 {N1} 사업으로 생활이 이미 달라지고 있다고 말했다.",
    "{O1} 대변인은 {N3} 시설을 [매각할지|폐쇄할지|통합할지]에 대해 언급을 피했다.",
    "{PL3} 당국자에 따르면 {N2} 사업 변경으로 약 {BIG}가구가 영향을 받는다.",
    "{O3} 측은 {N1} 사업에 반대하는 서명 {BIG}명분을 모았다고 밝혔다.",
    "{S3} 씨에 따르면 {O2} 측에는 {MONTH} 이후 {N2} 사업과 관련한 민원이 {NUM}건 접수됐다.",
    "{PL2} 인근의 {N1} 공사는 {YEAR}년 {MONTH}에 시작될 예정이다.",
    "{O2} 측의 기록을 보면 {PL3}에서 진행된 비슷한 {N3} 사업은 예정보다 {NUM}개월 늦어졌다.",
    "{O1} 측은 {PL1}·{PL2} 지역에서 모두 {BIG}명을 고용하고 있다.",
    "{O1} 소속 기술진은 {MONTH}에 {N2} 수정안을 {O2} 측에 제시할 예정이다.",
    '{O3}에서 {N1} 문제를 연구해 온 {P3} 씨는 "{Q}"라고 지적했다.',
    "{S1} {R1}은 {DAY} {PL1}에서 {O3} 대표들과 만날 예정이다.",
    "{O1} 측의 추산에 따르면 {N1} 사업으로 {PL1} 가구의 부담이 약 {PCT}% 줄어든다.",
    "{PL1} 야당 의원들은 {N2} 계약 내용을 모두 공개하라고 {O2} 측에 요구하고 있다.",
    "{O2} 측은 성명에서 {YEAR}년까지 {PR} 추진 과정을 [감시하겠다|점검하겠다|지켜보겠다]고 밝혔다.",
    "{PL3}에서는 {YEAR0}년 비용이 {MONEY}으로 불어나면서 비슷한 {N3} 사업이 중단됐다.",
    "{DAY} {PL2}에서 열린 {N1} 설명회에는 약 {BIG}명이 참석했다.",
    "사업비 가운데 {MONEY}은 {O1} 측이 {PL3}의 금융기관에서 빌린다.",
    "{O2} 측이 공개한 지도에 따르면 {N2} 노선은 {PL1}에서 {PL3}까지 {NUM}개 지구를 지난다.",
    "{O3} 측은 {N1} 관련 결정에 불복해 {PL1} 지방법원에 소송을 낼 방침이다.",
    "{S2} {R2}은 {N1} 사업이 {PL1}의 공공서비스를 현대화하는 [계획의 일부|첫 단계]라고 설명했다.",
    '{PL2} 역 앞에서 만난 {S4} 씨는 "{Q}"라고 말했다.',
    "{O1} 측은 {MONTH}부터 {PR} 진행 상황을 분기마다 공개하겠다고 밝혔다.",
    "{P1} 씨는 {YEAR0}년부터 {O1} 대표를 맡고 있다.",
)
ZH_PATTERNS: dict[str, tuple[str, str, str]] = {
    "raise": (
        "{O1}将把{RATE}上调{HPCT}%",
        "",
        "{O1}{DAY}宣布，因{PL1}[成本上升|设备老化|燃料价格上涨]，将从{MONTH}起把{RATE}上调{HPCT}%。",
    ),
    "delay": (
        "{PR}推迟至{HMONTH}完工",
        "",
        "{O1}{DAY}[表示|宣布]，在{PL1}推进的{PR}预计要到{HMONTH}才能完工。",
    ),
    "pushback": (
        "{PL1}居民反对{N1}计划",
        "",
        "{PL1}居民{DAY}聚集在{O1}办公楼前，[表达对新建{N1}的反对|要求撤回新建{N1}的计划]。",
    ),
    "names": ("{O1}任命{P1}负责{N1}审查", "", "{O1}{DAY}[宣布|表示]，任命{P1}负责{N1}业务的审查工作。"),
    "jobs": (
        "{O1}重组{N1}基地 或影响{HBIG}个岗位",
        "",
        "据悉，{O1}计划重组位于{PL1}和{PL2}的{N1}基地，最多可能[影响|裁减]{HBIG}个工作岗位。",
    ),
    "approve": ("{PL1}批准{HMONEY}用于{N1}改造", "", "{PL1}议会{DAY}[批准|通过]了{HMONEY}的{N1}改造资金。"),
    "warns": (
        "{S1}{R1}警告{N1}成本或大幅增加",
        "",
        "{O1}{S1}{R1}{DAY}[警告|表示]，{N1}的成本可能大大超出最初预算。",
    ),
    "cuts": ("{O1}下调{N1}预期", "", "{O1}{DAY}以{PL1}需求下滑为由，[下调|调低]了{N1}的预期。"),
    "review": (
        "{PL1}{N1}计划将接受{HNUM}个月复审",
        "",
        "由于{O2}{DAY}[提出担忧|要求补充说明]，{PL1}的{N1}计划将接受为期{HNUM}个月的复审。",
    ),
    "vote": (
        "{PL1}议会将就{PR}进行表决",
        "",
        "{PL1}议会将于下{DAY}就{PR}进行表决，表决结果将[决定|左右]{N1}的前景。",
    ),
}
ZH_DEKS = (
    "据{O1}介绍，{PL1}和{PL2}约有{BIG}户家庭受到影响。",
    "{O2}支持的这一计划在{PL1}引发了不同意见。",
    "{O3}批评{PR}推进过于仓促。",
)
ZH_QUOTES = (
    "我们不能再等{N1}了",
    "这是{PL1}几十年来最重要的决定",
    "{PR}的数字根本对不上",
    "谁来承担{N2}的费用，至今没有说明",
    "我们会继续与{O3}沟通，找到解决办法",
    "{PL2}的家庭需要一个真正运转的{N1}",
    "{MONTH}之前我们希望拿出第一批成果",
)
ZH_BODY = (
    "据{O1}介绍，{PL1}的{N1}迄今已投入{MONEY}。",
    "{O2}{S2}{R2}表示，{N2}[还需要进一步调查|需要慎重研究]。",
    "{S1}{R1}对记者说：“{Q}。”",
    "{PL2}居民此前一直反映，{N2}[使用者太少|负担过重|说明不够]。",
    "根据{PR}，到{YEAR}年将雇用{BIG}人，投资{MONEY}。",
    "{PR}最早由时任{PL1}{R3}的{P3}于{YEAR0}年提出。",
    "{O3}批评{N2}只照顾{PL2}，忽视了{PL3}等小城镇。",
    "{O2}去年批准将{PL1}的{N3}预算增加{PCT}%。",
    "{DAY}{O1}的工人将把设备运到现场，预计{PL1}周边交通会比较拥堵。",
    "在{PL2}经营[面包店|五金店|小旅馆|农场]的{P4}说，{N1}已经开始改变当地人的生活。",
    "{O1}发言人对是否[出售|关闭|合并]{N3}未置可否。",
    "据{PL3}官员介绍，{N2}的调整将影响约{BIG}户家庭。",
    "{O3}表示，已收集到{BIG}份反对{N1}的签名。",
    "据{S3}介绍，自{MONTH}以来{O2}共收到{NUM}件有关{N2}的投诉。",
    "{PL2}附近的{N1}预计将于{YEAR}年{MONTH}开工。",
    "{O2}的记录显示，{PL3}此前类似的{N3}比计划推迟了{NUM}个月。",
    "{O1}在{PL1}和{PL2}共雇用{BIG}名员工。",
    "{O1}的技术人员将于{MONTH}向{O2}提交{N2}的修改方案。",
    "长期在{O3}研究{N1}的{P3}指出：“{Q}。”",
    "{S1}{R1}预计将于{DAY}在{PL1}会见{O3}的代表。",
    "据{O1}估算，{N1}将使{PL1}家庭的负担减轻约{PCT}%。",
    "{PL1}的反对派议员要求{O2}公开{N2}合同的全部内容。",
    "{O2}在声明中表示，将在{YEAR}年之前持续[监督|检查|关注]{PR}。",
    "{YEAR0}年，{PL3}一项类似的{N3}因成本膨胀至{MONEY}而被叫停。",
    "{DAY}在{PL2}举行的{N1}说明会吸引了约{BIG}人参加。",
    "{PR}的资金中有{MONEY}由{O1}向{PL3}的金融机构借款。",
    "根据{O2}公布的地图，{N2}将穿过{PL1}至{PL3}之间的{NUM}个区。",
    "{O3}不服有关{N1}的决定，准备向{PL1}地方法院提起诉讼。",
    "{S2}{R2}解释说，{N1}是{PL1}公共服务现代化[计划的一部分|的第一步]。",
    "在{PL2}车站前接受采访的{S4}说：“{Q}。”",
    "{O1}表示，将从{MONTH}起每季度公布{PR}的进展情况。",
    "{P1}自{YEAR0}年起执掌{O1}。",
)

CJK_NAMES = {"ja": JA_NAMES, "ko": KO_NAMES, "zh": ZH_NAMES}


@lru_cache(maxsize=4096)
def vocab(seed: int, idx: int, lang: str, domain: str | None = None) -> tuple[tuple[str, str], ...]:
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
        v["O1"] = rng.choice(
            (
                f"{w} Holdings",
                f"{w} Group",
                f"{v['PL1']} City Council",
                f"{w} Industries",
                f"{w} Partners",
                f"{v['PL1']} Development Agency",
            )
        )
        v["O2"] = rng.choice(
            (
                f"the Ministry of {ministry}",
                f"the {v['PL2']} Regional Authority",
                f"the National {ministry} Board",
                f"the {_en_word(rng)} Commission",
            )
        )
        v["O3"] = rng.choice(
            (
                f"the {_en_word(rng)} Residents' Association",
                f"the {_en_word(rng)} Workers' Union",
                f"the {_en_word(rng)} Institute",
                f"the {v['PL3']} Chamber of Commerce",
            )
        )
        v["PR"] = (
            f"{_en_word(rng)} {rng.choice(('Project', 'Scheme', 'Initiative', 'Corridor', 'Programme'))}"
        )
        v["REPORTER"] = f"{rng.choice(EN_FIRST)} {_en_word(rng)}"
        v["RATE"], v["RATE_CAP"] = rate, rate[0].upper() + rate[1:]
    else:
        names = CJK_NAMES[lang]
        domain = domain if domain in names.domains else rng.choice(sorted(names.domains))
        nouns, rate = names.domains[domain]
        for i in range(1, 4):
            v[f"PL{i}"] = names.word(rng) + rng.choice(names.place_suffixes)
        for i in range(1, 5):
            last = rng.choice(names.surnames)
            full = last + rng.choice(names.given)
            v[f"P{i}"], v[f"S{i}"] = full, last if names.short_name_is_surname else full
        v["R1"], v["R2"], v["R3"] = (rng.choice(r) for r in names.roles)
        v["O1"] = names.word(rng) + rng.choice(names.company_suffixes)
        v["O2"] = names.word(rng) + rng.choice(names.authority_suffixes)
        v["O3"] = names.word(rng) + rng.choice(names.group_suffixes)
        v["PR"] = names.word(rng) + rng.choice(names.project_suffixes)
        v["REPORTER"] = rng.choice(names.surnames) + rng.choice(names.given)
        v["RATE"] = v["RATE_CAP"] = rate
    picked = rng.sample(nouns, 3)
    v["N1"], v["N2"], v["N3"] = picked
    v["DOMAIN"] = domain
    return tuple(v.items())


@dataclass(frozen=True)
class Spelling:
    """How a language writes sums of money, months, weekdays and a month of a year."""

    money: str  # "${} million", "{}億円"
    headline_money: str  # "${}m"
    months: tuple[str, ...]
    days: tuple[str, ...]
    year_month: str  # "{month} {year}", "{year}年{month}"


def _numbered_months(suffix: str) -> tuple[str, ...]:
    return tuple(f"{m}{suffix}" for m in range(1, 13))


SPELLING = {
    "en": Spelling("${} million", "${}m", EN_MONTHS, EN_DAYS, "{month} {year}"),
    "ja": Spelling("{}億円", "{}億円", _numbered_months("月"), JA_DAYS, "{year}年{month}"),
    "ko": Spelling("{}억 원", "{}억 원", _numbered_months("월"),
                   ("월요일", "화요일", "수요일", "목요일", "금요일", "토요일", "일요일"), "{year}년 {month}"),
    "zh": Spelling("{}亿元", "{}亿元", _numbered_months("月"),
                   ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"), "{year}年{month}"),
}  # fmt: skip


def numbers(rng: random.Random, lang: str) -> dict[str, str]:
    """Per-sentence numeric slots, so two sentences from one template still differ."""
    month = rng.randrange(12)
    spell = SPELLING[lang]
    return {
        "NUM": str(rng.randint(2, 18)),
        "BIG": f"{rng.randint(3, 95) * 100 + rng.randint(1, 99):,}",
        "MONEY": spell.money.format(rng.randint(2, 950)),
        "PCT": str(rng.randint(2, 24)),
        "YEAR": str(rng.randint(2026, 2031)),
        "YEAR0": str(rng.randint(2009, 2022)),
        "MONTH": spell.months[month],
        "DAY": rng.choice(spell.days),
    }


def headline_numbers(rng: random.Random, lang: str) -> dict[str, str]:
    """Numeric slots of a headline (rounder than a body's)."""
    month = rng.randrange(12)
    spell = SPELLING[lang]
    return {
        "HPCT": str(rng.randint(3, 15)),
        "HMONEY": spell.headline_money.format(rng.randint(20, 900)),
        "HBIG": f"{rng.randint(2, 60) * 100:,}",
        "HNUM": str(rng.randint(3, 18)),
        "HMONTH": spell.year_month.format(year=rng.randint(2026, 2029), month=spell.months[month]),
    }


@dataclass(frozen=True)
class Prose:
    """One language's templates and how its sentences join."""

    lang: str
    patterns: dict[
        str, tuple[str, str, str]
    ]  # headline pattern -> (headline, partner rewrite, lead sentence)
    deks: tuple[str, ...]
    quotes: tuple[str, ...]
    body: tuple[str, ...]
    paragraph_sizes: tuple[int, ...]  # sentences per paragraph after the lead, drawn from
    joiner: str  # between sentences of a paragraph
    zone: timezone  # the clock its outlets print
    # English: some sentences open with a varied phrase, and every sentence starts with a capital
    openers: tuple[str, ...] = ()
    opener_starts: tuple[str, ...] = ()

    def sentence(self, template: str, slots: dict[str, str], rng: random.Random) -> str:
        """A sentence of a story: per-sentence numbers and a quote drawn, the template filled."""
        values = {**slots, **numbers(rng, self.lang)}
        values["Q"] = fill(rng.choice(self.quotes), values, rng)
        sentence = fill(template, values, rng)
        if self.openers and rng.random() < 0.2 and template.startswith(self.opener_starts):
            # a varied opener keeps sentences from one template apart across stories
            prefix = rng.choice(self.openers)
            if sentence.startswith(("The ", "the ")):
                sentence = "the" + sentence[3:]
            sentence = capital(fill(prefix, values, rng)) + sentence
        # slots such as "the Ministry of ..." may open a sentence
        return capital(sentence) if self.openers else sentence


JST = timezone(timedelta(hours=9))
PROSE = {
    "en": Prose(
        "en",
        EN_PATTERNS,
        EN_DEKS,
        EN_QUOTES,
        EN_BODY,
        (1, 2, 2, 3),
        " ",
        UTC,
        ("On {DAY}, ", "In {PL2}, ", "Separately, ", "Earlier this month, ", "According to {O2}, "),
        ("{O", "{PL", "The "),
    ),
    "ja": Prose("ja", JA_PATTERNS, JA_DEKS, JA_QUOTES, JA_BODY, (1, 2, 2), "", JST),
    "ko": Prose("ko", KO_PATTERNS, KO_DEKS, KO_QUOTES, KO_BODY, (1, 2, 2), " ", JST),
    "zh": Prose("zh", ZH_PATTERNS, ZH_DEKS, ZH_QUOTES, ZH_BODY, (1, 2, 2), "", timezone(timedelta(hours=8))),
}
