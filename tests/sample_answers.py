"""Hand-made structured Answers for the web app's unit tests (no model, no index).

They carry what the rewritten engine returns (type, lead, sections, not_covered, the presented
prefixes of directions and programs) and a plain ``answer`` text, which the page never reads.
"""

from __future__ import annotations

from bot.models import Answer, CaseUse, Citation, DirectionMatch, Item, ProgramMatch, Section, SurveyFact

STRATEGY_EN = {"Ⅰ": "Strengthening business management", "Ⅱ": "Promoting SME growth strategies"}

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
    en = lang == "en"
    out = []
    if programs:
        out.append(
            Section(
                "programs",
                "Programs that may help" if en else "使えそうな支援策",
                tuple(Item(p.name, gloss=p.name_en, quote=True, cite=(2,), ref=p.name) for p in programs),
            )
        )
    if directions:
        out.append(
            Section(
                "directions",
                "Policy directions" if en else "当てはまる取組の方向性",
                tuple(
                    Item(d.title, gloss=d.title_en, quote=True, cite=(1,), ref=d.title) for d in directions
                ),
            )
        )
    if survey:
        out.append(
            Section(
                "survey",
                "In the survey" if en else "アンケート調査では",
                tuple(Item(f"{f.label}: {f.percent}%", ref=f.table) for f in survey),
            )
        )
    if others:
        out.append(
            Section(
                "others",
                "Others" if en else "ほかに関係しそうな分野",
                tuple(Item(d.title, gloss=d.title_en, quote=True, ref=d.title) for d in others),
            )
        )
    return out


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
