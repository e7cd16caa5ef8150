"""The web app in a real browser: Debian's Chromium driven by Playwright.

``python app.py`` runs on a free loopback port with the repo's var/ (model and index reused), a
temporary database, question logging on and desk credentials set. The start-up banner and the
hidden desk are checked on the same page layer served in-process with a scripted engine.
Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from browser import (
    DESKTOP,
    PASSWORD,
    PHONE,
    REPO,
    SHOTS,
    USER,
    Tab,
    free_port,
    launch_chromium,
    no_horizontal_overflow,
    require_chromium,
    serve_app,
    tab_factory,
)

pytestmark = pytest.mark.browser
SUCCESSION_Q = "息子が継がないので会社をどうするか悩んでいる"
SUCCESSION = "事業承継の一層の促進"

require_chromium()

from playwright.sync_api import expect  # noqa: E402

app_url_fixture = pytest.fixture(scope="session", name="app_url")(serve_app)
browser_fixture = pytest.fixture(scope="session", name="browser")(launch_chromium)
open_tab_fixture = pytest.fixture(name="open_tab")(tab_factory)


# -- phone ---------------------------------------------------------------------------------------

NEWEST_IN_VIEW = """() => {
  const rows = document.querySelectorAll('#sn-chat .message-row.user-row');
  const answers = document.querySelectorAll('#sn-chat .sn-answer');
  if (rows.length < 2 || answers.length < 2) return false;
  const q = rows[rows.length - 1].getBoundingClientRect();
  const a = answers[answers.length - 1].getBoundingClientRect();
  return q.top >= 0 && q.top < innerHeight * 0.5 && a.top > 0 && a.top < innerHeight - 80;
}"""


def test_phone_follow_up_brings_the_newest_answer_into_view(open_tab: Any) -> None:
    tab = open_tab(PHONE)
    no_horizontal_overflow(tab.page)
    tab.ask(SUCCESSION_Q)
    answer = tab.ask("海外の方をもっと詳しく")
    tab.page.wait_for_function(NEWEST_IN_VIEW, timeout=10_000)  # the scroll script ran
    expect(answer.locator(".sn-lead")).to_be_in_viewport()
    no_horizontal_overflow(tab.page)
    card = answer.locator(".sn-card").first.bounding_box()
    assert card is not None and card["x"] >= 0 and card["x"] + card["width"] <= PHONE["width"]
    tab.shot("phone-answer.png")


def test_phone_touch_targets_are_at_least_44px(open_tab: Any) -> None:
    tab = open_tab(PHONE)
    tab.ask(SUCCESSION_Q)
    targets = [
        "#sn-chat button[aria-label='Like']",
        "#sn-chat button[aria-label='Dislike']",
        "#sn-examples button",
        "#sn-reset",
        "#sn-input button",
    ]
    for selector in targets:
        box = tab.page.locator(selector).first.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44, f"{selector}: {box}"


def test_vote_is_confirmed_and_a_down_vote_asks_for_a_comment(open_tab: Any) -> None:
    tab = open_tab(DESKTOP)
    tab.ask(SUCCESSION_Q)
    tab.page.locator("#sn-chat button[aria-label='Like']").last.click()
    expect(tab.page.locator("#sn-vote-note")).to_contain_text("ご意見ありがとうございます")
    expect(tab.page.locator("#sn-comment")).to_be_hidden()
    tab.page.locator("#sn-chat button[aria-label='Dislike']").last.click()
    expect(tab.page.locator("#sn-comment")).to_be_visible()
    tab.page.locator("#sn-comment-text textarea").fill("聞きたかったのは資金繰りのことでした")
    tab.page.locator("#sn-comment-send").click()
    expect(tab.page.locator("#sn-vote-note")).to_contain_text("改善に使わせていただきます")


# -- chat ----------------------------------------------------------------------------------------


def test_answer_leads_with_what_helps_and_cites_the_document(open_tab: Any) -> None:
    tab = open_tab(DESKTOP)
    answer = tab.ask(SUCCESSION_Q)
    expect(answer.locator(".sn-lead")).to_be_visible()
    expect(answer.locator(".sn-direction .sn-title", has_text=SUCCESSION)).to_be_visible()
    expect(answer.locator(".sn-explain")).to_have_count(1)
    expect(answer.locator(".sn-next")).not_to_contain_text("メモ")
    answer.locator("details.sn-sources > summary").click()  # the sources are folded under one line
    cite = answer.locator("details.sn-cite").first
    expect(cite.locator("summary")).to_contain_text(re.compile(r"位置 [\d,]+–[\d,]+"))
    cite.locator("summary").click()
    expect(cite.locator("blockquote")).to_be_visible()
    tab.shot("chat-desktop.png")


def test_page_loads_nothing_from_other_hosts(open_tab: Any, app_url: str) -> None:
    tab = open_tab(DESKTOP)  # no web fonts, analytics or CDNs: the page works on a closed desk network
    tab.ask(SUCCESSION_Q)
    assert tab.hosts == {urllib.parse.urlsplit(app_url).netloc}


@pytest.mark.parametrize("path", ["/etc/passwd", str(REPO / "app.py"), str(REPO / "var" / "smenavi.sqlite3")])
def test_no_files_are_served_beyond_the_app(app_url: str, path: str) -> None:
    for url in (f"{app_url}gradio_api/file={path}", f"{app_url}file={path}"):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        assert status in (403, 404), f"{url} answered {status}"


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"])
def test_injected_markup_stays_literal_text(open_tab: Any, payload: str) -> None:
    tab = open_tab(DESKTOP)
    tab.ask(f"{payload} 資金繰りが苦しい")
    tab.page.wait_for_timeout(800)  # give an onerror handler time to fire, if one had got in
    assert tab.dialogs == []
    expect(tab.page.locator("#sn-chat .sn-user").last).to_have_text(f"{payload} 資金繰りが苦しい")
    assert tab.page.locator("#sn-chat img[src='x'], #sn-chat script").count() == 0


def test_english_question_switches_the_page_to_english(open_tab: Any) -> None:
    tab = open_tab(DESKTOP)
    answer = tab.ask("I have no successor for my company")
    expect(tab.page.get_by_role("tab", name="Ask")).to_be_visible()
    expect(tab.page.locator("#sn-examples button").first).to_have_text(re.compile(r"^[A-Za-z ]+$"))
    expect(tab.page.locator("#sn-reset")).to_have_text("New consultation")
    expect(answer.locator(".sn-tr").first).to_have_text("（訳/translation）")
    expect(answer.locator(".sn-next")).to_contain_text("Next step")
    tab.shot("chat-english.png")


def test_two_people_keep_separate_conversations(open_tab: Any) -> None:
    alice, bob = open_tab(DESKTOP), open_tab(PHONE)
    alice.ask(SUCCESSION_Q)
    bob.ask("海外に商品を売りたい")
    expect(alice.page.locator("#sn-chat .sn-user")).to_have_text([SUCCESSION_Q])
    expect(bob.page.locator("#sn-chat .sn-user")).to_have_text(["海外に商品を売りたい"])


# -- desk ------------------------------------------------------------------------------------------


def save_pdf_page(data: bytes, name: str) -> Path:
    import pypdfium2 as pdfium

    SHOTS.mkdir(parents=True, exist_ok=True)
    page = pdfium.PdfDocument(data)[0]
    assert SUCCESSION in page.get_textpage().get_text_range().replace("\n", "")
    page.render(scale=1.4).to_pil().save(SHOTS / name)
    return SHOTS / name


def download(tab: Tab, selector: str) -> bytes:
    with tab.page.expect_download() as got:
        tab.page.locator(selector).click()
    return Path(got.value.path()).read_bytes()


def test_sign_in_then_remove_items_add_a_memo_and_export_in_both_languages(open_tab: Any) -> None:
    tab = open_tab(DESKTOP)
    tab.ask(SUCCESSION_Q)
    tab.ask("原材料の値上がりを価格に転嫁できない")
    tab.sign_in(USER, "wrong")
    expect(tab.page.locator("#sn-login-msg")).to_contain_text("違います")
    expect(tab.page.locator("#sn-sheet")).to_be_hidden()
    tab.sign_in(USER, PASSWORD)
    sheet = tab.page.locator("#sn-sheet")
    expect(sheet).to_contain_text("ご相談 1")
    expect(tab.page.locator(".sn-group-head")).to_have_count(2)
    dropped = tab.page.locator(".sn-keep").first.locator("label", has_text="方向性: ").first
    heading = f"＞「{dropped.inner_text().split(': ', 1)[1]}」"  # the direction's line on the sheet
    assert heading in sheet.inner_text().split("ご相談 2")[0]
    dropped.click()
    tab.page.wait_for_function(
        f"!document.querySelector('#sn-sheet').innerText.split('ご相談 2')[0].includes({heading!r})",
        timeout=10_000,
    )
    tab.page.locator(".sn-memo textarea").first.fill("次回：決算書を持参")
    tab.page.locator(".sn-memo textarea").first.blur()
    tab.page.locator("#sn-prepare").click()
    expect(tab.page.locator("#sn-dl-pdf")).to_be_visible()
    expect(sheet).to_contain_text("次回：決算書を持参")
    tab.shot("desk-sheet.png", full_page=True)
    md = download(tab, "#sn-dl-md").decode("utf-8")
    assert heading not in md.split("## ご相談 2")[0] and "次回：決算書を持参" in md
    save_pdf_page(download(tab, "#sn-dl-pdf"), "desk-sheet-pdf-ja-page1.png")

    tab.page.get_by_text("English", exact=True).click()
    expect(tab.page.locator("#sn-prepare")).to_have_text("Prepare downloads")
    tab.page.locator("#sn-prepare").click()
    expect(sheet).to_contain_text("Question 1")
    pdf = download(tab, "#sn-dl-pdf")
    save_pdf_page(pdf, "desk-sheet-pdf-en-page1.png")
    tab.page.locator("#sn-save").click()
    expect(tab.page.locator("#sn-desk-msg")).to_contain_text("Saved")


def test_insights_show_a_chart_of_what_owners_asked(open_tab: Any) -> None:
    tab = open_tab(DESKTOP)
    tab.ask(SUCCESSION_Q)
    tab.ask("おいしいラーメン屋を教えて")
    tab.page.locator("#sn-chat button[aria-label='Dislike']").first.click()
    tab.sign_in(USER, PASSWORD)
    expect(tab.page.locator("#sn-sheet")).to_be_visible()
    tab.page.get_by_role("tab", name="相談の傾向").click()
    view = tab.page.locator("#sn-insights")
    expect(view.locator("svg rect.sn-chart-bar").first).to_be_visible()
    expect(view).to_contain_text(SUCCESSION)
    expect(view).to_contain_text("ラーメン")
    expect(tab.page.locator("#sn-csv")).to_be_visible()
    tab.shot("insights.png", full_page=True)


# -- the same page layer in-process, with a scripted engine ----------------------------------------


class ScriptedBot:
    def ask(self, text: str, history: Sequence[Any] = (), lang: str | None = None) -> Any:
        import sample_answers

        return sample_answers.succession(query=text)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Any]:
    from bot.settings import Settings
    from web.engine_slot import EngineSlot
    from web.server import build_app, launch_kwargs

    apps: list[Any] = []

    def start(engine: EngineSlot, **settings: Any) -> str:
        demo = build_app(engine, Settings(data_dir=tmp_path, **settings))
        port = free_port()
        demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, **launch_kwargs())
        apps.append(demo)
        return f"http://127.0.0.1:{port}/"

    yield start
    for demo in apps:
        demo.close()


def test_page_is_up_while_the_engine_loads_and_the_question_waits(open_tab: Any, serve: Any) -> None:
    from web.engine_slot import EngineSlot

    release = threading.Event()

    def slow_load() -> ScriptedBot:
        release.wait(60)
        return ScriptedBot()

    engine = EngineSlot(slow_load, wait_s=60)
    url = serve(engine)
    engine.start()
    tab = open_tab(PHONE, url)
    expect(tab.page.locator("#sn-status")).to_contain_text("準備中")
    tab.page.locator("#sn-input textarea").fill(SUCCESSION_Q)
    tab.page.locator("#sn-input textarea").press("Enter")
    release.set()  # the engine is ready now; the held question is answered, not refused
    answer = tab.wait_answer(0)
    expect(answer.locator(".sn-lead")).to_be_visible()
    expect(tab.page.locator("#sn-status")).to_have_text("")


def test_without_credentials_there_is_no_desk(open_tab: Any, serve: Any) -> None:
    from web.engine_slot import EngineSlot

    tab = open_tab(DESKTOP, serve(EngineSlot(engine=ScriptedBot())))
    expect(tab.page.get_by_role("tab", name="相談する")).to_be_visible()
    expect(tab.page.get_by_role("tab", name=re.compile("窓口"))).to_have_count(0)
    expect(tab.page.locator("#sn-sheet")).to_have_count(0)
