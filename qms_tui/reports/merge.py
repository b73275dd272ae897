"""The merge of a report's parts (runs in a renderer process, see :mod:`pdf`), streamed: one
part is open at a time, its objects are written out renumbered and the part is closed, so
the merge holds the finished document's bookkeeping (object offsets, bookmarks, named
destinations) and never its structure (x100, 4,611 pages from 241 parts: qpdf holding the
whole document took 531 MiB).

- The first part's catalogue is kept — PDF/A-3b output intent, XMP metadata, the embedded
  manifest (``AFRelationship /Data``) — with the page tree, the bookmarks and the named
  destinations of every part.
- Each part's pages hang from a page-tree node of their own; the root holds the nodes.
- Every page is stamped with the page of the same number in the overlays ("page X of Y"): the
  page's own content is wrapped in ``q … Q`` and the overlay drawn on top as a form XObject,
  as ``pikepdf.Page.add_overlay`` does.

pikepdf (qpdf) reads the parts: an object's ``unparse`` gives its text, whose references are
renumbered (strings skipped: qpdf escapes their parentheses), and streams are copied as they
are stored (compressed). The output has a classic cross-reference table.
"""

from __future__ import annotations

import hashlib
import re
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from pikepdf import Array, Dictionary, Name, Pdf, Stream

FORM_PREFIX = "QmsPage"  # the overlays' names in the pages' resources
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
_NAMES_PER_LEAF = 500
# a literal string (qpdf escapes parentheses inside), a hex string, or a reference "12 0 R"
_TOKEN = re.compile(rb"\((?:[^\\)]|\\.)*\)|<[0-9A-Fa-f\s]*>|(?<![\w./#+-])(\d+) (\d+) R\b", re.S)


def merge(paths: Sequence[str], stamps: Sequence[str], out_path: str) -> int:
    """``paths`` (PDF files, in order) into ``out_path``, each page stamped with the page of
    the same number in ``stamps`` (files, in order); returns the number of pages."""
    with open(out_path, "wb") as f, Pdf.open(paths[0]) as first:
        writer = _Writer(f, first.pdf_version)
        overlays = _overlays(writer, stamps)
        writer.part(first, overlays, catalogue=True)
        for path in paths[1:]:
            with Pdf.open(path) as pdf:
                writer.part(pdf, overlays)
        if next(overlays, None) is not None:
            raise ValueError(f"{writer.pages} pages but more overlays than pages")
        writer.finish()
    return writer.pages


@dataclass
class _Bookmark:
    title: bytes  # the /Title token as stored
    target: bytes  # "/Dest …" or "/A …" (renumbered), or b""
    closed: bool
    children: list[_Bookmark] = field(default_factory=list)

    def visible(self) -> int:
        """Descendants shown when this item is open."""
        return sum(1 + (0 if c.closed else c.visible()) for c in self.children)


