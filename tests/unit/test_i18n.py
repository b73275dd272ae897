"""The Spanish catalogue is complete and the shipped .mo is compiled from the .po."""


from qms_tui import i18n
from qms_tui.domain import enums as E
from qms_tui.tools import i18n as tool


def test_every_msgid_has_a_spanish_translation():
    assert tool.missing(tool.read_catalog(), tool.extract()) == []


def test_the_compiled_catalogue_matches_the_po_file():
    assert tool.MO.read_bytes() == tool.compiled(tool.read_catalog())


def test_placeholders_survive_translation():
    import re

    for message in tool.read_catalog():
        if message.id and message.string:
            assert set(re.findall(r"{\w+}", message.id)) == set(re.findall(r"{\w+}", message.string)), message.id


def test_language_switch_and_context_msgids():
    i18n.set_language("es")
    assert E.FindingKind.MAJOR.label() == "no conformidad mayor"
    assert E.RiskStatus.CLOSED.label() == "cerrado" and E.NcStatus.CLOSED.label() == "cerrada"
    i18n.set_language("en")
    assert E.FindingKind.MAJOR.label() == "major nonconformity"
    assert E.RiskStatus.CLOSED.label() == "closed"


def test_msgids_written_inside_f_strings_are_extracted():
    # indicator.py writes f"{tr('Trend')}: " — Babel alone does not see it on Python 3.11
    found = tool.in_fstrings()
    assert "Trend" in found and any(path.endswith("screens/indicator.py") for path, _ in found["Trend"])
    assert "Trend" in tool.extract()
    line = r"""label = f"{tr('it\'s')}: {tr("Plan", n=1)} {value}" """
    assert tool.IN_FSTRING.findall(line) == [r"'it\'s'", '"Plan"']
