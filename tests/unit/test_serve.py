"""``qms serve`` (issue 9) without a browser: its errors are one line, what it runs for each
session and with which environment, the browser's address, and that it stays off the TUI's path."""

from __future__ import annotations

import asyncio
import shlex
import socket
import subprocess
import sys

import pytest
from aiohttp.test_utils import make_mocked_request
from click.testing import CliRunner

from qms_tui.cli import cli


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("QMS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("QMS_DATABASE_URL", raising=False)
    monkeypatch.delenv("QMS_DEBUG", raising=False)


def qms(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--lang", "en", *args], catch_exceptions=True)


def test_serve_refuses_a_database_that_is_not_a_qms_one_in_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = qms("serve", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"error: {tmp_path / 'none.db'} is not a QMS database yet: run `qms init` (or `qms demo`)"]


@pytest.fixture
def database(tmp_path) -> str:  # type: ignore[no-untyped-def]
    path = str(tmp_path / "q.db")
    assert qms("init", "--db", path).exit_code == 0
    return path


def test_serve_on_every_address_needs_the_public_url(database) -> None:  # type: ignore[no-untyped-def]
    result = qms("serve", "--db", database, "--host", "0.0.0.0")
    assert result.exit_code == 2
    assert result.output.strip() == "error: --public-url is required with --host 0.0.0.0: the address browsers use"


def test_serve_on_a_taken_port_says_so_in_one_line(database) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = qms("serve", "--db", database, "--port", str(port))
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"error: cannot listen on 127.0.0.1:{port}: ") and "in use" in line


def test_each_session_runs_the_web_session_command_with_its_settings_in_the_environment() -> None:
    from qms_tui.web import CLIENT_ENV
    from qms_tui.web.server import QmsServer, session_command

    assert shlex.split(session_command(7.5)) == [sys.executable, "-m", "qms_tui", "web-session",
                                                  "--idle-minutes", "7.5"]
    url = "postgresql+psycopg://qms:secreto@db/qms"
    server = QmsServer(db_url=url, lang="es", port=8123, idle_minutes=10)
    assert "secreto" not in server.command and "postgresql" not in server.command  # `ps` shows commands
    assert server.environment("10.1.2.3") == {"QMS_DATABASE_URL": url, "QMS_LANG": "es", CLIENT_ENV: "10.1.2.3"}
    assert server.public_url == "http://127.0.0.1:8123"


class Transport:
    def __init__(self, peer: str) -> None:
        self.peer = peer

    def get_extra_info(self, name: str, default=None):  # type: ignore[no-untyped-def]
        return (self.peer, 40000) if name == "peername" else default


def request(peer: str, **headers: str):  # type: ignore[no-untyped-def]
    return make_mocked_request("GET", "/ws", headers=headers, transport=Transport(peer))


def test_the_browser_address_is_the_peer_or_what_a_local_proxy_says() -> None:
    from qms_tui.web.server import client_address

    assert client_address(request("203.0.113.9")) == "203.0.113.9"
    # a proxy on this machine: its headers tell the browser's address
    assert client_address(request("127.0.0.1", **{"X-Real-IP": "198.51.100.4"})) == "198.51.100.4"
    assert client_address(request("::1", **{"X-Forwarded-For": "10.0.0.1, 198.51.100.7"})) == "198.51.100.7"
    # anybody else's headers are not believed
    assert client_address(request("203.0.113.9", **{"X-Real-IP": "198.51.100.4"})) == "203.0.113.9"


def test_websockets_from_pages_of_other_sites_are_refused() -> None:
    from qms_tui.web.server import QmsServer

    server = QmsServer(db_url="sqlite://", lang="en", port=8123, public_url="https://sgce.example.org")

    def allowed(origin: str | None, host: str = "127.0.0.1:8123") -> bool:
        headers = {"Host": host, **({"Origin": origin} if origin else {})}
        return server.same_origin(make_mocked_request("GET", "/ws", headers=headers))

    assert allowed("http://127.0.0.1:8123") and allowed(None)
    assert allowed("https://sgce.example.org", host="sgce.example.org")
    assert not allowed("https://evil.example") and not allowed("http://127.0.0.1:9999")


def test_the_cli_stays_light_and_the_server_does_not_load_the_tui() -> None:
    code = ("import sys\nfrom qms_tui.cli import main\ntry:\n    main(['serve', '--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = {'textual', 'aiohttp', 'textual_serve', 'sqlalchemy'}\n"
            "print('LOADED', sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
            "import qms_tui.web.server\n"
            "print('SERVER', sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'weasyprint'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[-2] == "LOADED []" and lines[-1] == "SERVER []"


async def test_sessions_beyond_the_cap_are_refused_and_a_session_shows_the_login(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import aiohttp
    from aiohttp.test_utils import TestClient, TestServer

    from qms_tui.web.server import QmsServer

    server = QmsServer(db_url=f"sqlite:///{tmp_path / 'q.db'}", lang="en", max_sessions=1)
    async with TestClient(TestServer(await server._make_app())) as client:
        first = await client.ws_connect("/ws?width=100&height=30")
        try:
            seen = b""
            while b"Password" not in seen:  # the session's app is up: its login screen
                message = await first.receive(timeout=30)
                assert message.type == aiohttp.WSMsgType.BINARY, message
                seen += message.data
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect("/ws")
            assert refused.value.status == 503
        finally:
            await first.close()
        for _ in range(100):  # the session's process ends with its websocket
            if server.sessions == 0:
                break
            await asyncio.sleep(0.1)
        assert server.sessions == 0
