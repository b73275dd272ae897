"""Issue 9, end to end: ``qms serve`` on the demo data, used from a real headless Chromium
(Debian's ``chromium`` + ``chromedriver``, driven by selenium): the page loads, a wrong
password is refused, the right one shows the dashboard, a report downloads as a PDF. And,
with a plain websocket client: before a login nothing of the records reaches the browser,
whatever keys are sent.

The web terminal draws on a canvas, so the test reads it from the bytes the page's websocket
received (captured by a script the test adds to the page) drawn by a terminal emulator.
"""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from e2e.conftest import PASSWORD, POLICY_WORDS, USER, Served

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--window-size=1400,1000")
pytestmark = pytest.mark.e2e

#: Added to the page before its own scripts: keeps every binary message of its websockets.
CAPTURE = r"""
(() => {
  window.__qmsChunks = [];
  const Native = window.WebSocket;
  class Capturing extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (typeof event.data === "string") return;
        const bytes = new Uint8Array(event.data);
        let text = "";
        for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
        window.__qmsChunks.push(btoa(text));
      });
    }
  }
  window.WebSocket = Capturing;
})();
"""

#: Text of records of the demo data, and of the screens that show them.
RECORD_TEXT = (POLICY_WORDS, "POL-02", "IND-001", "OBJ-01", "NC-20", "AUD-20", "Laura Hernández",
               "Quality policy", "Dashboard", "Open nonconformities")


def _view():  # type: ignore[no-untyped-def]
    pytest.importorskip("pyte", reason="pyte is a dev dependency: pip install -e '.[dev]'")
    from e2e.terminal import TerminalView

    return TerminalView()


def _login_attempts(db_url: str) -> list[Any]:
    from qms_tui.db.models import LoginAttempt
    from qms_tui.db.session import Database

    db = Database(db_url)
    try:
        with db.read() as s:
            return list(s.execute(select(LoginAttempt.login, LoginAttempt.success, LoginAttempt.source)
                                  .order_by(LoginAttempt.id)))
    finally:
        db.dispose()


# ---------------------------------------------------------------- no data before the login


async def _talk(url: str, keys: list[str], view: Any) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as http, \
            http.ws_connect(url.replace("http", "ws", 1) + "/ws?width=160&height=48") as ws:
        await ws.send_str(json.dumps(["resize", {"width": 160, "height": 48}]))

        async def read() -> None:
            async for message in ws:
                if message.type == aiohttp.WSMsgType.BINARY:
                    view.feed(message.data)

        reader = asyncio.create_task(read())
        deadline = time.monotonic() + 20
        while "Password" not in view.text and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert "Password" in view.text, view.shown()
        for key in keys:  # everything that opens data in the TUI
            await ws.send_str(json.dumps(["stdin", key]))
            await asyncio.sleep(0.25)
        await asyncio.sleep(1.5)
        reader.cancel()


def test_before_the_login_no_record_reaches_the_browser(served: Served) -> None:
    view = _view()
    keys = ["\x10", "Reports", "\r", "\x1b", "\x06", "/", "g", "d", "\x1b[H", "\x1bOP", "\x1b",
            "\t", "\t", "\r", "\x1b", "g", "i", "\x10", "Log out", "\r"]
    asyncio.run(_talk(served.url, keys, view))
    sent = view.everything_sent()
    assert "Log in with your QMS user and password." in sent
    for text in RECORD_TEXT:
        assert text not in sent, f"{text!r} reached the browser before a login:\n{view.shown()}"
    assert "User" in view.text and "Password" in view.text  # still the login screen
    assert not any(a.success for a in _login_attempts(served.db_url))


# ---------------------------------------------------------------- the browser


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip("needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver): "
                    "apt-get install chromium chromium-driver (.ci/run installs them)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is a dev dependency: pip install -e '.[dev]'")
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CAPTURE})
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        driver.downloads = downloads
        yield driver
    finally:
        driver.quit()


