"""Layering (ARCHITECTURE.md invariant 1): the core never loads the TUI, the PDF engine or the
scheduler, and the CLI stays light until a command needs more. Checked in fresh processes."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest

HEAVY = ("textual", "weasyprint", "apscheduler")


def loaded_after(code: str, *, cwd=None) -> list[str]:  # type: ignore[no-untyped-def]
    """Run ``code`` in a fresh interpreter; the heavy top-level packages it loaded."""
    probe = (
        f"{code}\nimport sys\n"
        "print('LOADED', sorted({m.split('.')[0] for m in sys.modules}"
        " & {'textual', 'weasyprint', 'apscheduler', 'sqlmodel'}))"
    )
    env = {**os.environ, "QMS_LANG": "en"}
    env.pop("QMS_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, cwd=cwd, env=env)
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("LOADED "), done.stdout
    return eval(last[len("LOADED "):])


def test_core_modules_do_not_load_the_tui_pdf_engine_or_scheduler():
    modules = ["qms_tui.services.records", "qms_tui.db.session", "qms_tui.domain.specs"]
    if importlib.util.find_spec("qms_tui.reports") is not None:
        modules.append("qms_tui.reports")
    code = (
        f"import {', '.join(modules)}; import sys; "
        f"print([m for m in sys.modules if m.split('.')[0] in {HEAVY!r}])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_importing_the_cli_is_light():
    assert loaded_after("import qms_tui.cli") == []


def _main(argv: list[str]) -> str:
    return f"from qms_tui.cli import main\ntry:\n    main({argv!r})\nexcept SystemExit:\n    pass"


def test_qms_help_is_light():
    assert loaded_after(_main(["--help"])) == []


@pytest.mark.parametrize("initialised", [False, True], ids=["new", "initialised"])
def test_qms_db_current_is_light(tmp_path, initialised):
    path = str(tmp_path / "q.db")
    if initialised:
        done = subprocess.run([sys.executable, "-m", "qms_tui", "init", "--db", path],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    # sqlmodel is allowed here: Alembic imports the revision scripts, which use its column types
    assert [m for m in loaded_after(_main(["db", "current", "--db", path])) if m != "sqlmodel"] == []


def test_report_renderers_do_not_load_the_database_layer():
    # every renderer process imports qms_tui.reports.pdf (and the templates' helpers) and
    # unpickles its part, whose context holds the evidence pack's records, to take its first
    # job: the ORM would cost each one ~0.45 s before its first page. The command imports
    # qms_tui.reports.render to start them, before it opens the database.
    code = ("import qms_tui.reports.pdf, qms_tui.reports.render, qms_tui.reports.common, qms_tui.reports.merge\n"
            "import qms_tui.reports.charts, qms_tui.domain.evidence")
    probe = code + "\nimport sys\nprint(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'sqlmodel'}))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
