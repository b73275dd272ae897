"""A controlled document (ISO 9001 7.5): the version in force, the versions newest first
with their status, approver and dates, the periodic review (⚠ when it is due), and the
approval of a new version: **n** drafts it, **s** submits it for review, **r** returns it to
its author (with the reason), **a** approves it (the previous one becomes obsolete),
**delete** discards a draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Static

from qms_tui.domain import enums as E
from qms_tui.domain.enums import N_
from qms_tui.i18n import tr
from qms_tui.screens.area import AreaScreen, clip, pairs, section, signature_lines
from qms_tui.screens.dialogs.record_form import RecordFormDialog
from qms_tui.screens.dialogs.transition import InputField, TransitionDialog
from qms_tui.screens.workflow import done_note
from qms_tui.widgets.app_header import AppHeader
from qms_tui.widgets.labels import choice_label, column_label, fmt_value

V = E.VersionStatus
STATUS_MARK = {V.DRAFT: "✎", V.IN_REVIEW: "◐", V.APPROVED: "✔", V.OBSOLETE: "⊘"}
DUE = N_("DUE FOR REVIEW")


@dataclass(frozen=True)
class DocumentData:
    detail: Any  # services.documents.DocumentDetail
    approvers: dict[str, str]  # version code -> approver's name
    signatures: list[str]  # of the version in force, one line each


def version_status(status: str) -> str:
    return f"{STATUS_MARK.get(status, '·')} {choice_label(V, status)}"


class DocumentScreen(AreaScreen):
    HELP = N_("""\
# Controlled document

The document, the version in force (◆) and every version, newest first:
✎ draft · ◐ in review · ✔ approved · ⊘ obsolete. ⚠ marks a document due for its periodic
review.

- **n** drafts a new version (one at a time) · **s** submits the draft for review
- **r** returns the version in review to its author, with the reason
- **a** approves the version in review with your electronic signature: the version in
  force becomes obsolete and the next review is set
