"""bot/sheet.py and bot/sheet_pdf.py: the counselor's consultation sheet."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sample_answers as sa

from bot.downloads import DownloadDir
from bot.sheet import build_sheet, created_label, md_text, save_sheet, sheet_markdown, write_files
from bot.sheet_pdf import font_path, sheet_pdf

NOW = datetime(2024, 5, 1, 3, 4, 5, tzinfo=UTC)


def conversation() -> list:
    return [sa.succession(), sa.declined("<script>alert(1)</script>", "off_topic"), sa.overseas()]


def test_sheet_collects_presented_matches_deduplicated_in_order_found() -> None:
    sheet = build_sheet(conversation(), NOW)
    assert [d.title for d in sheet.directions] == ["事業承継の一層の促進", "適正取引の推進", "海外展開の促進"]
    assert [p.name for p in sheet.programs] == ["ニューマーケット開拓支援事業"]
    assert [c.chunk_id for c in sheet.citations] == ["c-succession", "c-program", "c-overseas"]
    assert len(sheet.survey) == 1


def test_sheet_keeps_the_owners_questions_but_not_declined_ones() -> None:
    sheet = build_sheet(conversation(), NOW)
    assert sheet.questions == ("息子が継がないので会社をどうするか悩んでいる", "海外の方をもっと詳しく")
    assert build_sheet([sa.succession(), sa.succession()], NOW).questions == (
        "息子が継がないので会社をどうするか悩んでいる",)


def test_empty_conversation_gives_an_empty_sheet() -> None:
    assert build_sheet([], NOW).empty
    assert not build_sheet(conversation(), NOW).empty


def test_markdown_has_the_directions_items_programs_memo_and_citations() -> None:
    md = sheet_markdown(build_sheet(conversation(), NOW), "次回：決算書を持参", "ja")
    assert md.startswith("# 施策ナビ 相談シート\n")
    assert "戦略Ⅰ 経営マネジメントの強化 ＞「事業承継の一層の促進」" in md
    assert "Ｍ＆Ａマッチングを活用した第三者承継" in md
    assert "ニューマーケット開拓支援事業" in md and "株式会社日興エボナイト製造所（荒川区）" in md
    assert "次回：決算書を持参" in md
    assert "文書からの引用（位置 668–678）" in md
    assert "2024-05-01 12:04 (JST)" in md  # desks read Tokyo time
    assert created_label(build_sheet([], NOW)) == "2024-05-01 12:04 (JST)"


def test_markdown_escapes_user_text_so_a_viewer_shows_it_literally() -> None:
    a = sa.succession(query="<img src=x onerror=alert(1)> 後継ぎ")
    md = sheet_markdown(build_sheet([a], NOW), "<script>alert(1)</script>\n**太字**", "ja")
    text = re.sub(r"(?m)^\s*> ", "", md)  # blockquote markers are ours
    assert not re.search(r"(?<!\\)[<>]", text)  # every other angle bracket is escaped
    assert r"\<img src=x onerror=alert(1)\>" in md
    assert r"\*\*太字\*\*" in md
    assert md_text("a_b [c](d) #e") == r"a\_b \[c\](d) \#e"


def test_english_sheet_marks_glosses_as_translations() -> None:
    md = sheet_markdown(build_sheet([sa.succession(lang="en", query="No successor")], NOW), "", "en")
    assert "(訳/translation) Further promotion of business succession" in md
    assert "Strategy Ⅰ" in md and "(none)" in md  # no memo


def test_pdf_is_a_pdf_with_the_japanese_font_embedded() -> None:
    data = sheet_pdf(build_sheet(conversation(), NOW), "次回：決算書を持参", "ja")
    assert data.startswith(b"%PDF-")
    assert b"IPAexGothic" in data  # the subset font, so Japanese renders without system fonts
    assert 10_000 < len(data) < 2_000_000
    assert font_path().name == "ipaexg.ttf"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_pdf_text_extracts(tmp_path: Path) -> None:
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(sheet_pdf(build_sheet(conversation(), NOW), "次回：決算書を持参", "ja"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "事業承継の一層の促進" in text and "次回：決算書を持参" in text


def test_empty_sheet_still_renders_both_formats() -> None:
    sheet = build_sheet([], NOW)
    assert "（なし）" in sheet_markdown(sheet, "", "ja")
    assert sheet_pdf(sheet, "", "en").startswith(b"%PDF-")


def test_write_files_and_save(tmp_path: Path) -> None:
    sheet = build_sheet(conversation(), NOW)
    md_path, pdf_path = write_files(sheet, "memo", "ja", tmp_path / "dl")
    assert md_path.read_text(encoding="utf-8").startswith("# 施策ナビ")
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    saved = save_sheet(sheet, "memo", "ja", tmp_path)
    assert saved.parent == tmp_path / "sheets" and saved.suffix == ".md"
    assert saved.with_suffix(".pdf").is_file()
    assert save_sheet(sheet, "memo", "ja", tmp_path) != saved  # same second, no overwrite


def test_download_folders_are_per_request_and_purged(tmp_path: Path) -> None:
    downloads = DownloadDir(tmp_path / "dl", max_age_s=60)
    first, second = downloads.new_folder(), downloads.new_folder()
    assert first != second and first.parent == second.parent == tmp_path / "dl"
    downloads.purge(now=first.stat().st_mtime + 3600)
    assert not first.exists()
    downloads.close()
    assert not (tmp_path / "dl").exists()
