"""Helpers for the browser tests: Debian's Chromium through Playwright, apps on loopback ports."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from eval import load
from eval.procs import stop

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ANSWER_TIMEOUT_MS = 90_000
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
START_TIMEOUT_S = 300  # a first start on a fresh checkout converts the model and builds the index
USER, PASSWORD = "desk", "s3cret"


def require_chromium() -> None:
    """Skip the calling test module where Debian's Chromium is missing (never download one)."""
    if not CHROMIUM.exists():
        pytest.skip(
            "needs Debian's Chromium at /usr/bin/chromium (make system-deps installs it)",
            allow_module_level=True,
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes] | None, log: Path | None, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:] if log else ""
            pytest.fail(f"app.py exited with {proc.returncode} before it was ready:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"app not ready at {url} within {timeout:.0f}s")


def wait_engine(url: str, log: Path, timeout: float) -> None:
    """Until /ask answers; at once with the app's own words when the engine could not start."""

    def engine_failed() -> str | None:
        said = log.read_text(encoding="utf-8", errors="replace")
        return f"the app's engine did not start:\n{said[-1500:]}" if "cannot start" in said else None

    try:
        load.wait_engine(url, timeout, give_up=engine_failed)
    except RuntimeError as e:
        pytest.fail(str(e))


class Tab:
    """A page plus the dialogs it opened (an injected alert() would show up here)."""

    def __init__(self, context: Any, url: str) -> None:
        self.context = context
        self.page = context.new_page()
        self.dialogs: list[str] = []
        self.hosts: set[str] = set()
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda request: self.hosts.add(urllib.parse.urlsplit(request.url).netloc))
        self.page.goto(url)
        self.page.wait_for_selector("#sn-input textarea")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def answers(self) -> int:
        return self.page.locator("#sn-chat .sn-answer").count()

    def wait_answer(self, before: int) -> Any:
        self.page.wait_for_function(
            f"document.querySelectorAll('#sn-chat .sn-answer').length > {before}", timeout=ANSWER_TIMEOUT_MS
        )
        return self.page.locator("#sn-chat .sn-answer").last

    def ask(self, text: str) -> Any:
        before = self.answers()
        self.page.locator("#sn-input textarea").fill(text)
        self.page.locator("#sn-input textarea").press("Enter")
        return self.wait_answer(before)

    def sign_in(self, user: str, password: str) -> None:
        self.page.locator("#sn-tab-desk-button, [role=tab]").filter(has_text="窓口").first.click()
        self.page.locator("#sn-user input, #sn-user textarea").first.fill(user)
        self.page.locator("#sn-password input").fill(password)
        self.page.locator("#sn-login-btn").click()

    def shot(self, name: str, full_page: bool = False) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / name), full_page=full_page)
        return SHOTS / name


def no_horizontal_overflow(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"


# -- fixtures ------------------------------------------------------------------------------------
# Plain generator functions; a test module makes them its fixtures with
#     app_url_fixture = pytest.fixture(scope="session", name="app_url")(serve_app)
#     browser_fixture = pytest.fixture(scope="session", name="browser")(launch_chromium)
#     open_tab_fixture = pytest.fixture(name="open_tab")(tab_factory)
# Modules that do so share one app and one Chromium per test session (Playwright's sync API
# allows one instance per thread): the first to start one starts it, the last to finish stops it.
# The app is ``python app.py`` on a free loopback port with the repo's var/ (model and index
# reused), a temporary database, question logging on and desk credentials set.

_shared: dict[str, list[Any]] = {}  # name -> [resource, users, stop]


@contextlib.contextmanager
def _shared_resource(name: str, start: Callable[[], tuple[Any, Callable[[], None]]]) -> Iterator[Any]:
    if name not in _shared:
        resource, stop = start()
        _shared[name] = [resource, 0, stop]
    entry = _shared[name]
    entry[1] += 1
    try:
        yield entry[0]
    finally:
        entry[1] -= 1
        if entry[1] == 0:
            del _shared[name]
            entry[2]()


def _start_app(tmp: Path) -> tuple[str, Callable[[], None]]:
    port = free_port()
    env = {
        **os.environ,
        "GRADIO_SERVER_NAME": "127.0.0.1",
        "GRADIO_SERVER_PORT": str(port),
        "SMENAVI_DESK_USER": USER,
        "SMENAVI_DESK_PASSWORD": PASSWORD,
        "SMENAVI_LOG_QUESTIONS": "1",
        "SMENAVI_DATABASE_URL": f"sqlite:///{tmp / 'app.sqlite3'}",
        "SMENAVI_LOG_FILE": str(tmp / "lib.log"),
    }
    log = tmp / "console.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "app.py"], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT
        )

    def stop_app() -> None:
        stop(proc)

    url = f"http://127.0.0.1:{port}/"
    try:
        wait_ready(url, proc, log, START_TIMEOUT_S)
        # the page is up at once; on a fresh checkout the engine may still be building the index
        wait_engine(url, log, START_TIMEOUT_S)
    except BaseException:
        stop_app()
        raise
    return url, stop_app


def serve_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with _shared_resource("app", lambda: _start_app(tmp_path_factory.mktemp("app"))) as url:
        yield url


def _start_chromium() -> tuple[Any, Callable[[], None]]:
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)

    def stop() -> None:
        chromium.close()
        playwright.stop()

    return chromium, stop


def launch_chromium() -> Iterator[Any]:
    with _shared_resource("chromium", _start_chromium) as chromium:
        yield chromium


def tab_factory(browser: Any, app_url: str) -> Iterator[Callable[..., Tab]]:
    """``open_tab(viewport, url)``: a fresh browser context (its own session) on a page."""
    contexts: list[Any] = []

    def make(viewport: dict[str, int] = DESKTOP, url: str = app_url) -> Tab:
        context = browser.new_context(viewport=viewport, accept_downloads=True)
        contexts.append(context)
        return Tab(context, url)

    yield make
    for context in contexts:
        context.close()
