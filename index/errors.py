"""Errors of the index layer; each carries a one-line message for the user."""


class EmbeddingModelError(Exception):
    """The embedding model cannot be found, provisioned or loaded."""


class IndexStoreError(Exception):
    """The Chroma store cannot be opened, or was built with another embedding model."""
