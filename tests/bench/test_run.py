"""bench/run: the smoke run prints the one table (figure, ours, baseline, ratio, goal, met?)
and exits 0; the suite reads the import benchmark's output and refuses bad usage.

The smoke run is ``bench/run --quick`` without the evidence PDF (the PDF alone takes ~30 s
at N = 1; the report tests cover rendering), on databases generated into a temporary folder.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "bench" / "run"


def _suite():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_suite", ROOT / "bench" / "suite.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_suite"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_quick_run_prints_the_table_with_ratios(tmp_path):
    env = dict(os.environ, QMS_BENCH_NO_INSTALL="1")
    out = tmp_path / "run.json"
    proc = subprocess.run(
        [str(RUN), "--quick", "--only", "startup,dashboard,lists,import", "--data", str(tmp_path / "data"),
         "--json", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    header = next(line for line in lines if line.startswith("| figure"))
    assert [c.strip() for c in header.strip("|").split("|")] == [
        "figure", "ours", "baseline (same run)", "ratio", "goal", "met?"]
    rows = [line for line in lines if line.startswith("| ") and not line.startswith("| figure")]
    figures = " ".join(rows)
    for what in ("start-up", "dashboard queries x2", "keystroke", "trail events", "first page", "import"):
        assert what in figures, what
    for row in rows:
        ratio = row.strip("|").split("|")[3].strip()
        assert re.fullmatch(r"\d+\.\d\d×", ratio), row
    assert re.search(r"goals met: \d+ of \d+", proc.stdout)
    assert "machine: " in proc.stdout and "SQLite" in proc.stdout
    saved = json.loads(out.read_text())
    assert len(saved["rows"]) == len(rows) and not saved["errors"]
    assert any(p.name.startswith("qms-x2-") for p in (tmp_path / "data").glob("*.db"))


def test_the_import_output_is_read():
    suite = _suite()
    printed = ("rows: 100,000\nsqlite3 executemany: 0.412 s  (runs: 0.41, 0.42)\n"
               "qms import:          1.103 s  (runs: 1.10, 1.11)\nratio: 2.68x (bound: 3x)\n")
    assert suite._PLAIN.search(printed).group(1) == "0.412"
    assert suite._OURS.search(printed).group(1) == "1.103"


def test_the_table_has_a_ratio_column_and_says_what_is_missed():
    suite = _suite()
    text = suite.table([
        suite.Row("a figure", "1.00 s", "0.50 s", 2.0, "≤ 1.5×", False),
        suite.Row("another", "10 ms", "10 ms", None, "(info)", None),
    ])
    lines = text.splitlines()
    assert "ratio" in lines[0] and "2.00×" in lines[2] and "NO" in lines[2]
    assert "—" in lines[3]


def test_bad_usage_exits_2():
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "suite.py"), "--only", "nothing"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "unknown benchmark" in proc.stderr
