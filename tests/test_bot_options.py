"""eval/bot_options.py: the bot's global flags, shared by every eval command and child process."""

from __future__ import annotations

import argparse
from pathlib import Path

from eval.bot_options import add_bot_options, bot_argv, settings_from_argv


def test_flags_round_trip_into_the_settings_a_child_process_would_read(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    add_bot_options(parser)
    args = parser.parse_args(["--data-dir", str(tmp_path), "--chroma-port", "8123", "--collection", "c1"])
    argv = bot_argv(args)
    assert argv == ["--data-dir", str(tmp_path), "--collection", "c1", "--chroma-port", "8123"]
    settings = settings_from_argv(argv)
    assert settings.data_dir == tmp_path and settings.chroma_port == 8123 and settings.collection == "c1"


def test_no_flags_pass_nothing_and_keep_the_defaults() -> None:
    parser = argparse.ArgumentParser()
    add_bot_options(parser)
    assert bot_argv(parser.parse_args([])) == []
    assert settings_from_argv([]).chroma_port == 8000