class _Writer:
    """Objects numbered as they are first referenced and written once; the page tree, the
    bookmarks and the named destinations at the end."""

    def __init__(self, f: BinaryIO, version: str) -> None:
        self.f = f
        self.offsets: list[int] = [0]
        f.write(b"%PDF-" + version.encode("ascii") + b"\n%\xe2\xe3\xcf\xd3\n")
        self.root, self.pages_root, self.outlines, self.dests = (self.reserve() for _ in range(4))
        self.wrap = self.reserve()  # "q": the part's own content keeps its graphics state to itself
        self.put(self.wrap, b"<< /Length 2 >>", b"q\n")
        self.info: int | None = None
        self.nodes: list[tuple[int, list[int]]] = []  # page-tree node, its pages
        self.pages = 0
        self.bookmarks: list[_Bookmark] = []
        self.named: dict[bytes, tuple[bytes, bytes]] = {}  # raw name → (name token, destination)

    def reserve(self) -> int:
        self.offsets.append(-1)
        return len(self.offsets) - 1

    def put(self, num: int, body: bytes, stream: bytes | None = None) -> None:
        if self.offsets[num] != -1:
            raise ValueError(f"object {num} written twice")
        self.offsets[num] = self.f.tell()
        self.f.write(b"%d 0 obj\n" % num)
        self.f.write(body)
        if stream is not None:
            self.f.write(b"\nstream\n")
            self.f.write(stream)
            self.f.write(b"\nendstream")
        self.f.write(b"\nendobj\n")

    # -------------------------------------------------------------- parts

    def _catalogue(self, src: _Source) -> None:
        """The first part's catalogue and document information, pointing to the merged page
        tree, bookmarks and named destinations (written at the end)."""
        pdf = src.pdf
        root = pdf.Root
        for key, num in (("/Pages", self.pages_root), ("/Outlines", self.outlines)):
            if key in root and root[key].is_indirect:
                src.alias(root[key], num)
            else:
                root[key] = src.placeholder(num)
        names = root.get("/Names")
        if names is None:
            root.Names = names = Dictionary()
        names.Dests = src.placeholder(self.dests)
        af = root.get("/AF")
        if af is not None:  # WeasyPrint lists each attachment twice in the PDF/A-3 array
            unique, seen = Array(), set()
            for ref in af:
                if ref.objgen not in seen:
                    seen.add(ref.objgen)
                    unique.append(ref)
            root.AF = unique
        root.PageMode = Name.UseOutlines
        self.put(self.root, src.text(root))
        info = pdf.trailer.get("/Info")
        if info is not None:
            self.info = src.ref(info) if info.is_indirect else None

    def part(self, pdf: Any, overlays: Iterator[tuple[int, tuple[float, ...]]], catalogue: bool = False) -> None:
        """Append ``pdf``'s pages (stamped with the next overlays), bookmarks and named
        destinations; with ``catalogue``, its document catalogue becomes the merged one's."""
        src = _Source(self, pdf)
        node = self.reserve()
        parent = src.placeholder(node)
        wrap = src.placeholder(self.wrap)
        kids: list[int] = []
        for page in list(pdf.pages):
            obj = page.obj
            _inherit(obj)
            try:
                form, box = next(overlays)
            except StopIteration:
                raise ValueError(f"fewer overlays than pages (page {self.pages + 1})") from None
            self.pages += 1
            name = Name(f"/{FORM_PREFIX}{self.pages}")
            resources = obj.Resources
            xobjects = resources.get("/XObject")
            if xobjects is None:
                resources.XObject = xobjects = Dictionary()
            xobjects[name] = src.placeholder(form)
            contents = obj.get("/Contents")
            own = list(contents) if isinstance(contents, Array) else [] if contents is None else [contents]
            place = _placement(box, _box(obj.get("/TrimBox", obj.MediaBox)))
            top = pdf.make_indirect(Stream(pdf, b"Q\nq " + place + name.unparse() + b" Do Q\n"))
            obj.Contents = Array([wrap, *own, top])
            obj.Parent = parent
            kids.append(src.ref(obj))
        self.nodes.append((node, kids))
        outlines = pdf.Root.get("/Outlines")
        if outlines is not None:
            self.bookmarks.extend(_bookmarks(src, outlines))
        for name_obj, dest in _named_dests(pdf):
            self.named.setdefault(bytes(name_obj), (name_obj.unparse(), src.text(dest)))
        if catalogue:
            self._catalogue(src)
        src.flush()

    # -------------------------------------------------------------- the end

    def finish(self) -> None:
        self.put(self.pages_root, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
            b" ".join(b"%d 0 R" % node for node, _ in self.nodes), self.pages))
        for node, kids in self.nodes:
            self.put(node, b"<< /Type /Pages /Parent %d 0 R /Kids [%s] /Count %d >>" % (
                self.pages_root, b" ".join(b"%d 0 R" % k for k in kids), len(kids)))
        self._outline()
        self._name_tree()
        missing = [n for n, at in enumerate(self.offsets) if at == -1 and n]
        if missing:
            raise ValueError(f"objects referenced but never written: {missing[:10]}")
        xref = self.f.tell()
        size = len(self.offsets)
        self.f.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
        self.f.write(b"".join(b"%010d 00000 n \n" % at for at in self.offsets[1:]))
        uid = hashlib.md5(b"%d %d %f" % (size, self.pages, time.time())).hexdigest().encode()  # noqa: S324
        info = b" /Info %d 0 R" % self.info if self.info else b""
        self.f.write(b"trailer\n<< /Size %d /Root %d 0 R%s /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
                     % (size, self.root, info, uid, uid, xref))

    def _outline(self) -> None:
        if not self.bookmarks:
            self.put(self.outlines, b"<< /Type /Outlines /Count 0 >>")
            return
        nums = self._number(self.bookmarks)
        self.put(self.outlines, b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>" % (
            nums[0][0], nums[-1][0], _Bookmark(b"", b"", False, self.bookmarks).visible()))
        self._put_items(nums, self.outlines)

    def _number(self, items: list[_Bookmark]) -> list[tuple[int, _Bookmark]]:
        return [(self.reserve(), item) for item in items]

    def _put_items(self, nums: list[tuple[int, _Bookmark]], parent: int) -> None:
        for i, (num, item) in enumerate(nums):
            body = [b"<< /Title ", item.title, b" /Parent %d 0 R" % parent]
            if i:
                body.append(b" /Prev %d 0 R" % nums[i - 1][0])
            if i + 1 < len(nums):
                body.append(b" /Next %d 0 R" % nums[i + 1][0])
            children = self._number(item.children)
            if children:
                count = item.visible()
                body.append(b" /First %d 0 R /Last %d 0 R /Count %d" % (
                    children[0][0], children[-1][0], -count if item.closed else count))
            if item.target:
                body += [b" ", item.target]
            body.append(b" >>")
            self.put(num, b"".join(body))
            self._put_items(children, num)

    def _name_tree(self) -> None:
        """The named destinations, sorted by name, in leaves of at most _NAMES_PER_LEAF."""
        names = sorted(self.named.items())
        if len(names) <= _NAMES_PER_LEAF:
            self.put(self.dests, b"<< /Names [%s] >>" % b" ".join(t + b" " + d for _, (t, d) in names))
            return
        leaves = []
        for n in range(0, len(names), _NAMES_PER_LEAF):
            chunk = names[n:n + _NAMES_PER_LEAF]
            num = self.reserve()
            self.put(num, b"<< /Limits [%s %s] /Names [%s] >>" % (
                chunk[0][1][0], chunk[-1][1][0], b" ".join(t + b" " + d for _, (t, d) in chunk)))
            leaves.append(num)
        self.put(self.dests, b"<< /Kids [%s] >>" % b" ".join(b"%d 0 R" % n for n in leaves))


