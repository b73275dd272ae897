"""The streamed merge of a report's parts (reports/merge.py) on small PDFs built here: pages in
order with their overlays on top, inherited page attributes, bookmarks (nested, closed,
titles that look like references), named destinations across parts, the first part's
catalogue, and refusals when pages and overlays do not match. Read back with pypdf (strict)
and checked with qpdf."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, OutlineItem, Pdf, String
from pypdf import PdfReader

from qms_tui.reports import merge as merge_module
from qms_tui.reports.merge import merge

LETTER = (612, 792)


def _font(pdf: Pdf) -> object:
    return pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))


def _text_stream(pdf: Pdf, text: str, y: int = 700) -> object:
    return pdf.make_indirect(pikepdf.Stream(pdf, f"BT /F1 12 Tf 72 {y} Td ({text}) Tj ET".encode()))


def make_part(path: Path, label: str, pages: int, *, inherit: bool = False, dests: tuple[str, ...] = (),
              bookmarks: bool = True, size: tuple[int, int] = LETTER, attach: bool = False) -> Path:
    """``pages`` pages saying "<label> page N"; with ``inherit`` their resources and media box
    come from the page tree; a bookmark per page under one closed item; ``dests`` name its
    first page."""
    pdf = Pdf.new()
    font = _font(pdf)
    resources = pdf.make_indirect(Dictionary(Font=Dictionary(F1=font)))
    for n in range(pages):
        page = Dictionary(Type=Name.Page, Contents=_text_stream(pdf, f"{label} page {n + 1}"))
        if not inherit:
            page.MediaBox = Array([0, 0, *size])
            page.Resources = resources
        pdf.pages.append(pikepdf.Page(page))
    if inherit:
        pdf.Root.Pages.MediaBox = Array([0, 0, *size])
        pdf.Root.Pages.Resources = resources
        for page in pdf.pages:
            for key in ("/MediaBox", "/Resources"):
                if key in page.obj:
                    del page.obj[key]
    if bookmarks:
        with pdf.open_outline() as outline:
            top = OutlineItem(f"{label} (7 0 R)", 0)
            top.is_closed = True
            top.children.extend(OutlineItem(f"{label} {n + 1}", n) for n in range(pages))
            outline.root.append(top)
    if dests:
        flat = Array()
        for name in sorted(dests):
            flat.append(String(name))
            flat.append(Array([pdf.pages[0].obj, Name.XYZ, 0, 792, 0]))
        pdf.Root.Names = Dictionary(Dests=Dictionary(Names=flat))
    if attach:
        pdf.attachments["manifest.json"] = pikepdf.AttachedFileSpec(pdf, b'{"ok": true}')
        spec = pdf.Root.Names.EmbeddedFiles.Names[1]
        pdf.Root.AF = Array([spec, spec])
    pdf.docinfo["/Title"] = f"{label} title"
    pdf.save(path)
    return path


def make_stamps(path: Path, first: int, count: int, total: int, size: tuple[int, int] = LETTER) -> Path:
    pdf = Pdf.new()
    resources = pdf.make_indirect(Dictionary(Font=Dictionary(F1=_font(pdf))))
    for n in range(count):
        # like WeasyPrint's pages, the content leaves its transformation in place
        content = f"1 0 0 -1 0 {size[1]} cm BT /F1 9 Tf 1 0 0 -1 400 780 Tm (stamp {first + n} of {total}) Tj ET"
        pdf.pages.append(pikepdf.Page(Dictionary(
            Type=Name.Page, MediaBox=Array([0, 0, *size]), Resources=resources,
            Contents=pdf.make_indirect(pikepdf.Stream(pdf, content.encode())))))
    pdf.save(path)
    return path


def texts(path: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(path, strict=True).pages]


def check(path: Path) -> None:
    with Pdf.open(path) as pdf:
        assert pdf.check_pdf_syntax() == []


def test_pages_in_order_each_with_its_overlay(tmp_path):
    a = make_part(tmp_path / "a.pdf", "A", 2, attach=True)
    b = make_part(tmp_path / "b.pdf", "B", 3, inherit=True)
    stamps = [make_stamps(tmp_path / "s1.pdf", 1, 3, 5), make_stamps(tmp_path / "s2.pdf", 4, 2, 5)]
    out = tmp_path / "out.pdf"
    assert merge([str(a), str(b)], [str(s) for s in stamps], str(out)) == 5
    check(out)
    found = texts(out)
    expected = ["A page 1", "A page 2", "B page 1", "B page 2", "B page 3"]
    assert len(found) == 5
    for n, (text, own) in enumerate(zip(found, expected, strict=True)):
        assert own in text and f"stamp {n + 1} of 5" in text, text
    reader = PdfReader(out, strict=True)
    assert [p.mediabox[2:] for p in reader.pages] == [[612, 792]] * 5  # inherited boxes kept
    # the page's own content cannot leave its transformation to the overlay
    page = reader.pages[2]
    data = b"\n".join(c.get_object().get_data() for c in page["/Contents"])
    assert data.startswith(b"q\n") and data.rstrip().endswith(b"/QmsPage3 Do Q")
    assert "/QmsPage3" in page["/Resources"]["/XObject"]


def test_the_first_parts_catalogue_and_information_are_kept(tmp_path):
    a = make_part(tmp_path / "a.pdf", "A", 1, attach=True, dests=("front",))
    b = make_part(tmp_path / "b.pdf", "B", 1)
    out = tmp_path / "out.pdf"
    merge([str(a), str(b)], [str(make_stamps(tmp_path / "s.pdf", 1, 2, 2))], str(out))
    reader = PdfReader(out, strict=True)
    root = reader.trailer["/Root"]
    assert reader.metadata.title == "A title"
    assert reader.attachments["manifest.json"] == [b'{"ok": true}']
    assert len(root["/AF"]) == 1  # listed twice in the part, once in the merge
    assert root["/PageMode"] == "/UseOutlines"
    assert reader.trailer["/ID"][0] == reader.trailer["/ID"][1]


def test_bookmarks_of_every_part_point_to_their_pages(tmp_path):
    a = make_part(tmp_path / "a.pdf", "A", 2)
    b = make_part(tmp_path / "b.pdf", "B", 2)
    out = tmp_path / "out.pdf"
    merge([str(a), str(b)], [str(make_stamps(tmp_path / "s.pdf", 1, 4, 4))], str(out))
    reader = PdfReader(out, strict=True)
    tops = [item for item in reader.outline if not isinstance(item, list)]
    assert [t.title for t in tops] == ["A (7 0 R)", "B (7 0 R)"]  # a title is not a reference
    assert [reader.get_destination_page_number(t) for t in tops] == [0, 2]
    kids = [item for item in reader.outline if isinstance(item, list)]
    assert [[(k.title, reader.get_destination_page_number(k)) for k in ks] for ks in kids] == [
        [("A 1", 0), ("A 2", 1)], [("B 1", 2), ("B 2", 3)]]
    with Pdf.open(out) as pdf:
        first = pdf.Root.Outlines.First
        assert int(first.Count) == -2  # closed, as in the part
        assert int(pdf.Root.Outlines.Count) == 2


def test_named_destinations_from_every_part_the_first_of_a_name_wins(tmp_path, monkeypatch):
    monkeypatch.setattr(merge_module, "_NAMES_PER_LEAF", 2)  # a tree of leaves with limits
    a = make_part(tmp_path / "a.pdf", "A", 1, dests=("c-4.1", "shared"))
    b = make_part(tmp_path / "b.pdf", "B", 1, dests=("c-9.2", "shared", "z-last"))
    out = tmp_path / "out.pdf"
    merge([str(a), str(b)], [str(make_stamps(tmp_path / "s.pdf", 1, 2, 2))], str(out))
    reader = PdfReader(out, strict=True)
    dests = {name: reader.get_destination_page_number(d) for name, d in reader.named_destinations.items()}
    assert dests == {"c-4.1": 0, "shared": 0, "c-9.2": 1, "z-last": 1}
    with Pdf.open(out) as pdf:
        leaves = pdf.Root.Names.Dests.Kids
        assert [[str(x) for x in leaf.Limits] for leaf in leaves] == [["c-4.1", "c-9.2"], ["shared", "z-last"]]


def test_an_overlay_of_another_size_is_fitted_to_the_page(tmp_path):
    a = make_part(tmp_path / "a.pdf", "A", 1, size=(792, 612))  # landscape
    out = tmp_path / "out.pdf"
    merge([str(a)], [str(make_stamps(tmp_path / "s.pdf", 1, 1, 1))], str(out))
    with Pdf.open(out) as pdf:
        top = pdf.pages[0].obj.Contents[-1].read_bytes()
    scale = b"%.4f" % (612 / 792)
    assert top.startswith(b"Q\nq " + scale + b" 0 0 " + scale + b" ")
    assert "stamp 1 of 1" in texts(out)[0]


@pytest.mark.parametrize(("pages", "stamped", "message"), [
    (3, 2, "fewer overlays than pages (page 3)"),
    (2, 3, "more overlays than pages"),
])
def test_pages_and_overlays_must_match(tmp_path, pages, stamped, message):
    a = make_part(tmp_path / "a.pdf", "A", pages)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        merge([str(a)], [str(make_stamps(tmp_path / "s.pdf", 1, stamped, stamped))], str(tmp_path / "out.pdf"))
