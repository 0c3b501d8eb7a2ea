"""The organisation in processes/units.yaml, its checks, and how the engine uses it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from engine.api import Engine
from engine.calendar import load_calendar
from engine.clock import ManualClock
from engine.errors import InvalidInput
from engine.scripting import script_functions
from engine.units import ROLES, Organisation, load_organisation, parse_organisation

UNITS_FILE = Path(__file__).parent.parent / "processes" / "units.yaml"
ORG = load_organisation(UNITS_FILE)
PLAN_UNITS = {"ITC", "NASATI", "PFD", "LEGAL", "OFFICE", "LEAD", "EGOV", "MIC", "NDP"}


def test_the_shipped_file_has_every_unit_of_the_plan() -> None:
    assert set(ORG.units) >= PLAN_UNITS
    assert {ORG.units[code].kind for code in ("MIC", "NDP")} == {"external"}
    assert ORG.units["ITC"].name_vi == "Trung tâm Công nghệ thông tin"
    for unit in ORG.units.values():
        assert unit.name_vi and unit.name_en
        assert unit.members, f"{unit.code} has nobody to do its tasks"
        assert unit.head is None or unit.head in unit.members


def test_database_owners_are_the_dbo_set_and_own_the_databases() -> None:
    assert ORG.expand("DBO") == ORG.database_owners()
    assert "NASATI" in ORG.expand("DBO") and "DBO:STAMEQ" in ORG.expand("DBO")
    assert ORG.owner_of("st_national") == "NASATI"
    assert ORG.owner_of("industrial_property") == "DBO:NOIP"
    assert "radiation_safety" in ORG.units["DBO:VARANS"].databases
    with pytest.raises(InvalidInput, match="no_such_db"):
        ORG.owner_of("no_such_db")


def test_sets_expand_and_units_stand_for_themselves() -> None:
    affiliated = ORG.expand("UNITS")
    assert set(ORG.expand("DBO")) <= set(affiliated)
    assert {"ITC", "PFD", "LEGAL", "OFFICE"} <= set(affiliated)
    assert not {"LEAD", "EGOV", "MIC", "NDP"} & set(affiliated)
    assert len(affiliated) == len(set(affiliated))
    assert ORG.expand("ITC") == ("ITC",)
    assert ORG.is_known("DBO") and ORG.is_known("DBO:NOIP") and not ORG.is_known("XYZ")
    with pytest.raises(InvalidInput, match="XYZ"):
        ORG.expand("XYZ")


def test_users_heads_and_members() -> None:
    for user in ORG.users.values():
        assert user.email.endswith("@example.gov.vn")
        assert set(user.roles) <= set(ROLES)
    vice = ORG.users["lead.vice"]
    assert vice.units == ("LEAD", "EGOV")
    assert ORG.head_of("EGOV") == vice
    assert ORG.head_of("DBO") is None
    assert ORG.head_of("ITC").username == "itc.head"
    members = {user.username for user in ORG.members_of("DBO")}
    assert {"stameq.head", "stameq.staff", "nasati.staff"} <= members
    assert any("designer" in u.roles for u in ORG.members_of("ITC"))
    assert ORG.demo_password


def _document() -> dict:
    return yaml.safe_load(UNITS_FILE.read_text(encoding="utf-8"))


def _broken(change) -> dict:
    document = _document()
    change(document)
    return document


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["units"]["ITC"].pop("name_vi"), "units.ITC.name_vi"),
        (lambda d: d["units"]["ITC"].update(head="stameq.head"), "units.ITC.head"),
        (lambda d: d["units"]["ITC"].update(kind="partner"), "units.ITC.kind"),
        (lambda d: d["units"].update({"itc": d["units"]["ITC"]}), "units.itc"),
        (lambda d: d["users"]["itc.staff"].update(units=["NOPE"]), "users.itc.staff.units"),
        (lambda d: d["users"]["itc.staff"].update(roles=["boss"]), "users.itc.staff.roles"),
        (lambda d: d["users"]["itc.staff"].update(email="itc"), "users.itc.staff"),
        (lambda d: d["sets"]["DBO"].update(units=["NOPE"]), "sets.DBO.units"),
        (lambda d: d["sets"]["DBO"].update(units=["UNITS"]), "sets.DBO.units"),
        (lambda d: d["units"]["ITC"].update(colour="red"), "units.ITC.colour"),
        (
            lambda d: d["units"]["ITC"].update(databases=d["units"]["NASATI"]["databases"]),
            "units.NASATI.databases.st_national",
        ),
    ],
)
def test_mistakes_are_refused_with_the_field(change, field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_organisation(_broken(change))
    assert raised.value.details["field"] == field


def test_a_missing_file_is_an_empty_organisation(tmp_path: Path) -> None:
    organisation = load_organisation(tmp_path / "absent.yaml")
    assert organisation == Organisation()
    assert not organisation.is_known("ITC")


def test_bad_yaml_is_invalid_input(tmp_path: Path) -> None:
    path = tmp_path / "units.yaml"
    path.write_text("units: [unclosed", encoding="utf-8")
    with pytest.raises(InvalidInput):
        load_organisation(path)


def test_scripts_reach_the_organisation() -> None:
    clock = ManualClock(datetime(2021, 1, 4, tzinfo=UTC))
    functions = script_functions(clock, load_calendar(), ORG)
    assert functions["units_of"]("DBO") == list(ORG.expand("DBO"))
    assert functions["owner_of"]("funded_projects") == "DBO:NAFOSTED"


def test_the_engine_loads_the_organisation(plan_engine: Engine) -> None:
    assert plan_engine.organisation.expand("DBO") == ORG.expand("DBO")
