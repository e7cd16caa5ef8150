"""Chunks into Chroma: embeddings, the store, incremental builds."""
