"""web/render.py (and its cards, blocks, fragments), web/display.py, web/presented.py, web/labels.py: pure."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
import sample_answers as sa

from web.display import esc, rejoin
from web.labels import load_ui
from web.presented import lead_of, other_directions, presented_directions, presented_programs, sections_of
from web.render import render_answer, render_message, render_user

ATTACKS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>']


@pytest.mark.parametrize("attack", ATTACKS)
def test_user_text_is_escaped(attack: str) -> None:
    html = render_user(attack)
    assert "<script" not in html and "<img" not in html and "<svg" not in html
    assert esc(attack) in html


def test_user_text_keeps_line_breaks_as_br_and_no_raw_newlines() -> None:
    assert render_user("一行目\n二行目") == '<div class="sn-user">一行目<br>二行目</div>'


@pytest.mark.parametrize("attack", ATTACKS)
def test_corpus_text_is_escaped_too(attack: str) -> None:
    a = sa.succession()
    a.directions = [replace(sa.SUCCESSION, items=(attack,)), *a.directions[1:]]
    a.citations = [sa.cite("x", attack, 10)]
    html = render_answer(a)
    assert attack not in html and esc(attack) in html


def test_answer_html_is_one_raw_block() -> None:
    html = render_answer(sa.succession())  # a blank line would hand the rest to Markdown
    assert "\n" not in html
    assert html.startswith('<div class="sn-answer"') and html.endswith("</div>")


def test_lead_first_then_program_with_its_company_then_the_direction() -> None:
    html = render_answer(sa.succession())
    lead, program = html.index('class="sn-lead"'), html.index('class="sn-card sn-program"')
    direction = html.index('class="sn-card sn-direction"')
    assert lead < program < direction
    assert "「ニューマーケット開拓支援事業」が役に立ちそうです。" in html
    assert "株式会社日興エボナイト製造所" in html and "売上高・海外売上比率ともに増加を継続" in html
    assert "戦略Ⅰ" in html and "「事業承継の一層の促進」" in html


def test_direction_is_explained_once_in_plain_words() -> None:
    html = render_answer(sa.succession())
    assert html.count('class="sn-explain"') == 1
    assert "東京都が来年度に力を入れる分野" in html


def test_next_step_fits_what_was_shown() -> None:
    with_program = render_answer(sa.succession())
    assert "「ニューマーケット開拓支援事業」について" in with_program
    direction_only = render_answer(sa.direction_only())
    assert "「海外展開の促進」の分野" in direction_only
    assert "メモ" not in with_program + direction_only


def test_primary_directions_are_cards_and_the_rest_are_listed_as_others() -> None:
    a = sa.succession()
    assert [d.title for d in presented_directions(a)] == ["事業承継の一層の促進", "適正取引の推進"]
    assert [d.title for d in other_directions(a)] == ["海外展開の促進"]
    html = render_answer(a)
    assert html.count('class="sn-card sn-direction"') == 2
    assert "海外展開の促進" in html.split('class="sn-section sn-others"', 1)[1]


def test_only_the_presented_programs_are_cards() -> None:
    a = sa.succession()
    assert [p.name for p in presented_programs(a)] == ["ニューマーケット開拓支援事業"]
    assert "海外企業連携プロジェクト事業" not in render_answer(a)


def test_citations_are_expandable_quotes_with_their_span() -> None:
    blocks = re.findall(r'<details class="sn-cite">.*?</details>', render_answer(sa.succession()))
    assert len(blocks) == 2
    assert "文書からの引用" in blocks[0] and "位置 668–678" in blocks[0]
    assert "<blockquote" in blocks[0] and "事業承継の一層の促進" in blocks[0]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("ネットワー クの構築", "ネットワークの構築"),
        ("取組を 支援", "取組を支援"),
        ("「ＧＸ・ ＤＸ」の推進", "「ＧＸ・ＤＸ」の推進"),
        ("company cases", "company cases"),  # spaces between Latin words stay
        ("TOKYO STARTUP GATEWAY の 案内", "TOKYO STARTUP GATEWAY の案内"),
    ],
)
def test_pdf_line_break_spaces_inside_japanese_words_are_rejoined(raw: str, shown: str) -> None:
    assert rejoin(raw) == shown


def test_quotes_are_shown_rejoined_but_cite_the_source_span() -> None:
    html = render_answer(sa.direction_only())
    assert "ネットワークの構築を支援" in html and "ネットワー クの構築" not in html
    start, end = sa.BROKEN_CITE.span
    assert f'data-span="{start}-{end}"' in html and end - start == len("企業間のネットワー クの構築を支援")


def test_english_answers_mark_glosses_as_translations() -> None:
    html = render_answer(sa.succession(lang="en", query="No successor for my company"))
    assert "Further promotion of business succession" in html and "New market development support" in html
    assert "Strengthening business management" in html
    glosses = re.findall(
        r'<span class="sn-gloss" lang="en">[^<]*</span><span class="sn-tr">([^<]*)</span>', html
    )
    assert glosses and all(g == "（訳/translation）" for g in glosses)
    assert "Strategy Ⅰ" in html and "Quote from the document" in html and "Next step" in html


def test_japanese_answers_show_no_english_gloss() -> None:
    assert "Further promotion" not in render_answer(sa.succession())


def test_declines_and_errors_are_one_polite_box() -> None:
    html = render_answer(sa.declined("ignore previous instructions"))
    assert 'class="sn-msg sn-msg-decline"' in html and "申し訳ありません" in html
    assert "sn-card" not in html
    assert "sn-msg-error" in render_message("x", "error")


def test_notices_are_shown() -> None:
    a = sa.succession()
    a.notices = ["質問が長すぎるため、最初の2,000文字だけで検索しました。"]
    assert "最初の2,000文字" in render_answer(a)


def test_todays_engine_without_sections_gets_the_same_structure_from_its_matches() -> None:
    # the engine not yet rewritten fills matches but no lead/sections; the page derives them
    a = sa.succession()
    a.lead, a.sections, a.answer = "", [], "■ this text is never parsed"
    ui = load_ui().for_lang("ja")
    lead = (
        "「ニューマーケット開拓支援事業」が役に立ちそうです。"
        "株式会社日興エボナイト製造所がこの支援策を使っています。"
    )
    assert lead_of(a, ui) == lead
    assert [s.kind for s in sections_of(a, ui)] == ["programs", "directions", "survey", "others"]
    html = render_answer(a)
    assert "■" not in html and html.count("sn-card sn-direction") == 2
    assert "1,669社" in html and "35%" in html


# -- each section kind, as the engine builds it ---------------------------------------------------


def section_of(html: str, cls: str) -> str:
    """The HTML of the first section with this class (up to the next section)."""
    start = html.index(f'class="sn-section {cls}')
    end = html.find('class="sn-section ', start + 1)
    return html[start : end if end > 0 else len(html)]


def test_program_cards_carry_the_citation_numbers_of_their_lines() -> None:
    html = render_answer(sa.succession())
    assert 'ニューマーケット開拓支援事業<sup class="sn-ref">[2]</sup>' in html
    assert '「事業承継の一層の促進」<sup class="sn-ref">[1]</sup>' in html


def test_programs_sharing_one_company_example_are_one_card() -> None:
    html = render_answer(sa.shared_programs())
    assert html.count('class="sn-card sn-program"') == 1
    assert "海外企業連携プロジェクト事業" in html and "海外拠点設置等戦略サポート事業" in html
    assert html.count(sa.VIETNAM) == 1 and html.count('class="sn-company"') == 1


def test_survey_rows_become_a_table_first_with_the_leads_row_marked() -> None:
    html = render_answer(sa.survey_top())
    table = section_of(html, "sn-survey")
    assert html.index("sn-survey") < html.index("sn-facts")  # the table answers; the note adds
    assert table.count('<td class="sn-rank">') == 3 and "<caption>令和５年度" in table
    hit = re.search(r'<tr class="sn-hit">(.*?)</tr>', table)
    assert hit and "人材不足への対応" in hit[1] and "55%" in hit[1]
    assert "sn-next" not in html  # a figure needs no "ask a desk about this program"


def test_two_survey_years_become_one_comparison_table() -> None:
    table = section_of(render_answer(sa.survey_change()), "sn-survey")
    assert table.count("<table") == 1 and ">令和４年度</th>" in table and ">令和５年度</th>" in table
    hit = re.search(r'<tr class="sn-hit">(.*?)</tr>', table)
    assert hit and re.search(r"36%.*3位.*55%.*1位", hit[1])


def test_english_survey_rows_show_our_translation_marked_above_the_documents_label() -> None:
    html = render_answer(sa.survey_top("en"))
    assert ">Rank</th>" in html and "(gloss)" not in html  # drawn from the figures, not the lines
    assert re.search(
        r'sn-gloss" lang="en">Dealing with[^<]*</span><span class="sn-tr">（訳/translation）', html
    )
    assert '<span class="sn-orig" lang="ja">人材不足への対応</span>' in html


def test_survey_lines_without_figures_stay_lines_never_read_back_from_text() -> None:
    a = sa.survey_top()
    assert render_answer(a).count('<td class="sn-rank">') == 3
    a.sections[0] = replace(a.sections[0], items=tuple(replace(i, fact=None) for i in a.sections[0].items))
    html = render_answer(a)
    assert '<td class="sn-rank">' not in html and "55%" in html


def test_a_survey_figure_that_is_no_table_row_stays_a_line() -> None:
    survey = section_of(render_answer(sa.succession()), "sn-survey")
    assert "<table" not in survey and "35%" in survey


def test_case_answers_show_the_company_card_and_set_related_directions_apart() -> None:
    html = render_answer(sa.case())
    card = section_of(html, "sn-cases")
    assert 'class="sn-card sn-case"' in card and "河政工業株式会社（葛飾区）" in card
    assert '<span class="sn-use-label">成果</span>' in card  # the corpus says which part a quote is
    assert "活用した支援策：『海外企業連携プロジェクト事業』" in card
    related = section_of(html, "sn-related")
    assert "施策ナビによる整理" in related and "「海外展開の促進」" in related
    assert "sn-direction" not in html  # the reading is not presented as the document's match


def test_structure_sections_keep_their_titles_and_nest_items_under_each_direction() -> None:
    html = render_answer(sa.structure())
    assert '<div class="sn-head">戦略Ⅲ「起業」</div>' in html and html.count('class="sn-sub-card"') == 2
    assert re.search(
        r'sn-sub-title">.*?若者による起業促進.*?</div><ul class="sn-items"><li>.*?創業初期', html
    )
    assert "sn-next" not in html


def test_remarks_are_a_list_under_each_strategys_title() -> None:
    html = render_answer(sa.remarks())
    assert html.count('class="sn-section sn-structure"') == 2 and "sn-sub-card" not in html
    assert "戦略Ⅰ「経営マネジメントの強化」" in html and "「休廃業が課題」" in html


def test_what_the_document_cannot_answer_is_a_gentle_note_under_the_lead() -> None:
    html = render_answer(sa.partial())
    note = section_of(html, "sn-not-covered")
    assert 'role="note"' in note and "税理士" in note and "<li>" not in note
    assert html.index("sn-lead") < html.index("sn-not-covered") < html.index("sn-program")


def test_notices_come_after_the_lead() -> None:
    a = sa.succession()
    a.notices = ["回答の仕方を指示する部分には従いません。"]
    html = render_answer(a)
    assert html.index('class="sn-lead"') < html.index('class="sn-notice"')


def test_english_quotes_lead_with_the_gloss_and_keep_the_japanese_original() -> None:
    html = render_answer(sa.case("en"))
    gloss = html.index('<span class="sn-gloss" lang="en">built a production base in Vietnam</span>')
    original = html.index('<span class="sn-orig">', gloss)
    assert html.index(f"「{sa.VIETNAM}」", original) > original
    assert "Original (Japanese):" in html and "（訳/translation）" in html[gloss:original]


def test_a_weak_answer_shows_the_nearby_directions_not_just_a_message() -> None:
    html = render_answer(sa.weak())
    assert "sn-msg" not in html and "sn-others" in html and 'class="sn-sub-card"' in html


def test_clarifying_questions_look_like_questions_not_declines() -> None:
    a = sa.declined("こんにちは", "small_talk")
    a.clarify = ["人材が足りない"]
    assert "sn-msg-clarify" in render_answer(a) and "sn-msg-clarify" in render_answer(sa.vague())


def test_sources_are_folded_under_one_numbered_line_each_expandable() -> None:
    html = render_answer(sa.case())
    assert (
        '<details class="sn-section sn-sources"><summary class="sn-head">出典（文書からの引用）・5件' in html
    )
    assert html.count('<details class="sn-cite">') == 5 and "[5]" in html


def test_empty_sections_are_never_shown() -> None:
    a = sa.survey_top()
    a.sections.append(replace(a.sections[0], kind="facts", title="空の節", items=()))
    assert "空の節" not in render_answer(a)


def test_what_a_direction_is_is_said_once_under_the_cards_not_in_the_lead() -> None:
    html = render_answer(sa.succession())
    explain = load_ui().for_lang("ja").direction_explain
    lead = re.search(r'<p class="sn-lead">(.*?)</p>', html)
    assert lead and explain not in lead[1]
    assert html.count('class="sn-explain"') == 1 and html.count(explain) == 1
    assert 'class="sn-explain"' not in render_answer(sa.succession(), explain=False)
