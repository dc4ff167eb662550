"""Import and export: malformed files refused with the row named and nothing written;
round trips that leave the data equal; re-import changes nothing; exports validate."""

import io
import json
import shutil
import uuid
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from arrimage.core.models import AuditEvent, TaskFile
from arrimage.directory import exchange_apply
from arrimage.directory.exchange_apply import bundle_apply
from arrimage.directory.exchange_read import read_package, read_path, read_upload
from arrimage.directory.exchange_tasks import LARGE_IMPORT
from arrimage.directory.exchange_write import export_document, export_package_files
from arrimage.directory.hsds import reveal_all
from arrimage.directory.hsds_writer import HsdsWriter
from arrimage.directory.models import (
    Attribute,
    CapacityChange,
    DirectoryOrganization,
    Location,
    Phone,
    Schedule,
    SearchEntry,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
)
from arrimage.directory.search import directory_search
from arrimage.directory.search_types import SearchParams
from tests.conftest import login, run_queued_tasks
from tests.directory.conftest import assert_valid, directory_org, service_make

pytestmark = pytest.mark.django_db
BASE = "http://testserver/"


@pytest.fixture(autouse=True)
def _english(client):
    """Messages are checked in English: the command line and the pages speak it here."""
    client.cookies["arrimage_language"] = "en"
    with translation.override("en"):
        yield


DIRECTORY_MODELS = [
    DirectoryOrganization,
    Service,
    Location,
    ServiceAtLocation,
    Phone,
    Attribute,
    ServiceCapacity,
    Schedule,
    SearchEntry,
]


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in DIRECTORY_MODELS}


def wipe() -> None:
    Attribute.objects.all().delete()
    DirectoryOrganization.objects.all().delete()
    Location.objects.all().delete()


@pytest.fixture
def dataset(side_a):
    org = directory_org(side_a.organisation, "Maison Étoile")
    shelter = service_make(
        org,
        name_fr="Hébergement d'urgence Étoile",
        name_en="Star emergency shelter",
        description_fr="Maison sécuritaire",
        description_en="Safe house",
        terms=("housing_emergency", "gender_women", "status_none"),
        languages=("fr", "es"),
        municipality="laval",
        confidential=True,
        capacity=("bed", 2, 9),
        minimum_age=18,
    )
    Schedule.objects.create(
        service_at_location=shelter.service_at_locations.get(),
        freq="WEEKLY",
        byday="MO,TU",
        opens_at="09:00",
        closes_at="17:00",
    )
    Phone.objects.create(service=shelter, number="514-555-0199", type="voice")
    service_make(
        org, name_fr="Clinique sans statut", terms=("physical_health",), municipality="montreal"
    )
    return org