class _Source:
    """One open PDF: its objects' numbers in the output, and those still to write."""

    def __init__(self, writer: _Writer, pdf: Any) -> None:
        self.writer, self.pdf = writer, pdf
        self.nums: dict[tuple[int, int], int] = {}
        self.todo: list[tuple[int, int]] = []

    def ref(self, obj: Any) -> int:
        return self._num(obj.objgen)

    def alias(self, obj: Any, num: int) -> None:
        """``obj`` is not copied: its references become references to output object ``num``."""
        self.nums[obj.objgen] = num

    def placeholder(self, num: int) -> Any:
        """An object of this PDF that stands for output object ``num``."""
        obj = self.pdf.make_indirect(Dictionary())
        self.alias(obj, num)
        return obj

    def _num(self, objgen: tuple[int, int]) -> int:
        num = self.nums.get(objgen)
        if num is None:
            num = self.nums[objgen] = self.writer.reserve()
            self.todo.append(objgen)
        return num

    def _renumber(self, match: re.Match[bytes]) -> bytes:
        if match.group(1) is None:
            return match.group(0)
        return b"%d 0 R" % self._num((int(match.group(1)), int(match.group(2))))

    def text(self, obj: Any) -> bytes:
        """``obj`` as PDF text, its references renumbered (and queued for writing)."""
        return _TOKEN.sub(self._renumber, obj.unparse(resolved=True))

    def flush(self) -> None:
        """Write every object queued, and those they refer to."""
        while self.todo:
            objgen = self.todo.pop()
            obj = self.pdf.get_object(objgen)
            if isinstance(obj, Stream):
                raw = obj.read_raw_bytes()
                if obj.stream_dict.get("/Length") != len(raw):
                    obj.stream_dict.Length = len(raw)
                self.writer.put(self.nums[objgen], self.text(obj.stream_dict), raw)
            else:
                self.writer.put(self.nums[objgen], self.text(obj))


