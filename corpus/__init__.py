"""The policy document as verified, structured data: load it with ``load_corpus()``."""

from corpus.errors import CorpusError
from corpus.load import Corpus, load_corpus

__all__ = ["Corpus", "CorpusError", "load_corpus"]
