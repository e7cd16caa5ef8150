"""Baselines: retrieval alone, each with its own scope gate, printing the bot's JSON.

``python -m eval.baselines --system bm25|dense|plain --jsonl`` reads the lines
``python -m bot ask --jsonl`` reads and prints an answer of the same shape (built from
``bot.models.Answer``), so eval.metrics scores every system the same way:

- ``bm25``: Sudachi BM25 over the document's own chunks (no curated aid chunks); gate on the
  best BM25 score.
- ``dense``: the bot's Chroma store, searched with the same E5 model, document chunks only;
  gate on the best cosine similarity.
- ``plain``: the textbook LangChain recipe (fixed-size chunks of the raw text, their own
  Chroma collection); gate on the best similarity.

A baseline answers when its gate signal is at least its gate, fitted on the dev split by
``python -m eval baselines-calibrate`` (eval/baseline_gates.yaml): the in-scope decision is
then the best this retrieval can do with one number, so "pipeline − baseline" measures the
pipeline, not a gate left at an arbitrary value.
"""

from __future__ import annotations

SYSTEMS = ("bm25", "dense", "plain")