def _overlays(writer: _Writer, stamps: Sequence[str]) -> Iterator[tuple[int, tuple[float, ...]]]:
    """Each overlay page written as a form XObject: (its number, its box), in page order."""
    for path in stamps:
        with Pdf.open(path) as pdf:
            src = _Source(writer, pdf)
            for page in list(pdf.pages):
                obj = page.obj
                _inherit(obj)
                contents = obj.get("/Contents")
                streams = list(contents) if isinstance(contents, Array) else [] if contents is None else [contents]
                data = zlib.compress(b"\n".join(s.read_bytes() for s in streams))
                box = _box(obj.MediaBox)
                num = writer.reserve()
                writer.put(num, b"<< /Type /XObject /Subtype /Form /BBox [%s] /Resources %s /Filter /FlateDecode"
                           b" /Length %d >>" % (b" ".join(_real(v) for v in box), src.text(obj.Resources), len(data)),
                           data)
                src.flush()
                yield num, box


def _inherit(page: Any) -> None:
    """Attributes a page takes from its page-tree ancestors, copied to it: its parent is replaced."""
    node = page.get("/Parent")
    while node is not None:
        for key in _INHERITED:
            if key not in page and key in node:
                page[key] = node[key]
        node = node.get("/Parent")
    if "/Resources" not in page:
        page.Resources = Dictionary()


def _box(array: Any) -> tuple[float, ...]:
    x0, y0, x1, y1 = (float(v) for v in array)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _real(value: float) -> bytes:
    return (b"%.4f" % value).rstrip(b"0").rstrip(b".") or b"0"


def _placement(overlay: tuple[float, ...], page: tuple[float, ...]) -> bytes:
    """The ``cm`` that fits the overlay's box into the page's (centred, aspect kept); none when
    they are the same."""
    if overlay == page:
        return b""
    ow, oh = overlay[2] - overlay[0], overlay[3] - overlay[1]
    pw, ph = page[2] - page[0], page[3] - page[1]
    scale = min(pw / ow, ph / oh)
    tx = page[0] + (pw - ow * scale) / 2 - overlay[0] * scale
    ty = page[1] + (ph - oh * scale) / 2 - overlay[1] * scale
    return b" ".join(_real(v) for v in (scale, 0, 0, scale, tx, ty)) + b" cm "


def _bookmarks(src: _Source, outlines: Any) -> Iterator[_Bookmark]:
    item = outlines.get("/First")
    while item is not None:
        target = b""
        if "/Dest" in item:
            target = b"/Dest " + src.text(item.Dest)
        elif "/A" in item:
            target = b"/A " + src.text(item.A)
        title = item.get("/Title")
        yield _Bookmark(title.unparse() if title is not None else b"()", target,
                        int(item.get("/Count", 0)) < 0, list(_bookmarks(src, item)))
        item = item.get("/Next")


def _named_dests(pdf: Any) -> list[tuple[Any, Any]]:
    """(name, destination) of a document's named destinations."""
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return []
    found: list[tuple[Any, Any]] = []
    todo = [names.Dests]
    while todo:
        node = todo.pop()
        flat = node.get("/Names")
        if flat is not None:
            found.extend((flat[i], flat[i + 1]) for i in range(0, len(flat) - 1, 2))
        todo.extend(node.get("/Kids", ()))
    return found
