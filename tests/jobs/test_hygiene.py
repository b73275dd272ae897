"""The scheduler never loads the TUI (ARCHITECTURE.md invariants 1 and 6), checked in fresh
processes."""

from __future__ import annotations

import os
import subprocess
import sys

MODULES = ("qms_tui.jobs.scheduler", "qms_tui.jobs.tasks", "qms_tui.jobs.runner", "qms_tui.jobs.commands",
           "qms_tui.jobs.backup", "qms_tui.jobs.mail", "qms_tui.jobs.lock", "qms_tui.services.notifications",
           "qms_tui.services.reminders")


def _loaded(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint('LOADED', sorted({{m.split('.')[0] for m in sys.modules}}))"
    env = {**os.environ, "QMS_LANG": "en"}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    return set(eval(done.stdout.strip().splitlines()[-1][len("LOADED "):]))


def test_jobs_never_import_textual():
    loaded = _loaded("import " + ", ".join(MODULES))
    assert "textual" not in loaded and "weasyprint" not in loaded
    assert "apscheduler" not in loaded  # loaded only by the daemon and the trigger maths


def test_scheduler_commands_do_not_load_the_tui(tmp_path):
    path = str(tmp_path / "q.db")
    init = subprocess.run([sys.executable, "-m", "qms_tui", "init", "--db", path], capture_output=True,
                          text=True, timeout=120)
    assert init.returncode == 0, init.stderr
    code = ("from qms_tui.cli import main\ntry:\n"
            f"    main(['scheduler', 'jobs', '--db', {path!r}])\nexcept SystemExit:\n    pass")
    loaded = _loaded(code)
    assert "textual" not in loaded and "weasyprint" not in loaded
