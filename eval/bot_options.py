"""The bot's global options (which index, store and model), as every eval command takes them.

The pipeline runs as ``python -m bot`` and the baselines as ``python -m eval.baselines``: both
get the same flags so that they read the same index; in-process commands (calibrate, bench,
baselines-calibrate) turn the same flags into a Settings.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings

BOT_FLAGS = ("data_dir", "collection", "chroma_host", "chroma_port", "embedding_model")


def add_bot_options(parser: argparse.ArgumentParser, title: str = "passed to python -m bot") -> None:
    group = parser.add_argument_group(title)
    for name in BOT_FLAGS:
        flag = "--" + name.replace("_", "-")
        group.add_argument(flag, type=int if name == "chroma_port" else str)


def bot_argv(args: argparse.Namespace) -> list[str]:
    """The options given, as command-line flags for a child process."""
    out: list[str] = []
    for name in BOT_FLAGS:
        value = getattr(args, name, None)
        if value is not None:
            out += ["--" + name.replace("_", "-"), str(value)]
    return out


def settings_from_argv(argv: Sequence[str]) -> Settings:
    """A Settings from flags as :func:`bot_argv` writes them (the rest from env and defaults)."""
    from bot.settings import Settings

    pairs = zip(argv[::2], argv[1::2], strict=True)
    return Settings(**{flag.lstrip("-").replace("-", "_"): value for flag, value in pairs})
