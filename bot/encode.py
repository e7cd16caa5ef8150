"""Encoding a message: its clauses' vectors in one batch, and the message's vector from them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from bot.understand import Message

Encoded = tuple[np.ndarray, np.ndarray]  # a message's vector and its clauses' vectors


def encode_message(embed: Callable[[list[str]], Sequence[Sequence[float]]], message: Message) -> Encoded:
    """The message's vector and its clauses' vectors, from one batch (``embed``: query-side
    unit vectors of texts).

    Each clause is encoded on its own (in context, a clause's vector takes on the whole
    message and cannot tell two problems apart); the message's vector is their mean,
    weighted by length — as good as encoding the message again, at no extra cost.
    """
    texts = [c.text for c in message.clauses] or [message.search]
    clauses = np.asarray(embed(texts), dtype=np.float32)
    weights = np.array([len(t) for t in texts], dtype=np.float32)
    mean = (clauses * weights[:, None]).sum(axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-12), clauses
