"""``qms serve``: the TUI in a browser through textual-serve.

textual-serve answers ``/`` (a page with xterm.js), ``/ws`` (a websocket per browser tab, each
running one app subprocess) and ``/download/{key}`` (files the app delivers). It has no login:
every subprocess runs as the server's OS account. So the command it runs here is
``qms web-session`` (:mod:`qms_tui.web.app`), which asks for a QMS user and password before it
reads anything. On top of textual-serve this server:

- passes the database URL and the language to the sessions in their environment (never on
  a command line, which ``ps`` shows), with the browser's address for the login's rate limit
  (behind a reverse proxy on the same machine, its ``X-Real-IP`` / last ``X-Forwarded-For``);
- refuses websockets opened by pages of other sites (their ``Origin`` is not this server's);
- caps the number of sessions at once (each is a process);
- serves its own copy of the page: no web fonts from outside, the session's language, and
  PDF downloads that popup blockers do not stop;
- adds security headers (no framing, no referrer, no sniffing).

Put it behind a reverse proxy with TLS (``deploy/``): the page and the websocket carry the
password and the records.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import shlex
import socket
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from qms_tui.domain.enums import N_
from qms_tui.domain.errors import QmsError
from qms_tui.i18n import tr
from qms_tui.web import CLIENT_ENV

log = logging.getLogger("textual-serve")
TEMPLATES = Path(__file__).with_name("templates")
DEFAULT_MAX_SESSIONS = 20
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "frame-ancestors 'none'",
}


def session_command(idle_minutes: float) -> str:
    """The shell command textual-serve runs for each browser session."""
    return shlex.join([sys.executable, "-m", "qms_tui", "web-session", "--idle-minutes", f"{idle_minutes:g}"])


def client_address(request: web.Request) -> str:
    """The browser's address: the peer's, or the one a reverse proxy on this machine (a
    loopback peer) reports in ``X-Real-IP`` or last in ``X-Forwarded-For``."""
    peer = request.remote or ""
    try:
        loopback = ipaddress.ip_address(peer).is_loopback
    except ValueError:
        loopback = False
    if loopback:
        forwarded = request.headers.get("X-Real-IP") or request.headers.get("X-Forwarded-For", "").split(",")[-1]
        forwarded = forwarded.strip()
        if forwarded:
            return forwarded[:64]
    return peer[:64] or "unknown"


class SessionService(AppService):
    """One browser session's subprocess, with the QMS settings in its environment."""

    def __init__(self, command: str, *, environment: dict[str, str], **kwargs: Any) -> None:
        super().__init__(command, **kwargs)
        self.qms_environment = environment

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env = super()._build_environment(width=width, height=height)
        env.update(self.qms_environment)
        return env

    async def stop(self) -> None:
        """Stop the session and wait for its process to end (killed after 10 s)."""
        process = self._process
        await super().stop()
        if process is not None and process.returncode is None:
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()


class QmsServer(Server):
    def __init__(
        self,
        *,
        db_url: str,
        lang: str,
        host: str = "127.0.0.1",
        port: int = 8000,
        public_url: str | None = None,
        idle_minutes: float = 15.0,
        max_sessions: int = DEFAULT_MAX_SESSIONS,
    ) -> None:
        super().__init__(session_command(idle_minutes), host=host, port=port, title="SGCE",
                         public_url=public_url, templates_path=TEMPLATES)
        self.db_url, self.lang = db_url, lang
        self.max_sessions = max_sessions
        self.open_sockets: set[web.WebSocketResponse] = set()

    def environment(self, client: str) -> dict[str, str]:
        return {"QMS_DATABASE_URL": self.db_url, "QMS_LANG": self.lang, CLIENT_ENV: client}

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        aiohttp_jinja2.get_env(app).globals["qms"] = {
            "lang": self.lang, "session_ended": tr("Session ended."), "restart": tr("Start again"),
            "start": tr("Start"),
        }
        app.on_response_prepare.append(self._security_headers)
        return app

    async def _security_headers(self, _request: web.Request, response: web.StreamResponse) -> None:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)

    @property
    def sessions(self) -> int:
        return len(self.open_sockets)

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every session (each app then quits), or the server would wait for them."""
        for websocket in list(self.open_sockets):
            await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")

    async def on_startup(self, app: web.Application) -> None:
        self.console.print(tr("qms serve: the TUI in a browser at {url} (ctrl+c stops it)", url=self.public_url),
                           highlight=False, markup=False)

    def same_origin(self, request: web.Request) -> bool:
        """Whether the websocket was opened by this server's page (browsers send ``Origin``;
        other clients may not, and are let through: they still face the login)."""
        origin = request.headers.get("Origin")
        if not origin:
            return True
        netloc = urlsplit(origin).netloc.lower()
        return netloc in {request.host.lower(), urlsplit(self.public_url).netloc.lower()}

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """textual-serve's handler, with the origin check, the cap on sessions and the
        session's environment."""
        if not self.same_origin(request):
            log.warning("websocket refused: origin %s is not this server", request.headers.get("Origin"))
            raise web.HTTPForbidden(text="origin not allowed")
        if self.sessions >= self.max_sessions:
            log.warning("websocket refused: %d sessions already open", self.sessions)
            raise web.HTTPServiceUnavailable(text="too many sessions")
        client = client_address(request)
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        app_service: AppService | None = None
        self.open_sockets.add(websocket)
        try:
            await websocket.prepare(request)
            app_service = SessionService(
                self.command, environment=self.environment(client), write_bytes=websocket.send_bytes,
                write_str=websocket.send_str, close=websocket.close, download_manager=self.download_manager,
                debug=self.debug,
            )
            log.info("session from %s (%d open)", client, self.sessions)
            await app_service.start(width, height)
            try:
                await self._process_messages(websocket, app_service)
            finally:
                await app_service.stop()
        except Exception as error:  # noqa: BLE001 - one browser's trouble must not stop the server
            log.exception(error)
        finally:
            self.open_sockets.discard(websocket)
            if app_service is not None:
                await app_service.stop()
        return websocket


def check_address(host: str, port: int) -> None:
    """Refuse now, in one line, an address this machine cannot listen on (taken, not its own)."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        socket.create_server((host, port), family=family).close()
    except OSError as exc:
        raise QmsError(N_("cannot listen on {host}:{port}: {reason}"), host=host, port=port,
                       reason=exc.strerror or str(exc)) from None


def serve(db_url: str, lang: str, *, host: str, port: int, public_url: str | None, idle_minutes: float,
          max_sessions: int) -> None:
    """Run the server until ctrl+c or SIGTERM."""
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    check_address(host, port)
    server = QmsServer(db_url=db_url, lang=lang, host=host, port=port, public_url=public_url,
                       idle_minutes=idle_minutes, max_sessions=max_sessions)
    try:
        server.serve()
    except OSError as exc:  # the address is taken or not this machine's
        raise QmsError(N_("cannot listen on {host}:{port}: {reason}"), host=host, port=port,
                       reason=exc.strerror or str(exc)) from None
