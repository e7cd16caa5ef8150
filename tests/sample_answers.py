"""Hand-made structured Answers for the web app's unit tests (no model, no index).

They carry what the rewritten engine returns (type, lead, sections, not_covered, the presented
prefixes of directions and programs) and a plain ``answer`` text, which the page never reads.
"""

from __future__ import annotations

from dataclasses import replace

from bot.models import Answer, CaseUse, Citation, DirectionMatch, Item, ProgramMatch, Section, SurveyFact

SUCCESSION = DirectionMatch(
    strategy="Ⅰ",
    strategy_title="経営マネジメントの強化",
    title="事業承継の一層の促進",
    score=0.9,
    items=("後継者が不在の企業に対する、Ｍ＆Ａマッチングを活用した第三者承継の取組の推進",),
    title_en="Further promotion of business succession",
)
FAIR_TRADE = DirectionMatch(
    strategy="Ⅰ",
    strategy_title="経営マネジメントの強化",
    title="適正取引の推進",
    score=0.6,
    items=("中小企業が価格交渉を円滑に進めるための体制構築を支援",),
    title_en="Fair business dealings",
)
OVERSEAS = DirectionMatch(
    strategy="Ⅱ",
    strategy_title="中小企業の成長戦略の推進",
    title="海外展開の促進",
    score=0.8,
    items=("アニメ・コンテンツ産業等の海外展開を支援",),
    title_en="Promoting overseas expansion",
)
NEW_MARKET = ProgramMatch(
    name="ニューマーケット開拓支援事業",
    score=0.7,
    cases=("株式会社日興エボナイト製造所",),
    uses=(
        CaseUse(
            "株式会社日興エボナイト製造所",
            "荒川区",
            "商社OBの助言を受けられる事業を活用",
            "売上高・海外売上比率ともに増加を継続",
        ),
    ),
    name_en="New market development support",
)
OTHER_PROGRAM = ProgramMatch(
    name="海外企業連携プロジェクト事業",
    score=0.2,
    cases=("河政工業株式会社",),
    name_en="Overseas business partnership project",
)
SURVEY = SurveyFact(
    table="management_issues",
    title="直面する経営課題について",
    year="令和５年度",
    rank=4,
    label="事業承継・再生への対応",
    percent=35,
    respondents=1669,
)


def cite(chunk_id: str, text: str, start: int, direction: str = "", program: str = "") -> Citation:
    return Citation(chunk_id, text, (start, start + len(text)), "direction_item", direction, program)


SUCCESSION_CITE = cite("c-succession", "事業承継の一層の促進", 668, direction="事業承継の一層の促進")
OVERSEAS_CITE = cite("c-overseas", "海外展開の促進", 1053, direction="海外展開の促進")
PROGRAM_CITE = cite("c-program", "ニューマーケット開拓支援事業", 5349, program="ニューマーケット開拓支援事業")
# as the PDF's text extraction gave it: a line break inside a word became a space
BROKEN_CITE = cite("c-network", "企業間のネットワー クの構築を支援", 2210, direction="地域産業の活性化")


def _sections(
    lang: str,
    directions: list[DirectionMatch],
    programs: list[ProgramMatch],
    survey: list[SurveyFact],
    others: list[DirectionMatch],
) -> list[Section]:
    items = {
        "programs": [Item(p.name, p.name_en, True, (2,), p.name) for p in programs],
        "directions": [Item(d.title, d.title_en, True, (1,), d.title) for d in directions],
        "survey": [Item(f"{f.label}: {f.percent}%", ref=f.table) for f in survey],
        "others": [Item(d.title, d.title_en, True, ref=d.title) for d in others],
    }
    titles = {
        "programs": ("Programs that may help", "使えそうな支援策"),
        "directions": ("Policy directions", "当てはまる取組の方向性"),
        "survey": ("In the survey", "アンケート調査では"),
        "others": ("Others", "ほかに関係しそうな分野"),
    }
    return [Section(k, titles[k][lang != "en"], tuple(v)) for k, v in items.items() if v]