class Tab:
    """The page of ``qms serve`` in the browser: keys typed into xterm.js, screen read back."""

    def __init__(self, driver: Any, view: Any) -> None:
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        self.driver, self.view, self.Keys, self.ActionChains = driver, view, Keys, ActionChains

    def pump(self) -> str:
        for chunk in self.driver.execute_script("return window.__qmsChunks.splice(0)"):
            self.view.feed(base64.b64decode(chunk))
        return self.view.text

    def wait_for(self, text: str, timeout: float = 20, gone: bool = False) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.pump()
            if (text not in screen) if gone else (text in screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{'still' if gone else 'never'} shown: {text!r}\n{self.view.shown()}")

    def type(self, *keys: str) -> None:
        self.ActionChains(self.driver).send_keys(*keys).perform()

    def type_then_move(self, text: str, key: str) -> None:
        """Type ``text``, then ``key`` (tab, enter) once the text has arrived: keys for a
        widget are queued by it, so a key that moves the focus must not overtake the text."""
        self.type(text)
        time.sleep(0.4)
        self.type(key)
        time.sleep(0.4)

    def ctrl(self, key: str) -> None:
        Keys = self.Keys
        self.ActionChains(self.driver).key_down(Keys.CONTROL).send_keys(key).key_up(Keys.CONTROL).perform()


def test_login_dashboard_and_a_report_downloaded_in_chromium(served: Served, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    started = time.monotonic()
    tab = Tab(browser, _view())
    browser.get(served.url + "/")
    assert browser.title == "SGCE"
    tab.wait_for("Log in with your QMS user and password.")
    assert not any(text in tab.view.everything_sent() for text in RECORD_TEXT)
    browser.find_element(By.CSS_SELECTOR, ".xterm").click()  # the terminal takes the keys

    # a wrong password is refused
    tab.type_then_move(USER, tab.Keys.TAB)
    tab.type_then_move("not-the-password", tab.Keys.ENTER)
    tab.wait_for("wrong user or password")
    assert POLICY_WORDS not in tab.view.everything_sent()

    # the right one shows the dashboard, as that user
    tab.type_then_move(PASSWORD, tab.Keys.ENTER)
    screen = tab.wait_for(POLICY_WORDS)
    assert "Laura Hernández Ruiz · quality coordinator" in screen
    assert [(a.success, a.source) for a in _login_attempts(served.db_url) if a.login == USER] == [
        (False, "web:127.0.0.1"), (True, "web:127.0.0.1")]

    # Reports (from the command palette): the nonconformity and action log, ctrl+g
    tab.ctrl("p")
    tab.wait_for("Type a list, a form or a command")
    tab.type("Reports")
    tab.wait_for("Generate certification-evidence PDFs")
    tab.type(tab.Keys.ENTER)
    tab.wait_for("Language of the report")
    for _ in range(4):  # focus the report's kind and open its list
        tab.type(tab.Keys.TAB, tab.Keys.ENTER)
        try:
            tab.wait_for("Nonconformity and action log", timeout=2)
            break
        except AssertionError:
            tab.type(tab.Keys.ESCAPE)
    tab.type(tab.Keys.END, tab.Keys.ENTER)
    tab.wait_for("Dismiss menu", gone=True)
    tab.ctrl("g")
    screen = tab.wait_for("Sent to your browser as a download", timeout=40)

    # the PDF lands in the browser's download folder
    deadline = time.monotonic() + 20
    pdfs: list[Path] = []
    while time.monotonic() < deadline:
        pdfs = [p for p in browser.downloads.iterdir() if p.suffix == ".pdf"]
        if pdfs and not any(p.name.endswith(".crdownload") for p in browser.downloads.iterdir()):
            break
        time.sleep(0.2)
    assert [p.name for p in pdfs] == [f"qms-capa-{time.strftime('%Y-%m-%d')}.pdf"], screen
    content = pdfs[0].read_bytes()
    assert content.startswith(b"%PDF") and len(content) > 10_000
    assert time.monotonic() - started < 60


def test_page_has_no_outside_resources_and_refuses_foreign_websockets(served: Served) -> None:
    import urllib.error
    import urllib.request

    with urllib.request.urlopen(served.url + "/", timeout=5) as response:
        page = response.read().decode()
        assert response.headers["X-Frame-Options"] == "DENY"
    assert "googleapis" not in page and 'lang="en"' in page
    request = urllib.request.Request(served.url + "/ws", headers={
        "Origin": "https://evil.example", "Connection": "Upgrade", "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": base64.b64encode(b"0123456789abcdef").decode()})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=5)
    assert info.value.code == 403


def test_chromium_is_there_in_ci() -> None:
    """CI installs chromium (.ci/run): there the browser test must not be skipped."""
    import os

    if os.environ.get("CI"):
        assert CHROMIUM.exists() and CHROMEDRIVER.exists() and shutil.which("chromium")