- **delete** discards a draft (asks first) · **e** edits the document
- **enter** on a version opens it; **esc** goes back.
""")

    BINDINGS = [
        Binding("n", "add_version", N_("New version"), tooltip=N_("Draft a new version")),
        Binding("s", "submit_version", N_("Submit"), tooltip=N_("Submit the draft for review")),
        Binding("r", "return_version", N_("Return"), tooltip=N_("Return the version in review to its author")),
        Binding("a", "approve_version", N_("Approve"), tooltip=N_("Approve the version in review")),
        Binding("delete", "discard_version", N_("Discard draft"), tooltip=N_("Discard the draft version")),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit the document")),
    ]

    WRITES = frozenset({"add_version", "submit_version", "return_version", "approve_version", "discard_version",
                        "edit"})

    PERMS = {"add_version": ("document_version", "create"), "submit_version": ("document_version", "transition"),
             "return_version": ("document_version", "transition"), "approve_version": ("document_version", "sign"),
             "discard_version": ("document_version", "delete"), "edit": ("document", "update")}

    def compose(self) -> ComposeResult:
        yield AppHeader(self.heading)
        with VerticalScroll(classes="wf-body", id="doc-body") as body:
            body.loading = True
            yield Static("", id="doc-head", classes="wf-head", markup=False)
            yield section(tr("Versions (newest first)"))
            yield self.data_table("doc-versions", (
                ("label", column_label("label")), ("status", column_label("status")),
                ("change_summary", column_label("change_summary")),
                ("effective_from", column_label("effective_from")), ("approved_by", column_label("approved_by")),
                ("approved_on", column_label("approved_on")), ("code", column_label("code"))))
            yield Static("", id="doc-next", classes="section-text", markup=False)
        yield Footer()

    # ---------------------------------------------------------------- data

    @property
    def detail(self) -> Any:
        return self.data.detail if self.data is not None else None

    @property
    def pending(self) -> Any | None:
        """The version in preparation (draft or in review), if any."""
        return self.detail.in_preparation if self.detail is not None else None

    def load_detail(self) -> DocumentData:
        from qms_tui.services.documents import document_detail
        from qms_tui.services.search import get_record

        db = self.db()
        detail = document_detail(db, self.code, today=self.qms.today)
        approvers = {}
        for v in detail.versions:
            if v.approved_by_id:
                ref = get_record(db, "document_version", v.code).refs.get("approved_by_id")
                approvers[v.code] = (ref[1] or ref[0]) if ref else ""
        signatures = signature_lines(db, "document_version", detail.current.code) if detail.current else []
        return DocumentData(detail, approvers, signatures)

    def show(self, data: DocumentData) -> None:
        d = data.detail
        self.query_one(AppHeader).set_title(f"{self.heading} · {clip(d.document.title, 60)}")
        self.query_one("#doc-head", Static).update(self._head(data))
        rows = []
        for v in d.versions:
            status = version_status(v.status)
            if d.current is not None and v.code == d.current.code:
                status += " ◆ " + tr("in force")
            rows.append((v.code, (v.label, status, clip(v.change_summary, 40), fmt_value(v.effective_from) or "—",
                                  data.approvers.get(v.code, "—"), fmt_value(v.approved_on) or "—", v.code)))
        self.fill("doc-versions", rows, tr("No versions yet: n drafts the first one."))
        self.query_one("#doc-next", Static).update(self._next_step())
        self.show_body("doc-body")

    def _head(self, data: DocumentData) -> Text:
        d = data.detail
        doc = d.document
        t = Text()
        t.append(f"{doc.code}  ", style="bold")
        t.append(doc.title + "\n", style="bold")
        pairs(t, [(column_label("kind"), choice_label(E.DocumentKind, doc.kind)),
                  (column_label("owner"), d.owner_name or "—"), (column_label("process"), d.process_code or "—")])
        every = tr("{n} months", n=doc.review_months) if doc.review_months else tr("no periodic review")
        t.append(f"{column_label('review_months')}: ", style="bold")
        t.append(every)
        t.append("  ·  ", style="dim")
        t.append(f"{column_label('next_review')}: ", style="bold")
        t.append(fmt_value(doc.next_review) or "—")
        if d.due_for_review:
            t.append("  ⚠ " + tr(DUE), style="bold reverse")
        t.append("\n")
        t.append(f"{tr('Version in force')}: ", style="bold")
        if d.current is None:
            t.append(tr("none approved yet"), style="dim")
        else:
            c = d.current
            t.append(f"◆ {c.label} ({c.code})")
            t.append(" · " + tr("effective from {date}", date=fmt_value(c.effective_from)))
            t.append(" · " + tr("approved on {date} by {name}", date=fmt_value(c.approved_on),
                                name=data.approvers.get(c.code) or "—"))
            for line in data.signatures:
                t.append(f"\n{tr('Signature')}: ", style="bold")
                t.append(line)
        if d.in_preparation is not None:
            p = d.in_preparation
            t.append("\n")
            t.append(f"{tr('In preparation')}: ", style="bold")
            t.append(f"{p.label} ({p.code}) · {version_status(p.status)}")
        if doc.clauses:
            t.append("\n")
            t.append(f"{tr('Clauses')}: ", style="bold")
            t.append(", ".join(doc.clauses))
        return t

    def _next_step(self) -> Text:
        p = self.pending
        if p is None:
            text = tr("Next: n drafts a new version.")
        elif p.status == V.DRAFT:
            text = tr("Next: s submits {label} for review (or delete discards it).", label=p.label)
        else:
            text = tr("Next: a approves {label}, or r returns it to its author.", label=p.label)
        return Text(text, style="dim")

    # ---------------------------------------------------------------- what is possible now

    def available(self, action: str) -> bool:
        p = self.pending
        if action == "add_version":
            return p is None
        if action in ("submit_version", "discard_version"):
            return p is not None and p.status == V.DRAFT
        if action in ("return_version", "approve_version"):
            return p is not None and p.status == V.IN_REVIEW
        return True

    # ---------------------------------------------------------------- steps

    def _svc(self) -> Any:
        from qms_tui.services import documents

        return documents

    def action_add_version(self) -> None:
        if not self.ensure("add_version"):
            return

        def save(data: dict[str, Any]) -> Any:  # runs in the form's worker
            return self._svc().add_version(self.db(), self.qms.actor, self.code, data)

        title = tr("New version of {code} · {title}", code=self.code, title=clip(self.detail.document.title, 50))
        self.step(RecordFormDialog("document_version", title, save, without=("document",), lookup=self.lookup),
                  done_note(N_("{code}: new draft version")))

    def action_submit_version(self) -> None:
        if self.ensure("submit_version"):
            p = self.pending
            self.perform(lambda: self._svc().submit_version(self.db(), self.qms.actor, p.code),
                         note=tr("{code}: submitted for review", code=p.code))

    def action_return_version(self) -> None:
        if not self.ensure("return_version"):
            return
        p = self.pending
        fields = [InputField("reason", "longtext", True, help=N_("What the author must change"))]

        def submit(v: dict[str, Any], _confirmed: bool) -> Any:
            return self._svc().return_version(self.db(), self.qms.actor, p.code, v["reason"])

        self.step(TransitionDialog(tr("Return version {label} ({code}) to its author: why?", label=p.label,
                                      code=p.code), fields, submit, save_label=tr("Return")),
                  lambda _r: tr("{code}: returned to draft", code=p.code))

    def action_approve_version(self) -> None:
        if not self.ensure("approve_version"):
            return
        p, current = self.pending, self.detail.current
        intro = tr("Once approved, version {label} comes into force.", label=p.label)
        if current is not None:
            intro += " " + tr("Version {label} ({code}) becomes obsolete.", label=current.label, code=current.code)
        fields = [InputField("approved_on", "date", True, self.qms.today.isoformat()),
                  InputField("effective_from", "date", False, p.effective_from.isoformat() if p.effective_from else "",
                             help=N_("Blank: from the day of approval"))]

        def call(values: dict[str, Any]) -> Any:
            return self._svc().approve_version(self.db(), self.qms.actor, p.code, approved_on=values["approved_on"],
                                               effective_from=values["effective_from"] or None, pin=values["pin"],
                                               comment=values["comment"])

        self.approve(tr("Approve version {label} of {code}", label=p.label, code=self.code), call,
                     tr("{code}: approved, in force", code=p.code), intro=intro, fields=fields,
                     record=f"{self.code} {p.label} ({p.code})")

    def action_discard_version(self) -> None:
        if self.ensure("discard_version"):
            p = self.pending
            self.perform(lambda: self._svc().discard_version(self.db(), self.qms.actor, p.code),
                         note=tr("{code}: draft discarded", code=p.code),
                         confirm=tr("Discard the draft version {label} ({code})? This cannot be undone.",
                                    label=p.label, code=p.code))

    def action_edit(self) -> None:
        if self.ensure("edit"):
            self.edit_record()

    @on(DataTable.RowSelected, "#doc-versions")
    def _version_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self.qms.open_record("document_version", event.row_key.value)
