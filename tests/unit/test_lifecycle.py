import pytest

from qms_tui.domain import enums as E
from qms_tui.domain import lifecycle as L
from qms_tui.domain.errors import TransitionError

MACHINES = [
    (L.AUDIT, E.AuditStatus), (L.NONCONFORMITY, E.NcStatus), (L.PDCA, E.Pdca),
    (L.DOCUMENT_VERSION, E.VersionStatus), (L.POLICY, E.RecordStatus),
    (L.PROGRAMME, E.ProgrammeStatus), (L.REVIEW, E.ReviewStatus), (L.ACTION, E.ActionStatus),
    (L.AGREEMENT, E.AgreementStatus),
]


@pytest.mark.parametrize("machine,enum", MACHINES)
def test_machines_cover_their_enum(machine, enum):
    assert set(machine) == set(enum.values())
    for targets in machine.values():
        assert set(targets) <= set(enum.values())


def test_audit_ladder_in_order():
    ladder = ["planned", "confirmed", "performed", "report_accepted", "closed"]
    for a, b in zip(ladder, ladder[1:], strict=False):
        L.check(L.AUDIT, a, b, E.AuditStatus)
    with pytest.raises(TransitionError) as err:
        L.check(L.AUDIT, "planned", "closed", E.AuditStatus)
    assert "confirmed" in str(err.value) and "cancelled" in str(err.value)


def test_nc_lifecycle_and_reopen():
    path = ["registered", "correction", "root_cause", "action_plan", "implementation", "verification", "closed"]
    for a, b in zip(path, path[1:], strict=False):
        L.check(L.NONCONFORMITY, a, b, E.NcStatus)
    L.check(L.NONCONFORMITY, "closed", "root_cause", E.NcStatus)  # reopen
    with pytest.raises(TransitionError):
        L.check(L.NONCONFORMITY, "registered", "closed", E.NcStatus)
    assert "closed" not in L.NC_OPEN and "draft" not in L.NC_OPEN


def test_terminal_states_have_no_exit():
    assert L.allowed(L.NONCONFORMITY, "cancelled") == ()
    assert L.allowed(L.PDCA, "closed") == ()
