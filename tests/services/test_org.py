"""People and organizational units."""

import pytest

from qms_tui.domain.actor import Actor
from qms_tui.domain.errors import PermissionDenied, ValidationError
from qms_tui.services import org, trail


def test_people_by_login_and_lists(db, actor):
    org.create_org_unit(db, actor, {"code": "UTCS", "name": "Unidad Técnica de Comunicación Social",
                                    "kind": "technical"})
    org.create_person(db, actor, {"code": "mgarcia", "name": "María García", "role": "coordinator",
                                  "org_unit": "UTCS", "email": "maria@iecm.mx"})
    org.create_person(db, actor, {"code": "jlopez", "name": "José López", "role": "auditor"})
    org.create_person(db, actor, {"code": "ana", "name": "Ana Ruiz", "role": "reader", "active": "no"})
    p = org.person_by_login(db, " mgarcia ")
    assert p.name == "María García" and p.password_hash is None and p.active is True
    assert org.person_by_login(db, "nadie") is None and org.person_by_login(db, "") is None
    page = org.list_people(db)
    assert page.total == 3 and [x.name for x in page.rows] == ["Ana Ruiz", "José López", "María García"]
    assert [x.code for x in org.list_people(db, text="IECM.MX").rows] == ["mgarcia"]
    assert [x.code for x in org.list_people(db, role="auditor").rows] == ["jlopez"]
    assert [x.code for x in org.list_people(db, org_unit="UTCS").rows] == ["mgarcia"]
    assert [x.code for x in org.list_people(db, active=False).rows] == ["ana"]
    assert org.list_people(db, limit=1, offset=1).rows[0].code == "jlopez"
    with db.read() as s:
        assert trail.verify(s) == []


def test_person_validation_and_permissions(db, actor):
    with pytest.raises(ValidationError) as err:
        org.create_person(db, actor, {"code": "x", "name": "", "role": "jefe"})
    assert sorted(err.value.fields) == ["name", "role"]
    org.create_person(db, actor, {"code": "mgarcia", "name": "María García", "role": "coordinator"})
    with pytest.raises(ValidationError) as err:
        org.update_person(db, actor, "mgarcia", {"active": ""})
    assert err.value.fields == ["active"]
    assert org.update_person(db, actor, "mgarcia", {"position": "Coordinadora"}).position == "Coordinadora"
    with pytest.raises(PermissionDenied):
        org.create_person(db, Actor("audi", "auditor"), {"code": "y", "name": "Y", "role": "reader"})


def test_org_unit_cannot_be_its_own_ancestor(db, actor):
    org.create_org_unit(db, actor, {"code": "SE", "name": "Secretaría Ejecutiva", "kind": "secretariat"})
    org.create_org_unit(db, actor, {"code": "DEOE", "name": "Organización Electoral", "kind": "executive",
                                    "parent": "SE"})
    dd = org.create_org_unit(db, actor, {"code": "DD01", "name": "Dirección Distrital 1", "kind": "district",
                                         "district_no": 1, "parent": "DEOE"})
    assert dd.district_no == 1
    with pytest.raises(ValidationError) as err:
        org.update_org_unit(db, actor, "SE", {"parent": "DD01"})
    assert err.value.fields == ["parent"]
    with pytest.raises(ValidationError) as err:
        org.update_org_unit(db, actor, "SE", {"parent": "SE"})
    assert err.value.fields == ["parent"]
    with pytest.raises(ValidationError) as err:
        org.create_org_unit(db, actor, {"code": "X", "name": "", "kind": "district", "district_no": 120})
    assert sorted(err.value.fields) == ["district_no", "name"]
    assert org.update_org_unit(db, actor, "DD01", {"parent": "SE"}).parent_id is not None
    with db.read() as s:
        assert trail.verify(s) == []