def diff(a, b, path=""):
    """The first differences between two documents (for readable failures)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            out += diff(a.get(key), b.get(key), f"{path}.{key}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in diff(x, y, f"{path}[{i}]")
        ]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def export_all() -> dict:
    return export_document(writer=HsdsWriter(reveal_all), base_url=BASE)


def write_json(tmp_path: Path, document: object, name: str = "hsds.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def import_path(path: Path, **options) -> str:
    out = io.StringIO()
    call_command(
        "import_hsds", str(path), "--no-progress", stdout=out, stderr=io.StringIO(), **options
    )
    return out.getvalue()


def refused(path: Path) -> list[str]:
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_hsds", str(path), "--no-progress", stdout=io.StringIO(), stderr=err)
    return err.getvalue().strip().splitlines()


# Round trips --------------------------------------------------------------------------------


def test_json_round_trip_leaves_the_data_equal(tmp_path, dataset):
    first = export_all()
    path = write_json(tmp_path, first)
    before = counts()
    wipe()
    assert Service.objects.count() == 0
    import_path(path)
    assert counts() == before
    assert not diff(export_all(), first)
    # The search index is rebuilt too: the imported shelter is found.
    assert directory_search(actor=None, params=SearchParams(q="etoile")).total == 2


def test_csv_round_trip_leaves_the_data_equal(tmp_path, dataset):
    first = export_all()
    folder = tmp_path / "package"
    folder.mkdir()
    for name, data in export_package_files(writer=HsdsWriter(reveal_all), base_url=BASE).items():
        (folder / name).write_bytes(data)
    before = counts()
    wipe()
    import_path(folder / "datapackage.json")
    assert counts() == before
    assert not diff(export_all(), first)


def test_reimporting_the_same_data_changes_nothing(tmp_path, dataset):
    path = write_json(tmp_path, export_all())
    entries = list(SearchEntry.objects.order_by("id").values())
    audit_before = AuditEvent.objects.count()
    output = import_path(path)
    assert output.startswith("0 created, 0 updated")
    assert list(SearchEntry.objects.order_by("id").values()) == entries
    assert AuditEvent.objects.count() == audit_before + 1  # the import itself is audited


def test_import_changes_only_what_differs(tmp_path, dataset):
    document = export_all()
    document["services"][0]["name_en"] = "Renamed"
    report = bundle_apply(
        bundle=read_upload("x.json", json.dumps(document).encode()), actor=None, dry_run=False
    )
    assert report.changed == 1 and report.updated == {"service": 1}


def test_dry_run_writes_nothing(tmp_path, dataset):
    path = write_json(tmp_path, export_all())
    wipe()
    before = counts()
    output = import_path(path, dry_run=True)
    assert "dry run" in output and not output.startswith("0 created")
    assert counts() == before
    assert not AuditEvent.objects.filter(action="directory_imported").exists()


def test_progress_bar_is_shown(tmp_path, dataset):
    path = write_json(tmp_path, export_all())
    err = io.StringIO()
    call_command("import_hsds", str(path), stdout=io.StringIO(), stderr=err)
    assert "100%" in err.getvalue() and "[####" in err.getvalue()


def test_command_line_export_validates(tmp_path, dataset):
    call_command("export_hsds", str(tmp_path), "--include-confidential", stdout=io.StringIO())
    document = json.loads((tmp_path / "hsds.json").read_text())
    assert document["version"] == "3.0"
    for service in document["services"]:
        assert_valid("compiled/service.json", service)
    for organization in document["organizations"]:
        assert_valid("compiled/organization.json", organization)
    for term in document["taxonomy_terms"]:
        assert_valid("taxonomy_term.json", term)
    for taxonomy in document["taxonomies"]:
        assert_valid("taxonomy.json", taxonomy)
    files = {p.name: p.read_bytes() for p in (tmp_path / "csv").iterdir()}
    bundle = read_package(files)  # every row checked against the HSDS schemas
    assert not bundle.errors
    assert {
        "services.csv",
        "locations.csv",
        "attributes.csv",
        "service_capacities.csv",
        "datapackage.json",
    } <= set(files)
    descriptor = json.loads(files["datapackage.json"])
    assert descriptor["version"] == "3.0.0"
    services = next(r for r in descriptor["resources"] if r["name"] == "service")
    assert "name_en" in [f["name"] for f in services["schema"]["fields"]]


# Malformed files ------------------------------------------------------------------------------


def _nothing_written(before: dict[str, int]) -> None:
    assert counts() == before
    assert not AuditEvent.objects.filter(action="directory_imported").exists()


def test_bad_uuid_is_refused_with_its_row(tmp_path, dataset):
    document = export_all()
    wipe()
    before = counts()
    document["services"][1]["id"] = "not-a-uuid"
    lines = refused(write_json(tmp_path, document))
    assert any(
        line.startswith("hsds.json, row 2, services[2].id:") and "uuid" in line for line in lines
    ), lines
    _nothing_written(before)


def test_bad_uuid_in_a_nested_object(tmp_path, dataset):
    document = export_all()
    wipe()
    before = counts()
    document["services"][0]["service_at_locations"][0]["location"]["id"] = "1234"
    lines = refused(write_json(tmp_path, document))
    assert any(
        "row 1" in line and "services[1].service_at_locations[0].location.id" in line
        for line in lines
    ), lines
    _nothing_written(before)


def test_missing_required_field_is_refused(tmp_path, dataset):
    document = export_all()
    wipe()
    before = counts()
    del document["services"][1]["status"]
    lines = refused(write_json(tmp_path, document))
    assert "hsds.json, row 2, services[2].status: this field is required" in lines, lines
    _nothing_written(before)


def test_a_service_whose_organization_is_nowhere_is_skipped_with_the_reason(tmp_path, dataset):
    """A service cannot exist without its organization: it is skipped, and so is what cannot
    exist without the service; the rest of the file is imported."""
    document = export_all()
    wipe()
    moved = document["services"][1]
    missing = str(uuid.uuid4())
    moved["organization_id"] = missing
    del moved["organization"]
    for organization in document["organizations"]:
        organization["services"] = [s for s in organization["services"] if s["id"] != moved["id"]]
    output = import_path(write_json(tmp_path, document))
    assert not Service.objects.filter(pk=moved["id"]).exists()
    assert Service.objects.count() == 1
    assert (
        f"hsds.json, row 2, services[2].organization_id: skipped: its organization {missing}"
        in (output)
    )
    assert "service_at_location" in output.split("Skipped:")[1]


def test_copies_of_one_object_that_disagree_are_refused(tmp_path, dataset):
    document = export_all()
    wipe()
    before = counts()
    document["services"][1]["organization_id"] = str(uuid.uuid4())
    del document["services"][1]["organization"]
    lines = refused(write_json(tmp_path, document))
    assert any(
        "organization_id: differs from another copy of the same service" in line for line in lines
    ), lines
    _nothing_written(before)


def test_wrong_schema_version_is_refused(tmp_path, dataset):
    document = export_all()
    wipe()
    before = counts()
    document["version"] = "2.0"
    lines = refused(write_json(tmp_path, document))
    assert lines == [
        "hsds.json, version: HSDS version 2.0 is not supported: this import reads HSDS 3.0."
    ]
    _nothing_written(before)


def _package(tmp_path: Path) -> Path:
    folder = tmp_path / "package"
    folder.mkdir()
    for name, data in export_package_files(writer=HsdsWriter(reveal_all), base_url=BASE).items():
        (folder / name).write_bytes(data)
    return folder


def test_wrong_version_of_a_csv_package_is_refused(tmp_path, dataset):
    folder = _package(tmp_path)
    wipe()
    before = counts()
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["version"] = "2.0.1"
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    lines = refused(folder)
    assert lines[0].startswith("datapackage.json, version: HSDS version 2.0.1")
    _nothing_written(before)


def test_broken_csv_is_refused_with_its_line(tmp_path, dataset):
    folder = _package(tmp_path)
    wipe()
    before = counts()
    services = (folder / "services.csv").read_text().splitlines()
    services[2] = services[2] + ',"unterminated'
    (folder / "services.csv").write_text("\n".join(services) + "\n")
    lines = refused(folder)
    assert any(line.startswith("services.csv, row 3") for line in lines), lines
    _nothing_written(before)


def test_csv_row_missing_a_required_field(tmp_path, dataset):
    folder = _package(tmp_path)
    wipe()
    before = counts()
    text = (folder / "services.csv").read_text().replace(",active,", ",,", 1)
    (folder / "services.csv").write_text(text)
    lines = refused(folder)
    assert any(line.startswith("services.csv, row 2, status") for line in lines), lines
    _nothing_written(before)


def test_csv_bad_uuid_and_bad_number(tmp_path, dataset):
    folder = _package(tmp_path)
    wipe()
    before = counts()
    lines = (folder / "locations.csv").read_text().splitlines()
    header = lines[0].split(",")
    cells = next(iter(__import__("csv").reader([lines[1]])))
    cells[header.index("id")] = "zzz"
    cells[header.index("latitude")] = "nord"
    import csv as csv_module

    out = io.StringIO()
    csv_module.writer(out, lineterminator="\n").writerows(
        [header, cells, *[next(iter(csv_module.reader([x]))) for x in lines[2:]]]
    )
    (folder / "locations.csv").write_text(out.getvalue())
    problems = refused(folder)
    assert "locations.csv, row 2, latitude: not a number: nord" in problems
    _nothing_written(before)


def test_not_json_is_refused(tmp_path, db):
    path = tmp_path / "broken.json"
    path.write_text('{"version": "3.0", "services": [')
    lines = refused(path)
    assert (
        lines[0] == "broken.json, line 1, -: the file ends too early: it is cut off or incomplete"
    )


def test_a_failure_while_writing_rolls_everything_back(tmp_path, dataset, monkeypatch):
    path = write_json(tmp_path, export_all())
    wipe()
    before = counts()

    def explode(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exchange_apply, "search_entries_refresh", explode)
    with pytest.raises(RuntimeError):
        bundle_apply(bundle=read_path(path), actor=None, dry_run=False)
    _nothing_written(before)


# The web interface ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["organisation_admin", "coordinator"])
def test_web_import_for_admins_and_coordinators(client, side_a, tmp_path, dataset, role):
    document = export_all()
    wipe()
    DirectoryOrganization.objects.all().delete()
    login(client, side_a.user(role))
    upload = SimpleUploadedFile(
        "hsds.json", json.dumps(document).encode(), content_type="application/json"
    )
    response = client.post("/repertoire/echange/", {"file": upload})
    assert response.status_code == 200
    assert Service.objects.count() == 2
    assert DirectoryOrganization.objects.get().owner_id == side_a.organisation.pk
    event = AuditEvent.objects.get(action="directory_imported")
    assert event.organisation_id == side_a.organisation.pk and event.details["created"] > 0


def test_web_import_shows_each_problem_and_writes_nothing(client, side_a, dataset):
    document = export_all()
    wipe()
    before = counts()
    document["services"][0]["id"] = "bad"
    login(client, side_a.user("organisation_admin"))
    upload = SimpleUploadedFile("hsds.json", json.dumps(document).encode())
    html = client.post("/repertoire/echange/", {"file": upload}).content.decode()
    assert "services[1].id" in html and "<td>1</td>" in html
    _nothing_written(before)


def test_web_import_cannot_touch_another_organisations_records(client, side_b, dataset):
    document = export_all()
    document["services"][0]["name_fr"] = "Détourné"
    login(client, side_b.user("organisation_admin"))
    client.cookies["arrimage_language"] = "en"  # the login set the user's language
    upload = SimpleUploadedFile("hsds.json", json.dumps(document).encode())
    html = client.post("/repertoire/echange/", {"file": upload}).content.decode()
    assert "belongs to another Arrimage organisation" in html
    assert not Service.objects.filter(name_fr="Détourné").exists()


def test_web_import_of_a_zipped_csv_package(client, side_a, tmp_path, dataset):
    files = export_package_files(writer=HsdsWriter(reveal_all), base_url=BASE)
    wipe()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    login(client, side_a.user("organisation_admin"))
    upload = SimpleUploadedFile("package.zip", buffer.getvalue())
    client.post("/repertoire/echange/", {"file": upload})
    assert Service.objects.count() == 2


@pytest.mark.parametrize("role", ["caseworker", "service_staff", "analyst"])
def test_web_import_and_export_refused_to_other_roles(client, side_a, dataset, role):
    login(client, side_a.user(role))
    assert client.get("/repertoire/echange/").status_code == 404
    assert client.post("/repertoire/echange/export.json").status_code == 404
    assert not DBTaskResult.objects.exists()
    before = counts()
    upload = SimpleUploadedFile("hsds.json", b"{}")
    assert client.post("/repertoire/echange/", {"file": upload}).status_code == 404
    assert counts() == before


def test_web_export_downloads_validate(client, side_a, dataset):
    login(client, side_a.user("coordinator"))
    response = export_through_the_page(client, "json")
    assert response["Content-Disposition"].startswith('attachment; filename="arrimage-hsds-')
    for service in json.loads(response.content)["services"]:
        assert_valid("compiled/service.json", service)
    archive = zipfile.ZipFile(io.BytesIO(export_through_the_page(client, "csv").content))
    assert not read_package({n: archive.read(n) for n in archive.namelist()}).errors
    assert AuditEvent.objects.filter(action="directory_exported").count() == 2


def export_through_the_page(client, fmt: str):
    """The export runs in the background: queue it, run the worker, download from its page."""
    queued = client.post(f"/repertoire/echange/export.{fmt}")
    assert queued.status_code == 302 and queued["Location"].startswith("/taches/")
    page = client.get(queued["Location"])
    assert page.status_code == 200 and "<progress" in page.content.decode()
    assert client.get(queued["Location"] + "fichier/").status_code == 404, "not made yet"
    run_queued_tasks()
    page = client.get(queued["Location"]).content.decode()
    assert f'href="{queued["Location"]}fichier/"' in page
    return client.get(queued["Location"] + "fichier/")


def test_only_who_asked_downloads_the_export(client, side_a, side_b, dataset):
    login(client, side_a.user("coordinator"))
    queued = client.post("/repertoire/echange/export.json")["Location"]
    run_queued_tasks()
    for user in (side_a.user("organisation_admin"), side_b.user("coordinator")):
        client.logout()
        login(client, user)
        assert client.get(queued + "fichier/").status_code == 404
        assert client.get(queued).status_code == 404


def test_capacity_history_survives_a_reimport(tmp_path, dataset):
    """An import never erases availability history."""
    capacity = ServiceCapacity.objects.get()
    CapacityChange.objects.create(capacity=capacity, previous=1, available=2, source="web")
    path = write_json(tmp_path, export_all())
    import_path(path)
    assert CapacityChange.objects.count() == 1
    shutil.rmtree(tmp_path)


def _large(document: dict) -> SimpleUploadedFile:
    """The document, padded with whitespace past the size the worker takes over."""
    text = json.dumps(document) + " " * (LARGE_IMPORT + 1)
    return SimpleUploadedFile("hsds.json", text.encode(), content_type="application/json")


def test_a_large_import_runs_in_the_background_with_its_progress(client, side_a, dataset):
    document = export_all()
    wipe()
    DirectoryOrganization.objects.all().delete()
    login(client, side_a.user("coordinator"))
    queued = client.post("/repertoire/echange/", {"file": _large(document)})
    assert queued.status_code == 302 and queued["Location"].startswith("/taches/")
    assert Service.objects.count() == 0, "the request only queues the import"
    assert "<progress" in client.get(queued["Location"]).content.decode()
    run_queued_tasks()
    html = client.get(queued["Location"]).content.decode()
    assert "créé" in html and "Importation du répertoire (HSDS)" in html
    assert Service.objects.count() == 2
    state = client.get(queued["Location"] + "etat/").json()
    assert state["status"] == "done" and state["done"] == state["total"] > 0
    assert not TaskFile.objects.exists(), "the upload is not kept once imported"
    assert client.get(queued["Location"] + "fichier/").status_code == 404


def test_a_large_import_with_a_problem_writes_nothing_and_says_why(client, side_a, dataset):
    document = export_all()
    wipe()
    before = counts()
    document["services"][0]["id"] = "bad"
    login(client, side_a.user("organisation_admin"))
    queued = client.post("/repertoire/echange/", {"file": _large(document)})["Location"]
    run_queued_tasks()
    html = client.get(queued).content.decode()
    assert "a été importé" in html
    assert "services[1].id" in html
    _nothing_written(before)
