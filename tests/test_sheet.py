"""web/sheet*.py, web/pdf_wrap.py, web/downloads.py: the counselor's consultation sheet."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sample_answers as sa

from web.downloads import DownloadDir, write_files
from web.labels import load_ui
from web.pdf_wrap import units, wrap
from web.sheet import build_sheet, created_label, curate
from web.sheet_md import md_text, sheet_markdown
from web.sheet_pdf import font_path, sheet_pdf

NOW = datetime(2024, 5, 1, 3, 4, 5, tzinfo=UTC)
SHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"


def conversation() -> list:
    return [
        ("t1", sa.succession()),
        ("t2", sa.declined("<script>alert(1)</script>", "off_topic")),
        ("t3", sa.overseas()),
        ("t4", sa.succession()),
    ]


def test_sheet_groups_by_question_and_leaves_declined_ones_out() -> None:
    sheet = build_sheet(conversation(), NOW)
    assert [g.question for g in sheet.groups] == [
        "息子が継がないので会社をどうするか悩んでいる",
        "海外の方をもっと詳しく",
    ]
    first, second = sheet.groups
    assert first.key == "t1"  # the same question asked again merges into its first group
    assert [d.title for d in first.directions] == ["事業承継の一層の促進", "適正取引の推進"]
    assert [d.title for d in second.directions] == ["海外展開の促進", "事業承継の一層の促進"]
    assert [p.name for p in first.programs] == ["ニューマーケット開拓支援事業"]
    assert [c.chunk_id for c in second.citations] == ["c-overseas", "c-program"]
    assert build_sheet([], NOW).empty and not sheet.empty


def test_any_item_can_be_removed_and_each_question_gets_its_memo() -> None:
    sheet = build_sheet(conversation(), NOW)
    keys = [k for k, _, _ in sheet.groups[0].items()]
    assert {k.split("/")[1] for k in keys} == {"lead", "direction", "program", "survey", "citation"}
    removed = [
        "t1/lead/lead",
        "t1/direction/適正取引の推進",
        "t1/program/ニューマーケット開拓支援事業",
        "t1/survey/management_issues:令和５年度:事業承継・再生への対応",
        "t1/citation/c-program",
    ]
    curated = curate(sheet, removed, {"t3": "次回：海外の取引先リストを持参"})
    first, second = curated.groups
    assert [d.title for d in first.directions] == ["事業承継の一層の促進"]
    assert (
        first.programs == ()
        and first.survey == ()
        and [c.chunk_id for c in first.citations] == ["c-succession"]
    )
    assert [p.name for p in second.programs] == ["ニューマーケット開拓支援事業"]  # other groups keep theirs
    assert second.memo == "次回：海外の取引先リストを持参" and first.memo == ""
    md = sheet_markdown(curated, "ja")
    part_one = md.split("## ご相談 2")[0]
    assert "適正取引の推進" not in part_one and "ニューマーケット開拓支援事業" not in part_one
    assert "次回：海外の取引先リストを持参" in md.split("## ご相談 2")[1]


def test_markdown_has_groups_directions_items_programs_and_citations() -> None:
    md = sheet_markdown(build_sheet(conversation(), NOW), "ja")
    assert md.startswith("# 施策ナビ 相談シート\n")
    assert "## ご相談 1: 息子が継がないので会社をどうするか悩んでいる" in md
    assert "戦略Ⅰ 経営マネジメントの強化 ＞「事業承継の一層の促進」" in md
    assert "Ｍ＆Ａマッチングを活用した第三者承継" in md and "株式会社日興エボナイト製造所（荒川区）" in md
    assert "文書からの引用（位置 668–678）" in md
    assert "2024-05-01 12:04 (JST)" in md  # desks read Tokyo time
    assert created_label(build_sheet([], NOW)) == "2024-05-01 12:04 (JST)"


def test_markdown_escapes_user_text_so_a_viewer_shows_it_literally() -> None:
    a = sa.succession(query="<img src=x onerror=alert(1)> 後継ぎ")
    md = sheet_markdown(
        curate(build_sheet([("t", a)], NOW), memos={"t": "<script>alert(1)</script>\n**太字**"})
    )
    text = re.sub(r"(?m)^\s*> ", "", md)  # blockquote markers are ours
    assert not re.search(r"(?<!\\)[<>]", text)
    assert r"\<img src=x onerror=alert(1)\>" in md and r"\*\*太字\*\*" in md
    assert md_text("a_b [c](d) #e") == r"a\_b \[c\](d) \#e"


def test_english_sheet_marks_glosses_as_translations() -> None:
    md = sheet_markdown(build_sheet([("t", sa.succession(lang="en", query="No successor"))], NOW), "en")
    assert "(訳/translation) Further promotion of business succession" in md
    assert "## Question 1: No successor" in md and "Strategy Ⅰ" in md and "(none)" in md


def test_each_answer_type_puts_its_own_content_on_the_sheet() -> None:
    turns = [("s", sa.survey_change()), ("c", sa.case()), ("r", sa.remarks()), ("p", sa.partial())]
    survey, case, remarks, partial = build_sheet(turns, NOW).groups
    assert [n.text for n in survey.notes if n.kind == "survey"] == ["令和４年度", "令和５年度"]
    assert survey.survey == () and survey.notes[0].lines[0] == "1位 営業・販売力の強化 51%"
    # a case: the company's card and the related direction (施策ナビ's reading), not "matches"
    assert case.directions == () and case.programs == ()
    assert {n.kind for n in case.notes} == {"cases", "related"}
    assert [n.text for n in remarks.notes] == [
        "戦略Ⅰ「経営マネジメントの強化」",
        "戦略Ⅱ「中小企業の成長戦略の推進」",
    ]
    assert partial.items()[1][1] == "not_covered"  # right after the lead, before the matches
    md = sheet_markdown(build_sheet(turns, NOW), "ja")
    one = md.split("## ご相談 2")[0]
    assert (
        "**回答の要点**: 「人材不足への対応」は、令和４年度の36%" in one and "### 関連する支援策" not in one
    )
    assert "### アンケート調査" in one and "  - 1位 人材不足への対応 55%" in one
    assert "### 関連する取組の方向性（支援策との対応づけは施策ナビによる整理）" in md
    assert "### この文書では答えられない部分" in md.split("## ご相談 4")[1]


def test_a_follow_up_names_the_question_it_follows_and_notes_can_be_dropped() -> None:
    sheet = build_sheet([("a", sa.succession()), ("b", sa.shared_programs()), ("c", sa.case())], NOW)
    assert sheet.groups[1].follows == sa.succession().query and sheet.groups[2].follows == ""
    note = next(key for key, kind, _ in sheet.groups[2].items() if kind == "related")
    md = sheet_markdown(curate(sheet, [note, "c/lead/lead"]), "ja")
    assert "（「息子が継がないので会社をどうするか悩んでいる」への続きの質問）" in md
    assert "施策ナビによる整理" not in md and "河政工業株式会社（葛飾区）が活用した" not in md


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_pdf_prints_every_answer_type(lang: str) -> None:
    turns = [("s", sa.survey_top()), ("c", sa.case(lang)), ("t", sa.structure()), ("p", sa.partial())]
    text = "".join(line for page in page_lines(sheet_pdf(build_sheet(turns, NOW), lang)) for line in page)
    assert "1位 人材不足への対応 55%" in text and "河政工業株式会社" in text and "若者による起業促進" in text
    assert "税理士" in text


# -- line breaking ------------------------------------------------------------------------------


def mono(text: str) -> float:
    return float(len(text))  # one unit per character: easy to reason about


def test_english_words_are_never_cut() -> None:
    text = "Directions, measures and company cases are quoted from the document."
    for width in range(12, 40):
        lines = wrap(text, width, mono)
        assert " ".join(lines) == text
        assert all(len(line) <= width for line in lines)


def test_japanese_breaks_between_characters_but_keeps_kinsoku() -> None:
    lines = wrap("「事業承継の一層の促進」、そして「適正取引の推進」。", 8, mono)
    assert "".join(lines) == "「事業承継の一層の促進」、そして「適正取引の推進」。"
    assert not any(line[0] in "、。」）" for line in lines)  # no closing mark starts a line
    assert not any(line[-1] in "「（" for line in lines)  # no opening bracket ends one


def test_mixed_text_keeps_latin_words_whole_and_a_long_token_is_cut_only_when_it_must() -> None:
    assert units("TSGの company") == ["TSG", "の", " ", "company"]
    lines = wrap("Used by 株式会社日興エボナイト製造所 (FY2024) company", 10, mono)
    assert "company" in lines and "(FY2024)" in "".join(lines)
    assert wrap("x" * 25, 10, mono) == ["x" * 10, "x" * 10, "x" * 5]


def test_memo_line_breaks_are_kept() -> None:
    assert wrap("一行目\n二行目", 20, mono) == ["一行目", "二行目"]


# -- PDF --------------------------------------------------------------------------------------------


def long_sheet(lang: str):  # type: ignore[no-untyped-def]
    turns = [
        (f"t{i}", sa.succession(lang=lang, query=f"{'No successor' if lang == 'en' else '後継ぎ'} {i}"))
        for i in range(6)
    ]
    return curate(build_sheet(turns, NOW), memos={"t0": "次回：決算書を持参"})


def test_pdf_is_a_pdf_with_the_japanese_font_embedded() -> None:
    data = sheet_pdf(build_sheet(conversation(), NOW), "ja")
    assert data.startswith(b"%PDF-") and b"IPAexGothic" in data
    assert 10_000 < len(data) < 2_000_000
    assert font_path().name == "ipaexg.ttf"
    assert sheet_pdf(build_sheet([], NOW), "en").startswith(b"%PDF-")


pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 (a dev dependency) renders the PDF pages")


def page_lines(data: bytes) -> list[list[str]]:
    """The text lines of each page, as a PDF reader sees them."""
    doc = pdfium.PdfDocument(data)
    return [
        [ln.strip() for ln in doc[i].get_textpage().get_text_range().splitlines() if ln.strip()]
        for i in range(len(doc))
    ]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_pdf_pages_render_and_ink_stays_inside_the_margins(lang: str) -> None:
    data = sheet_pdf(long_sheet(lang), lang)
    doc = pdfium.PdfDocument(data)
    assert len(doc) >= 2
    SHOTS.mkdir(parents=True, exist_ok=True)
    for i in range(len(doc)):
        image = doc[i].render(scale=1.5).to_pil().convert("L")
        if i == 0:
            image.save(SHOTS / f"sheet-pdf-{lang}-page1.png")
        width, height = image.size
        margin = int(width * 17 / 210)  # 18 mm margins on A4: nothing is drawn in the outer 17 mm
        dark = [x for x in range(width) for y in range(0, height, 3) if image.getpixel((x, y)) < 160]
        assert dark, f"page {i + 1} is blank"
        assert min(dark) >= margin and max(dark) <= width - margin, f"page {i + 1}: text outside the margins"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_pdf_has_no_word_cut_and_no_heading_alone_at_a_page_end(lang: str) -> None:
    pages = page_lines(sheet_pdf(long_sheet(lang), lang))
    text = "\n".join(line for page in pages for line in page)
    if lang == "en":  # a line may end only where a word of the sheet's sources ends
        sources = " ".join(
            [
                *load_ui().en.root.values(),
                sa.SUCCESSION.title_en,
                sa.FAIR_TRADE.title_en,
                sa.NEW_MARKET.name_en,
                "No successor",
            ]
        )
        words = set(re.findall(r"[A-Za-z]+", sources))
        for left, right in re.findall(r"([A-Za-z]+)\n([A-Za-z]+)", text):
            assert left in words and right in words, f"a word is cut: {left}|{right}"
    headings = {
        "出典となる文書の箇所",
        "相談員メモ",
        "関連する支援策",
        "当てはまる取組の方向性",
        "Cited passages of the document",
        "Counselor memo",
        "Related support programs",
        "Matching policy directions",
    }
    for number, page in enumerate(pages[:-1], start=1):
        body = [
            line for line in page if not line.startswith(("施策ナビ 相談シート", "施策ナビ consultation"))
        ]
        assert body[-1] not in headings, f"page {number} ends with the heading {body[-1]!r}"
        assert not re.fullmatch(r"\[\d+\] .*", body[-1]), f"page {number} ends with a citation heading"


def test_write_files_and_download_folders(tmp_path: Path) -> None:
    sheet = build_sheet(conversation(), NOW)
    md_path, pdf_path = write_files(sheet, "ja", tmp_path / "dl")
    assert md_path.read_text(encoding="utf-8").startswith("# 施策ナビ")
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    downloads = DownloadDir(tmp_path / "d", max_age_s=60)
    first, second = downloads.new_folder(), downloads.new_folder()
    assert first != second and first.parent == second.parent == tmp_path / "d"
    downloads.purge(now=first.stat().st_mtime + 3600)
    assert not first.exists()
    downloads.close()
    assert not (tmp_path / "d").exists()
