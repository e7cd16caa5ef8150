"""The structured corpus: counts, assignments, survey figures, and proof of every quote."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corpus import CorpusError, load_corpus
from corpus.load import DATA_DIR
from corpus.source import compact

SOURCE = Path(__file__).resolve().parent.parent / "corpus" / "source" / "000_15d4e077d8bd06a2.txt"
SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds" / "000_15d4e077d8bd06a2.txt"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def test_counts(corpus):
    doc = corpus.document
    assert [s.numeral for s in doc.strategies] == ["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ"]
    assert len(doc.direction_titles()) == 16
    assert len(doc.cases) == 5
    assert len(doc.programs) == 6
    assert [len(s.directions) for s in doc.strategies] == [3, 4, 3, 3, 3]


def test_direction_titles_exact(corpus):
    titles = corpus.document.direction_titles()
    for title in (
        "適正取引の推進",
        "ＧＸ・ＤＸの推進",
        "人手不足業界の人材確保や業界等の魅力発信を支援",
        "事業承継の一層の促進",
        "企業の戦略としてのテレワークを推進",
    ):
        assert title in titles


def test_case_program_assignments(corpus):
    got = {c.company: set(c.programs) for c in corpus.document.cases}
    assert got == {
        "トラベルドクター株式会社": {"次世代アントレプレナー育成プログラム"},
        "株式会社日興エボナイト製造所": {"ニューマーケット開拓支援事業", "革新的事業展開設備投資支援事業"},
        "河政工業株式会社": {
            "海外企業連携プロジェクト事業",
            "海外拠点設置等戦略サポート事業",
            "革新的事業展開設備投資支援事業",
        },
        "株式会社高山医療機械製作所": {"ニューマーケット開拓支援事業", "革新的事業展開設備投資支援事業"},
        "mederi株式会社": {"女性ベンチャー成長促進事業"},
    }
    wards = {c.company: c.ward for c in corpus.document.cases}
    assert wards["河政工業株式会社"] == "葛飾区" and wards["mederi株式会社"] == "目黒区"


def test_actions_name_the_program_they_describe(corpus):
    """Evidence: the matching/base-abroad text is 河政工業's, the 商社OB text 日興エボナイト's."""
    by = {c.company: c for c in corpus.document.cases}
    kawamasa = [a for a in by["河政工業株式会社"].actions if "マッチング" in a.text]
    assert kawamasa and "海外企業連携プロジェクト事業" in kawamasa[0].programs
    nikko = [a for a in by["株式会社日興エボナイト製造所"].actions if "商社OB" in a.text]
    assert nikko and nikko[0].programs == ["ニューマーケット開拓支援事業"]


def test_program_aliases(corpus):
    aliases = {p.name: p.aliases for p in corpus.document.programs}
    assert "TOKYO STARTUP GATEWAY" in aliases["次世代アントレプレナー育成プログラム"]
    assert "APT Women" in aliases["女性ベンチャー成長促進事業"]


def test_survey_figures(corpus):
    sv = corpus.document.survey
    assert sv.respondents == 1669 and sv.period == "令和５年９月～10月"
    tables = {t.id: t for t in sv.tables}
    r4, r5 = tables["management_issues"].years
    assert (r4.year, r5.year) == ("令和４年度", "令和５年度")
    assert [(r.label, r.percent) for r in r5.rows][:2] == [
        ("人材不足への対応", 55),
        ("営業・販売力の強化", 54),
    ]
    assert r4.rows[0].label == "営業・販売力の強化" and r4.rows[0].percent == 51
    wanted = tables["support_wanted"].years
    assert len(wanted[0].rows) == len(wanted[1].rows) == 10
    assert wanted[1].rows[0].label == "資金調達支援" and wanted[1].rows[0].percent == 44
    assert (
        tables["obstacles"].years[1].rows[0].label == "人手不足"
        and tables["obstacles"].years[1].rows[0].percent == 47
    )
    media = tables["info_media"].years
    assert media[0].rows[0].percent == 57 and media[1].rows[0].percent == 55
    assert {g.name for g in sv.profile} == {"業種", "従業員数", "創業年"}


def test_every_unit_quote_occurs_at_its_span(corpus):
    text = corpus.source.text
    for unit in corpus.units:
        passage = text[unit.span.start : unit.span.end]
        assert compact(corpus.quote(unit)) == compact(passage)
        if unit.kind not in ("survey_table", "survey_profile", "case_programs"):
            assert compact(unit.text) == compact(passage), unit.field


def test_every_structured_string_is_in_the_source(corpus):
    """Walk document.yaml: every string the structure says comes from the document does."""
    hay = compact(corpus.source.text)
    skip = {"id", "file", "sha256", "year", "program_list", "name"}

    def walk(node, path=""):
        if isinstance(node, dict):
            for k, v in node.items():
                if k not in skip:
                    yield from walk(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from walk(v, f"{path}[{i}]")
        elif isinstance(node, str):
            yield path, node

    data = corpus.document.model_dump()
    data.pop("programs")  # checked with aliases below
    for path, value in walk(data):
        assert compact(value) in hay, path
    for program in corpus.document.programs:
        assert compact(program.name) in hay
        for alias in program.aliases:
            assert corpus.source.contains_folded(alias)


def test_verbatim_copy_of_the_seed():
    assert SOURCE.read_bytes() == SEED.read_bytes() if SEED.exists() else SOURCE.exists()


def _copy_data(tmp_path: Path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(DATA_DIR, dst)
    # the document's `source.file` is relative to the corpus package, so keep it reachable
    return dst


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("後継者が不在の企業に対する", "後継者が不在の会社に対する", "strategies[0].directions[2].items[0]"),
        (
            "{rank: 1, label: 人材不足への対応, percent: 55}",
            "{rank: 1, label: 人材不足への対応, percent: 65}",
            "percent",
        ),
        ("  - numeral: Ⅴ", "  - numeral: Ⅵ", "strategies.4.numeral"),
        ("    title: 経営マネジメントの強化\n", "", "strategies.0.title"),
        ("  respondents: 1669\n", "  respondents: many\n", "survey.respondents"),
    ],
)
def test_hand_edits_fail_naming_file_and_field(tmp_path, old, new, field):
    data = _copy_data(tmp_path)
    _edit(data / "document.yaml", old, new)
    with pytest.raises(CorpusError) as err:
        load_corpus(data)
    message = str(err.value)
    assert "document.yaml" in message and field in message
    assert "\n" not in message


def test_malformed_yaml_names_the_line(tmp_path):
    data = _copy_data(tmp_path)
    (data / "aids.yaml").write_text("directions: [unclosed\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"aids\.yaml: line \d+: not valid YAML"):
        load_corpus(data)


def test_aids_must_name_real_directions(tmp_path):
    data = _copy_data(tmp_path)
    _edit(data / "aids.yaml", "    directions: [若者による起業促進]", "    directions: [存在しない方向性]")
    with pytest.raises(
        CorpusError, match=r"aids\.yaml: programs\.次世代アントレプレナー育成プログラム\.directions"
    ):
        load_corpus(data)


def test_missing_file(tmp_path):
    with pytest.raises(CorpusError, match=r"document\.yaml: file not found"):
        load_corpus(tmp_path)
