"""Query-side embeddings of fixed texts (the labelled examples), cached by content hash.

The bot's decisions are fitted on the vectors of a few thousand example messages at every
start; embedding them takes seconds, so each (model, text) vector is stored once in one
``.npz`` per model and only new or edited examples are embedded again.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

Embed = Callable[[list[str]], np.ndarray]


def text_key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\x00{text}".encode()).hexdigest()[:24]


class VectorCache:
    def __init__(self, folder: Path, model: str) -> None:
        self.model = model
        safe = hashlib.sha256(model.encode()).hexdigest()[:12]
        self.path = Path(folder) / f"query-vectors-{safe}.npz"
        self._vectors: dict[str, np.ndarray] = self._read()

    def _read(self) -> dict[str, np.ndarray]:
        try:
            with np.load(self.path, allow_pickle=False) as data:
                return dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
        except (OSError, KeyError, ValueError):
            return {}  # missing or unreadable: it is only a cache, rebuild it

    def vectors(self, texts: Sequence[str], embed: Embed) -> np.ndarray:
        """One row per text; texts not cached yet are embedded and stored.

        Each text is embedded on its own: in a batch its vector moves in the eighth decimal with
        its neighbours, and the models fitted on these vectors — and the thresholds calibrated on
        them — would then depend on which texts a cache happened to hold already (a fresh build
        and a long-used one calibrated one English threshold a grid step apart)."""
        keys = [text_key(self.model, t) for t in texts]
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in self._vectors))
        if missing:
            fresh = np.concatenate([np.asarray(embed([t]), dtype=np.float32) for t in missing])
            for text, vector in zip(missing, fresh, strict=True):
                self._vectors[text_key(self.model, text)] = vector
            self._write()
        if not keys:
            return np.zeros((0, 0), np.float32)
        return np.stack([self._vectors[k] for k in keys])

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(sorted(self._vectors))
        vectors = np.stack([self._vectors[k] for k in keys.tolist()])
        # write-then-rename: a reader (another process) never sees half a file
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".npz")
        os.close(fd)
        try:
            np.savez(tmp, keys=keys, vectors=vectors)
            os.replace(tmp, self.path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
