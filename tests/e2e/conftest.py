"""``qms serve`` on a demo database in a temporary folder, as a real subprocess on a free port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

USER, PASSWORD = "lhernandez", "clave-web-2025"
POLICY_WORDS = "administrar elecciones locales"  # in the demo's policy in force (the dashboard shows it)


@dataclass(frozen=True)
class Served:
    url: str
    db_url: str
    folder: Path
    log: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def demo_database(folder: Path) -> str:
    """A demo database with a password for USER (set as ``qms users passwd`` sets it)."""
    from qms_tui.db.session import Database
    from qms_tui.demo import load_demo
    from qms_tui.domain.actor import SYSTEM
    from qms_tui.services import users
    from qms_tui.services.setup import init_database

    url = f"sqlite:///{folder / 'demo.db'}"
    db = Database(url)
    try:
        init_database(db)
        load_demo(db)
        users.set_pin(db, SYSTEM, USER, PASSWORD)
    finally:
        db.dispose()
    return url


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("serve")
    db_url = demo_database(folder)
    port = free_port()
    log = folder / "serve.log"
    env = {**os.environ, "QMS_DATA_DIR": str(folder / "data"), "TMPDIR": str(folder)}
    env.pop("QMS_DATABASE_URL", None)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "qms_tui", "--db", db_url, "--lang", "en", "serve", "--port", str(port),
             "--idle-minutes", "5"],
            cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"qms serve did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield Served(url, db_url, folder, log)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