def answer(
    query: str,
    directions: list[DirectionMatch],
    programs: list[ProgramMatch],
    citations: list[Citation],
    primary: int | None = None,
    shown_programs: int = 1,
    lang: str = "ja",
    survey: list[SurveyFact] | None = None,
    lead: str = "",
) -> Answer:
    primary = len(directions) if primary is None else primary
    shown_d, shown_p = directions[:primary], programs[:shown_programs]
    lead = lead or (
        f"The program 「{shown_p[0].name}」 may help."
        if lang == "en" and shown_p
        else f"「{shown_p[0].name}」が役に立ちそうです。"
        if shown_p
        else ""
    )
    sections = _sections(lang, shown_d, shown_p, survey or [], directions[primary:])
    text = "\n".join([lead, *(i.text for s in sections for i in s.items)])
    return Answer(
        query,
        lang,
        True,
        type="problem",
        lead=lead,
        directions=list(directions),
        programs=list(programs),
        answer=text,
        citations=list(citations),
        survey=list(survey or []),
        sections=sections,
        primary=primary,
        primary_programs=shown_programs,
    )


def succession(lang: str = "ja", query: str = "息子が継がないので会社をどうするか悩んでいる") -> Answer:
    """Two directions presented (succession, fair trade), one more as 'other'; one program presented."""
    return answer(
        query,
        [SUCCESSION, FAIR_TRADE, OVERSEAS],
        [NEW_MARKET, OTHER_PROGRAM],
        [SUCCESSION_CITE, PROGRAM_CITE],
        primary=2,
        lang=lang,
        survey=[SURVEY],
    )


def overseas(query: str = "海外の方をもっと詳しく") -> Answer:
    return answer(query, [OVERSEAS, SUCCESSION], [NEW_MARKET], [OVERSEAS_CITE, PROGRAM_CITE], primary=2)


def direction_only(query: str = "地域のつながりを作りたい") -> Answer:
    """A direction and no program: the next step must not ask to note program names."""
    a = answer(
        query,
        [OVERSEAS],
        [],
        [BROKEN_CITE],
        primary=1,
        shown_programs=0,
        lead="「海外展開の促進」が当てはまりそうです。",
    )
    return a


def declined(query: str, reason: str = "injection", lang: str = "ja") -> Answer:
    text = (
        "申し訳ありません。この文書の内容についてのご相談にお答えしています。"
        if lang == "ja"
        else "Sorry, I can only answer about the document."
    )
    return Answer(
        query,
        lang,
        False,
        type="instruction" if reason == "injection" else "out_of_scope",
        lead=text,
        answer=text,
        reason=reason,
    )


def vague(query: str = "困っています") -> Answer:
    return Answer(
        query,
        "ja",
        True,
        lead="どのようなことでお困りですか？",
        answer="どのようなことでお困りですか？",
        reason="vague",
        clarify=["人材が足りない", "後継ぎ・事業承継"],
    )


# -- the other answer types, shaped as the engine builds them ---------------------------------------


def q(text: str, ref: str = "", n: int = 0, gloss: str = "") -> Item:
    """A quoted item citing passage ``n`` (0: none)."""
    return Item(text, gloss, True, (n,) if n else (), ref)


def line(text: str, ref: str = "", n: int = 0) -> Item:
    return Item(text, "", False, (n,) if n else (), ref)


def typed(query: str, kind: str, lead: str, sections: list[Section], **fields: object) -> Answer:
    """An answer (Japanese unless ``lang``) with a made-up citation for every number its items cite."""
    n = max((c for s in sections for i in s.items for c in i.cite), default=0)
    fields = {
        "lang": "ja",
        **fields,
        "citations": [cite(f"c{i}", f"引用{i}", 100 * i) for i in range(1, n + 1)],
    }
    return Answer(query, in_scope=True, type=kind, lead=lead, sections=sections, **fields)  # type: ignore[arg-type]


def _year(year: str, rows: list[tuple[str, int]], n: int, form: str = "{r}位 {label} {p}%") -> list[Item]:
    """A year's table as the engine builds it: its head, then one line per row with its figure."""
    ref = f"management_issues:{year}"
    out = [
        replace(
            line(form.format(r=r, label=label, p=p), ref, n),
            fact=replace(SURVEY, year=year, rank=r, label=label, percent=p),
        )
        for r, (label, p) in enumerate(rows, start=1)
    ]
    return [line(year, ref, n), *out]


R4 = [("営業・販売力の強化", 51), ("原油・原材料等の価格高騰への対応", 37), ("人材不足への対応", 36)]
R5 = [("人材不足への対応", 55), ("営業・販売力の強化", 54), ("原油・原材料等の価格高騰への対応", 49)]
CHANGE_NOTE = "令和５年度は昨年度３位だった「人材不足への対応」が１位に"


def survey_top(lang: str = "ja") -> Answer:
    form = "rank {r}: {label} (gloss) {p}%" if lang == "en" else "{r}位 {label} {p}%"
    sections = [
        Section("survey", "アンケート調査では", tuple(_year("令和５年度", R5, 1, form))),
        Section("facts", "文書に書かれていること", (q(CHANGE_NOTE, n=2),)),
    ]
    lead = "令和５年度の調査で、直面する経営課題の1位は「人材不足への対応」（55%）でした。"
    return typed("令和5年度の調査で一番多い経営課題は？", "survey", lead, sections, lang=lang)


