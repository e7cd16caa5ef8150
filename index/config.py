"""Where the chunks live: a local Chroma folder or a ``chroma run`` server.

Kept free of heavy imports (no chromadb) so that start-up checks can use it before the
embedding model and Chroma are loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Loopback or LAN Chroma answers a query in milliseconds; a few seconds without an answer
# means the server is down or hung, and the owner waiting for an answer should hear so.
DEFAULT_CONNECT_TIMEOUT = 3.0
DEFAULT_READ_TIMEOUT = 5.0


@dataclass(frozen=True)
class StoreConfig:
    path: Path
    collection: str = "smenavi"
    host: str | None = None
    port: int = 8000
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT  # seconds to open a connection to the server
    read_timeout: float = DEFAULT_READ_TIMEOUT  # seconds to wait for each answer of the server

    @property
    def url(self) -> str:
        """The server's base URL (only meaningful when ``host`` is set)."""
        host = f"[{self.host}]" if self.host and ":" in self.host else self.host  # IPv6 literal
        return f"http://{host}:{self.port}"

    def location(self) -> str:
        where = self.url if self.host else str(self.path)
        return f"{where} [{self.collection}]"
