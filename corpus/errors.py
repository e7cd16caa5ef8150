"""Errors raised while loading the corpus; each names the file and the field."""

from __future__ import annotations

from pathlib import Path


class CorpusError(Exception):
    """A corpus file is missing, malformed, or says something the source does not."""

    def __init__(self, file: Path | str, field: str, message: str) -> None:
        self.file = str(file)
        self.field = field
        self.message = message
        where = f"{self.file}: {field}" if field else self.file
        super().__init__(f"{where}: {message}")
