"""Project-written English glosses (corpus/data/translations_en.yaml): complete, keyed, faithful."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from corpus import CorpusError, load_corpus
from corpus.load import DATA_DIR
from corpus.translations import document_strings, required_strings

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# Originals whose numbers change form in faithful English, not in value.
NUMBERS_REWORDED = {
    "令和５年９月～10月": "months are named: September–October",
    "現在、約1０億円以上の資金調達に成功、事業を拡大中": "10億円 is 1 billion yen",
}


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+", unicodedata.normalize("NFKC", text)))


def _data(tmp_path: Path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(DATA_DIR, dst)
    return dst


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_every_line_an_owner_reads_has_a_gloss(corpus):
    assert corpus.missing_glosses() == []
    for text in required_strings(corpus.document):
        assert corpus.gloss(text), text
    # direction titles, strategy titles and program names come from aids.yaml
    doc = corpus.document
    assert corpus.gloss("適正取引の推進") == corpus.aids.directions["適正取引の推進"].en
    assert corpus.gloss(doc.strategy("Ⅴ").title) == corpus.aids.strategies["Ⅴ"].en
    assert all(corpus.gloss(p.name) for p in doc.programs)


def test_every_single_string_unit_has_a_gloss(corpus):
    composed = {"survey_table", "survey_profile", "case_programs"}  # built from glossed parts
    for unit in corpus.units:
        if unit.kind not in composed:
            assert corpus.gloss(unit.text), unit.field


def test_glosses_are_english_and_keyed_by_document_strings(corpus):
    known = document_strings(corpus.document)
    for ja, en in corpus.glosses.items():
        assert ja in known
        assert en.strip() == en and not JAPANESE.search(en), ja


def test_gloss_is_a_pure_lookup(corpus):
    assert corpus.gloss("書かれていない文") == ""
    assert corpus.gloss("令和４年度") == "FY2022 (Reiwa 4)" == corpus.gloss("令和４年度")
    assert corpus.gloss("令和５年度") == "FY2023 (Reiwa 5)"
    assert corpus.gloss("河政工業株式会社（葛飾区）") == "Kawamasa Kogyo Co., Ltd. (Katsushika City)"
    with pytest.raises(TypeError):
        corpus.glosses["令和４年度"] = "changed"  # type: ignore[index]


def test_glosses_keep_the_numbers_of_their_originals(corpus):
    checked = 0
    for text in required_strings(corpus.document):
        if text in NUMBERS_REWORDED or not _numbers(text):
            continue
        assert _numbers(text) <= _numbers(corpus.gloss(text)), (text, corpus.gloss(text))
        checked += 1
    assert checked > 20
    assert "5-19" in corpus.gloss("5-19人") and "51" in corpus.gloss("51年以上")
    assert "1,669" in corpus.gloss("回答企業数：1,669社")
    assert "1,803" in corpus.gloss(corpus.document.cases[0].actions[1].text)


def test_header_says_the_project_wrote_them():
    text = (DATA_DIR / "translations_en.yaml").read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first == "# English translations WRITTEN BY THE 施策ナビ PROJECT, not the document's words."


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("  資金不足: Lack of funds\n", "  資金の不足: Lack of funds\n", "en.資金の不足"),
        ("en:\n", "en:\n  存在しない文字列: Nothing\n", "en.存在しない文字列"),
    ],
)
def test_unknown_key_fails_naming_file_and_key(tmp_path, old, new, field):
    data = _data(tmp_path)
    _edit(data / "translations_en.yaml", old, new)
    with pytest.raises(CorpusError) as err:
        load_corpus(data)
    message = str(err.value)
    assert "translations_en.yaml" in message and f"{field}: not a string of document.yaml" in message
    assert "\n" not in message


def test_missing_translation_fails_naming_it(tmp_path):
    data = _data(tmp_path)
    _edit(data / "translations_en.yaml", "  時間的制約: Time constraints\n", "")
    with pytest.raises(CorpusError, match=r"translations_en\.yaml: en: no translation for 1 .*'時間的制約'"):
        load_corpus(data)


def test_aid_glosses_stay_in_aids_yaml(tmp_path):
    data = _data(tmp_path)
    _edit(data / "translations_en.yaml", "en:\n", "en:\n  適正取引の推進: Fair dealings\n")
    with pytest.raises(CorpusError, match=r"en\.適正取引の推進: already glossed in aids\.yaml"):
        load_corpus(data)


def test_empty_gloss_is_rejected(tmp_path):
    data = _data(tmp_path)
    _edit(data / "translations_en.yaml", "  時間的制約: Time constraints\n", "  時間的制約: ''\n")
    with pytest.raises(CorpusError, match=r"translations_en\.yaml: en\.時間的制約: String should have"):
        load_corpus(data)
