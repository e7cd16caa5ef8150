"""Files built once, offline (the converted model, a backend's export), and whether they still are.

A folder is current when its manifest records exactly what it was built from and every file it
needs is there; anything else (missing, unreadable, built from other inputs) is built again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path


def is_current(folder: Path, manifest: str, expected: Mapping[str, str], required: Iterable[str]) -> bool:
    try:
        recorded = json.loads((folder / manifest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(recorded, dict) or any(recorded.get(k) != v for k, v in expected.items()):
        return False
    return all((folder / name).is_file() for name in required)
