"""Per-session desk state (held in gr.State, so never shared between browser sessions)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class DeskSession:
    signed_in: bool = False
    user: str = ""
    removed: set[str] = field(default_factory=set)  # sheet item keys the counselor dropped
    memos: dict[str, str] = field(default_factory=dict)  # group key → memo

    def forget_sheet(self) -> None:
        """A new consultation: the curation of the old one does not carry over."""
        self.removed.clear()
        self.memos.clear()
