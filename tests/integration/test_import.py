"""Imports from existing decision records: MADR, adr-tools and log4brains files and CSV
decision lists become proposals and decisions at the records' dates, as claims of their
deciders, all or nothing, and only once."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from domain import events as ev
from tests.support.pages_client import signed_in
from web.cli import main
from web.system import Tandem

DATA = Path(__file__).parent.parent / "data" / "adr"
PLATFORM = "platform"


@pytest.fixture
def platform(tandem: Tandem) -> Tandem:
    """An initiative opened in 2020, an importer who is its member, and the people the
    records name (by id or by name)."""
    app = tandem.app
    for person, name in (("jane", "Jane Doe"), ("john", "John Roe"), ("lena", "Lena Berg")):
        tandem.record(app.register_person, actor="ada", person=person, name=name, unit="it",
                      role="member")
    tandem.record(app.open_initiative, actor="ada", initiative=PLATFORM, title="Platform",
                  sponsor="ada", units=["it", "ops"], escalation_path=["ada"],
                  effective_at="2020-01-01T00:00:00+00:00")
    tandem.record(app.admit_member, actor="ada", initiative=PLATFORM, person="lena", role="member",
                  reason="keeps the records")
    return tandem


def _import(platform: Tandem, kind: str, path: Path, *extra: str) -> int:
    return main(["--db", platform.settings.database_url, "import", kind, str(path),
                 "--initiative", PLATFORM, "--as", "lena", *extra])


def _size(tandem: Tandem) -> int:
    return tandem.app.recorder.max_notification_id() or 0


def test_a_madr_folder_with_a_supersede_chain_gives_decisions_chain_and_dates(
        platform: Tandem, capsys: pytest.CaptureFixture[str]) -> None:
    assert _import(platform, "adr", DATA / "madr") == 0
    decisions = {d["id"]: d for d in platform.read.decisions(initiative=PLATFORM)}
    assert sorted(decisions) == ["d-0001-record-architecture-decisions",
                                 "d-0002-use-postgresql", "d-0004-use-sqlite-and-postgresql"]
    first, old, new = (decisions[k] for k in sorted(decisions))
    assert [d["effective_at"][:10] for d in (first, old, new)] == [
        "2021-03-01", "2021-06-15", "2022-05-10"]
    assert first["decided_by"] == ["jane", "john"] and old["decided_by"] == ["jane"]
    assert first["options"][first["options"].index(next(
        o for o in first["options"] if o["key"] == first["option"]))]["title"] == "MADR 3.0.0"
    assert first["rationale"] == "it is lean and the options are named explicitly."
    assert old["rationale"] == ("the operations team runs it already and backups are in "
                                "place.")
    assert new["supersedes"] == "d-0002-use-postgresql"
    assert {d["status"] for d in decisions.values()} == {"pending"}  # claims of the deciders
    assert {d["actor"] for d in decisions.values()} == {"lena"}
    assert new["basis"] == {"kind": "imported", "id": "0004-use-sqlite-and-postgresql.md"}
    state = platform.read.state(PLATFORM)
    assert "p-0003-cache-read-models" in state["proposals"]
    assert "d-0003-cache-read-models" not in decisions  # proposed, not decided
    marks = platform.read.timeline(initiative=PLATFORM, types=[ev.RecordImported.__name__])
    assert {m["data"]["source"]: m["data"]["sha256"] for m in marks} == {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (DATA / "madr").glob("000*.md")}
    # the deciders confirm, out of order: the chain settles as the records say
    platform.answer("jane", new["position"], None)
    platform.answer("john", new["position"], None)
    platform.answer("jane", old["position"], None)
    after = {d["id"]: d for d in platform.read.decisions(initiative=PLATFORM)}
    assert after["d-0004-use-sqlite-and-postgresql"]["status"] == "in_force"
    assert after["d-0002-use-postgresql"]["status"] == "superseded"
    assert after["d-0002-use-postgresql"]["superseded_by"] == "d-0004-use-sqlite-and-postgresql"


def test_importing_the_same_files_twice_records_nothing_new(
        platform: Tandem, capsys: pytest.CaptureFixture[str]) -> None:
    assert _import(platform, "adr", DATA / "madr") == 0
    size = _size(platform)
    capsys.readouterr()
    assert _import(platform, "adr", DATA / "madr") == 0
    assert _size(platform) == size
    assert "Nothing new to record." in capsys.readouterr().out


def test_a_malformed_file_is_reported_by_name_and_line_and_nothing_is_recorded(
        platform: Tandem, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "adr"
    shutil.copytree(DATA / "madr", folder)
    broken = folder / "0004-use-sqlite-and-postgresql.md"
    broken.write_text(broken.read_text().replace("* Date: 2022-05-10", "* Date: next spring")
                      .replace("Jane Doe, john", "Jane Doe, Nobody Known"))
    size = _size(platform)
    capsys.readouterr()
    assert _import(platform, "adr", folder) == 2
    out = capsys.readouterr().out
    assert "cannot map 0004-use-sqlite-and-postgresql.md:5: date 'next spring' is not a date" \
        in out
    assert "cannot map 0004-use-sqlite-and-postgresql.md:4: 'Nobody Known' is not a " \
           "registered person" in out
    assert _size(platform) == size
    assert platform.read.decisions(initiative=PLATFORM) == []


def test_a_dry_run_reports_what_would_be_recorded_and_records_nothing(
        platform: Tandem, capsys: pytest.CaptureFixture[str]) -> None:
    size = _size(platform)
    assert _import(platform, "adr", DATA / "madr", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "would record 0004-use-sqlite-and-postgresql.md (madr, accepted, 2022-05-10): " \
           "proposal p-0004-use-sqlite-and-postgresql, decision " \
           "d-0004-use-sqlite-and-postgresql" in out
    assert "superseding d-0002-use-postgresql" in out
    assert _size(platform) == size


def test_adr_tools_and_log4brains_records_are_read(
        platform: Tandem, capsys: pytest.CaptureFixture[str]) -> None:
    assert _import(platform, "adr", DATA / "adr-tools") == 2  # adr-tools names no deciders
    assert "names no deciders" in capsys.readouterr().out
    assert _import(platform, "adr", DATA / "adr-tools", "--decided-by", "john") == 0
    assert _import(platform, "adr", DATA / "log4brains") == 0
    decisions = {d["id"]: d for d in platform.read.decisions(initiative=PLATFORM)}
    madr = decisions["d-0002-use-madr"]
    assert madr["supersedes"] == "d-0001-record-architecture-decisions"
    assert madr["rationale"] == "We will use MADR, which names the options considered."
    assert [o["key"] for o in madr["options"]] == ["use-madr", "not-adopted"]
    assert madr["effective_at"][:10] == "2021-09-01"
    tools = decisions["d-20201130-use-log4brains-to-manage-the-adrs"]
    assert tools["option"] == "log4brains" and tools["decided_by"] == ["jane"]
    formats = {m["data"]["format"] for m in platform.read.timeline(
        initiative=PLATFORM, types=[ev.RecordImported.__name__])}
    assert formats == {"adr-tools", "log4brains"}


def test_a_csv_decision_list_is_imported_once(
        platform: Tandem, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listing = tmp_path / "decisions.csv"
    listing.write_text(
        "id,title,date,status,decided_by,options,chosen,rationale,supersedes,scope\n"
        "hosting,Host in our own data centre,2021-02-01,accepted,Jane Doe;john,"
        "Own data centre;Public cloud,Own data centre,Data must stay in the country,,"
        "operations\n"
        "cloud,Move to a sovereign cloud,2023-02-01,accepted,jane,"
        "Sovereign cloud;Own data centre,Sovereign cloud,The data centre closes,hosting,"
        "operations\n", encoding="utf-8")
    assert _import(platform, "csv", listing) == 0
    decisions = {d["id"]: d for d in platform.read.decisions(initiative=PLATFORM)}
    assert decisions["d-cloud"]["supersedes"] == "d-hosting"
    assert decisions["d-hosting"]["scope"] == "operations"
    assert decisions["d-hosting"]["decided_by"] == ["jane", "john"]
    size = _size(platform)
    assert _import(platform, "csv", listing) == 0
    assert _size(platform) == size
    twice = tmp_path / "twice.csv"
    twice.write_text("id,title,date,status\nx,X,2021-01-01,proposed\nX,Y,2021-01-02,proposed\n")
    capsys.readouterr()
    assert _import(platform, "csv", twice) == 2
    assert "cannot map twice.csv:3: gives the same ids as twice.csv row 2 (p-x)" in \
        capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("id,title,date,status,colour\nx,X,2021-01-01,accepted,red\n")
    capsys.readouterr()
    assert _import(platform, "csv", bad) == 2
    assert "cannot map bad.csv:1: unknown columns: colour" in capsys.readouterr().out


def test_an_imported_decision_shows_its_record_as_its_basis_in_both_languages(
        platform: Tandem) -> None:
    assert _import(platform, "adr", DATA / "madr") == 0
    url = f"/initiatives/{PLATFORM}/decisions/d-0004-use-sqlite-and-postgresql"
    page = signed_in(platform, "lena").get(url)
    assert page.status_code == 200
    assert "Imported record" in page.text and "0004-use-sqlite-and-postgresql.md" in page.text
    german = signed_in(platform, "lena", "de-DE,de;q=0.9").get(url)
    assert "Importiertes Entscheidungsdokument" in german.text
    timeline = signed_in(platform, "lena", "de-DE,de;q=0.9").get(
        f"/initiatives/{PLATFORM}/timeline")
    assert "Entscheidungsdokument importiert" in timeline.text


def test_a_rule_refusal_found_while_recording_names_the_record_and_records_nothing(
        platform: Tandem, capsys: pytest.CaptureFixture[str]) -> None:
    platform.record(platform.app.deactivate_person, actor="ada", person="john",
                    reason="left", effective_at="2021-01-01T00:00:00+00:00")
    size = _size(platform)
    capsys.readouterr()
    assert _import(platform, "adr", DATA / "madr") == 1
    out = capsys.readouterr().out
    assert out.startswith("cannot record 0001-record-architecture-decisions.md: ")
    assert "(rule registered-people)" in out
    assert _size(platform) == size


def test_the_governance_rules_say_an_imported_decision_shows_no_authority(
        platform: Tandem, capsys: pytest.CaptureFixture[str]) -> None:
    assert _import(platform, "adr", DATA / "madr") == 0
    capsys.readouterr()
    rules = Path(__file__).parent.parent.parent / "features" / "governance"
    main(["--db", platform.settings.database_url, "check-rules", str(rules),
          "--initiative", PLATFORM])
    out = capsys.readouterr().out
    assert "it was imported from the record 0004-use-sqlite-and-postgresql.md, which shows " \
           "no mandate or sponsor behind it." in out
