"""Start-up: wall clock from process start to the dashboard's first paint (the screen with its
panels still loading) and to its first paint with the data, against the same measurement of
a minimal Textual app (Header, Footer, a DataTable with rows: bench/minimal_app.py).

Each run is a fresh process with Textual's headless driver (``TEXTUAL_DRIVER``): everything
but writing escape codes to a terminal happens (imports, CSS, layout, rendering the lines).
``qms`` is launched the way people launch it (``python -m qms_tui --db FILE``: the CLI's
schema check, then the TUI); ``QMS_BENCH_EXIT_AFTER_PAINT=1`` makes the dashboard write the
moments of its paints to stderr and leave after the data paint.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADLESS = "textual.drivers.headless_driver:HeadlessDriver"
MARK = re.compile(r"qms-bench-(first-paint|painted) (\d+\.\d+)")


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"TEXTUAL_DRIVER": HEADLESS, "COLUMNS": "140", "LINES": "45", "QMS_LANG": "es",
                "PYTHONPATH": str(ROOT)})
    env.pop("TEXTUAL_DEBUG", None)
    env.update(extra or {})
    return env


def launch(argv: list[str], env: dict[str, str], timeout: float = 300.0) -> tuple[float, float]:
    """Seconds from spawning ``argv`` to its first paint and to its data paint."""
    start = time.time()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    marks = {name: float(t) for name, t in MARK.findall(proc.stdout + proc.stderr)}
    if "painted" not in marks:
        raise RuntimeError(f"{' '.join(argv)} did not report a paint (exit {proc.returncode}):\n"
                           f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return marks.get("first-paint", marks["painted"]) - start, marks["painted"] - start


def minimal_app() -> tuple[float, float]:
    return launch([sys.executable, str(ROOT / "bench" / "minimal_app.py")], _env())


def qms_app(db: Path, data_dir: str) -> tuple[float, float]:
    env = _env({"QMS_BENCH_EXIT_AFTER_PAINT": "1", "QMS_DATA_DIR": data_dir})
    return launch([sys.executable, "-m", "qms_tui", "--db", str(db)], env)


def measure(db: Path, repeat: int = 5) -> dict[str, float]:
    """Medians (seconds) of both launches, alternated so that noise hits both alike:
    ``base`` the minimal app's paint, ``first`` and ``data`` the dashboard's two paints."""
    ours, base = [], []
    with tempfile.TemporaryDirectory(prefix="qms-bench-") as data_dir:
        qms_app(db, data_dir)  # warm the page cache and the .pyc files
        minimal_app()
        for _ in range(repeat):
            base.append(minimal_app()[1])
            ours.append(qms_app(db, data_dir))
    return {"base": statistics.median(base), "first": statistics.median(o[0] for o in ours),
            "data": statistics.median(o[1] for o in ours)}


if __name__ == "__main__":
    r = measure(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 5)
    print(f"minimal app {r['base']:.3f} s · qms first paint {r['first']:.3f} s ({r['first'] / r['base']:.2f}x)"
          f" · data paint {r['data']:.3f} s ({r['data'] / r['base']:.2f}x)")
