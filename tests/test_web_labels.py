"""web/labels.py and web/data/ui.yaml: the page's own words, both languages, checked on load."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corpus.errors import CorpusError
from web.labels import UI_FILE, load_ui


def test_ui_text_has_both_languages_and_examples() -> None:
    ui = load_ui()
    assert ui.for_lang("ja").tab_chat != ui.for_lang("en").tab_chat
    assert len(ui.examples_for("ja")) == len(ui.examples_for("en")) >= 5


def test_ui_text_missing_key_fails_on_load(tmp_path: Path) -> None:
    broken = tmp_path / "ui.yaml"
    broken.write_text(UI_FILE.read_text(encoding="utf-8").replace("  send: Send\n", ""), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"en\.send"):
        load_ui.__wrapped__(broken)


def test_every_label_the_code_reads_exists() -> None:
    web = Path(__file__).resolve().parent.parent / "web"
    used = {
        m for f in web.glob("*.py") for m in re.findall(r"\bui\.([a-z_]+)\b", f.read_text(encoding="utf-8"))
    }
    used |= {
        m
        for f in web.glob("*.py")
        for m in re.findall(r'=\s*"([a-z_]+)"', f.read_text(encoding="utf-8"))
        if m in load_ui().ja.root
    }
    methods = {"strategy", "span", "cite", "get", "root", "yaml"}  # methods, and "ui.yaml" in text
    assert used - methods - set(load_ui().ja.root) == set()