def survey_change() -> Answer:
    lead = "「人材不足への対応」は、令和４年度の36%（3位）から、令和５年度は55%（1位）になりました。"
    items = (*_year("令和４年度", R4, 1), *_year("令和５年度", R5, 2))
    return typed("去年と比べて人材不足はどう変わった？", "survey", lead, [Section("survey", "調査", items)])


KAWAMASA = "河政工業株式会社"
VIETNAM = "専門家のサポートを受けることで、ベトナムでの生産拠点を構築"
RESULT = "コロナ禍後も国内外での売上が順調に増加"
RELATED = "関連する都の取組の方向性（支援策との対応づけは施策ナビによる整理です）"


def case(lang: str = "ja") -> Answer:
    en = lang == "en"
    cards = (
        line("Kawamasa Kogyo (Katsushika City)" if en else f"{KAWAMASA}（葛飾区）", KAWAMASA, 1),
        q(VIETNAM, KAWAMASA, 2, "built a production base in Vietnam" if en else ""),
        q(RESULT, KAWAMASA, 3),
        line("活用した支援策：『海外企業連携プロジェクト事業』", KAWAMASA, 4),
    )
    sections = [
        Section("cases", "企業の例（文書より）", cards),
        Section("related", RELATED, (q("海外展開の促進", "海外展開の促進", 5),)),
    ]
    lead = f"{KAWAMASA}（葛飾区）が活用した支援策は、『海外企業連携プロジェクト事業』です。"
    return typed("河政工業は？", "case", lead, sections, lang=lang, primary=1, directions=[OVERSEAS])


def structure() -> Answer:
    young, women = "若者による起業促進", "女性起業家のスケールアップ"
    items = (
        q(young, young, 1),
        q("創業初期の起業家へのより一層の支援", young, 2),
        q(women, women, 3),
        q("女性起業家に対する、資金調達方法等のサポート", women, 4),
    )
    lead = f"戦略Ⅲの取組の方向性は、「{young}」、「{women}」の2つです。"
    return typed("戦略Ⅲの取組の方向性は？", "structure", lead, [Section("structure", "戦略Ⅲ「起業」", items)])


def remarks() -> Answer:
    sections = [
        Section("structure", "戦略Ⅰ「経営マネジメントの強化」", (q("休廃業が課題", "Ⅰ", 1),)),
        Section("structure", "戦略Ⅱ「中小企業の成長戦略の推進」", (q("海外取引の仲介を希望", "Ⅱ", 2),)),
    ]
    return typed("委員発言を見せて", "structure", "戦略ごとの委員発言は次のとおりです。", sections)


def partial() -> Answer:
    a = succession(query="後継者がいない。あと贈与税はいくら？")
    text = "「贈与税はいくら」は、この文書ではお答えできません。税務署や税理士にご相談ください。"
    a.sections.insert(2, Section("not_covered", "この文書ではお答えできない部分", (line(text),)))
    a.not_covered = ["贈与税はいくら"]
    return a


def shared_programs() -> Answer:
    """A follow-up naming two programs that one company used in the same action."""
    use = CaseUse(KAWAMASA, "葛飾区", VIETNAM, RESULT)
    names = ("海外企業連携プロジェクト事業", "海外拠点設置等戦略サポート事業")
    two = [ProgramMatch(n, 1.0, (KAWAMASA,), (use,)) for n in names]
    items = tuple(i for n in names for i in (line(f"『{n}』", n, 1), q(VIETNAM, n, 2), q(RESULT, n, 3)))
    lead = "「海外展開の促進」に関わる支援策です。"
    a = typed(
        "それに使える支援策は？", "problem", lead, [Section("programs", "支援策", items)], reason="followup"
    )
    a.programs, a.primary_programs = two, 2
    return a


def weak() -> Answer:
    items = (
        line("海外展開の促進（戦略Ⅱ）", "海外展開の促進", 1),
        q("アニメ等の海外展開を支援", "海外展開の促進", 2),
    )
    lead = "はっきり当てはまる取組は見つかりませんでした。近いものとして「海外展開の促進」があります。"
    sections = [Section("others", "ほかに近い取組の方向性（参考）", items)]
    return typed(
        "なんとなく不安", "problem", lead, sections, directions=[OVERSEAS], clarify=["海外に売りたい"]
    )
