"""The trail viewer's text search (``trail_page`` with ``count_cap``): the page and the count
from one scan, and a longer text searched among the previous text's matches and newer
events only — always the same events as the plain search; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from qms_tui.services import records
from qms_tui.services.trail import trail_page


@pytest.fixture
def people(db, actor):  # type: ignore[no-untyped-def]
    """60 people (a create and a rename each: 120 events), codes p00…p59, summaries
    "alta Persona N" and "Persona N Ruiz"."""
    with db.write() as s:
        for i in range(60):
            records.create(s, actor, "person", {"code": f"p{i:02d}", "name": f"Persona {i}", "role": "reader"},
                           summary=f"alta Persona {i}")
        for i in range(60):
            records.update(s, actor, "person", f"p{i:02d}", {"name": f"Persona {i} Ruiz"},
                           summary=f"Persona {i} Ruiz")
    return db


def _plain(db, text, **kw):  # type: ignore[no-untyped-def]
    """The search without the count cap: the reference."""
    page = trail_page(db, text=text, **kw)
    return [r.seq for r in page.rows], page.total


def _typed(db, word, **kw):  # type: ignore[no-untyped-def]
    """Type ``word`` key by key as the viewer does, handing each page's matches to the next."""
    within, pages = None, []
    for n in range(1, len(word) + 1):
        page = trail_page(db, text=word[:n], count_cap=50, within=within, **kw)
        pages.append((word[:n], page))
        within = page.matches
    return pages


@pytest.mark.parametrize("word", ["p1", "P05", "persona 1", "ruiz", "zz", "p5%"])
def test_typing_finds_what_the_plain_search_finds(people, word):
    for text, page in _typed(people, word, limit=10):
        seqs, total = _plain(people, text, limit=10)
        assert [r.seq for r in page.rows] == seqs, text
        if page.exact:
            assert page.total == total, text
        else:  # stopped at the cap
            assert total >= page.total >= 50, text


def test_matches_are_kept_only_under_the_cap(people):
    many = trail_page(people, text="p", count_cap=50, limit=10)
    assert not many.exact and many.matches is None  # 120+ events: not kept
    few = trail_page(people, text="p05", count_cap=50, limit=10)
    assert few.exact and few.total == 2 and few.matches is not None
    assert sorted(few.matches.seqs) == sorted(r.seq for r in few.rows)


def test_a_newer_event_is_found_by_a_narrowed_search(people, actor):
    first = trail_page(people, text="p05", count_cap=50, limit=10)
    assert first.total == 2
    with people.write() as s:
        records.update(s, actor, "person", "p05", {"name": "Persona cinco"}, summary="Persona cinco")
    page = trail_page(people, text="p05", count_cap=50, limit=10, within=first.matches)
    assert page.total == 3 and page.rows[0].summary == "Persona cinco"
    assert [r.seq for r in page.rows] == _plain(people, "p05", limit=10)[0]


def test_matches_of_another_text_or_filter_are_not_used(people):
    """A shorter text (a key deleted) or other filters search the whole trail again."""
    narrow = trail_page(people, text="p05", count_cap=50, limit=10)
    for text, kw in (("p0", {}), ("p", {}), ("p05", {"entity": "indicator"}), ("p05", {"actor": "nadie"})):
        page = trail_page(people, text=text, count_cap=50, limit=10, within=narrow.matches, **kw)
        assert [r.seq for r in page.rows] == _plain(people, text, limit=10, **kw)[0], (text, kw)


def test_later_pages_of_a_narrowed_search(people):
    first = trail_page(people, text="persona 1", count_cap=50, limit=5)
    assert first.exact and first.total == 22  # persona 1, 10…19: create and rename each
    got = []
    for offset in range(0, 25, 5):
        page = trail_page(people, text="persona 1", count_cap=50, limit=5, offset=offset, within=first.matches)
        got += [r.seq for r in page.rows]
    assert got == _plain(people, "persona 1", limit=100)[0]
    ascending = trail_page(people, text="persona 1", count_cap=50, limit=5, descending=False, within=first.matches)
    assert [r.seq for r in ascending.rows] == sorted(got)[:5]
