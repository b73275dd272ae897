"""How the dashboard looks (SVG baselines in __snapshots__/): frozen data, fixed today,
both languages, at the smallest (80×24) and the usual (120×40) terminal sizes.

Regenerate after an intended change: ``pytest tests/tui/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest

from tui.conftest import make_app, settle


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_dashboard_es(tui_db, spanish, snap_compare, size):
    assert snap_compare(make_app(tui_db, lang="es"), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_dashboard_en(tui_db, snap_compare, size):
    assert snap_compare(make_app(tui_db, lang="en"), terminal_size=size, run_before=settle)
