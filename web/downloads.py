"""Short-lived files for the desk's download buttons, in one temporary folder per app run.

Gradio copies a returned file into its own cache before serving it, so ours are only needed for
a moment; older ones are purged as new ones are made, and the folder goes at exit. Each request
gets a fresh random folder, so one session's file name never leads to another's sheet.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import time
from pathlib import Path

from web.sheet import Sheet, file_stem
from web.sheet_md import sheet_markdown
from web.sheet_pdf import sheet_pdf

MAX_AGE_S = 600


class DownloadDir:
    def __init__(self, root: Path | None = None, max_age_s: float = MAX_AGE_S) -> None:
        self.root = Path(root) if root else Path(tempfile.mkdtemp(prefix="smenavi-downloads-"))
        self.root.mkdir(parents=True, exist_ok=True)
        self.max_age_s = max_age_s
        atexit.register(self.close)

    def new_folder(self) -> Path:
        """A fresh folder for one request: sessions never share or overwrite each other's files."""
        self.purge()
        return Path(tempfile.mkdtemp(dir=self.root))

    def purge(self, now: float | None = None) -> None:
        cutoff = (now or time.time()) - self.max_age_s
        for folder in self.root.iterdir() if self.root.exists() else ():
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def write_files(sheet: Sheet, lang: str, folder: Path) -> tuple[Path, Path]:
    """Markdown and PDF of a curated sheet, in ``folder`` (a per-request temporary folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = file_stem(sheet)
    md_path, pdf_path = folder / f"{stem}.md", folder / f"{stem}.pdf"
    md_path.write_text(sheet_markdown(sheet, lang), encoding="utf-8")
    pdf_path.write_bytes(sheet_pdf(sheet, lang))
    return md_path, pdf_path
