"""Errors of the index layer; each carries a one-line message for the user."""


class EmbeddingModelError(Exception):
    """The embedding model cannot be found, provisioned or loaded."""


class IndexStoreError(Exception):
    """The Chroma store cannot be opened, or was built with another embedding model."""


class StoreUnreachable(IndexStoreError):
    """The Chroma server refuses the connection, times out, or drops it.

    The message names the server and its address; the same error is raised at start-up
    and per question, so a script or the page can tell "try again later" from a bug.
    """


class StoreCorrupted(IndexStoreError):
    """The local Chroma store cannot be read (its SQLite file is damaged).

    The message says to run ``python -m bot index build --rebuild``, which moves the
    damaged folder aside and builds a new one.
    """
