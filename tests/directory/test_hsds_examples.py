"""The official HSDS 3.0 examples (tests/data/hsds/, CC BY-SA 4.0), imported as published:
every object comes in with the links its nesting implies, a reference to an absent object is
kept with a warning, a second import changes nothing, and every field of service_full comes
back out through the command line, the API and the CSV package."""

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from arrimage.core.models import AuditEvent
from arrimage.directory.exchange_kinds import MODELS, ORDER
from arrimage.directory.exchange_read import csv_layout, read_package
from arrimage.directory.models import (
    Attribute,
    Contact,
    DirectoryOrganization,
    Language,
    Metadata,
    OrganizationIdentifier,
    Phone,
    Program,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
    UnresolvedReference,
)
from tests.conftest import login
from tests.directory.conftest import assert_valid
from tests.directory.hsds_fields import as_csv_text, csv_occurrences, fields_kept, occurrences

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "hsds"
SERVICE = "ac148810-d857-441c-9679-408f346de14b"
ORGANIZATION = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
LOCATION = "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
SAL = "e94c9f38-1e8f-4564-91d4-d53501ab1765"
PHONE = "1554f2e2-a373-45db-a3fa-9fc48a61c15e"
CONTACT = "1e7efce3-639b-4880-940c-b95cd30cdb50"
TERM = "3f7b145d-84af-42d7-8fae-eaca714b02b2"
ABSENT_PARENT_TERM = "0bc248fa-dc27-4650-9ba4-8f1a24ef16a2"

_FULL = {
    "taxonomy": 1,
    "taxonomy_term": 1,
    "organization": 1,
    "organization_identifier": 1,
    "program": 1,
    "location": 1,
    "address": 1,
    "service": 1,
    "service_at_location": 1,
    "contact": 1,
    "phone": 1,
    "schedule": 1,
    "language": 1,
    "accessibility": 1,
    "service_area": 1,
    "cost_option": 1,
    "required_document": 1,
    "funding": 1,
    "attribute": 1,
    "metadata": 1,
}
# What each example holds, object by object (the same object nested several times counts once).
EXPECTED = {
    "base.json": {},
    "location.json": {
        "location": 1,
        "address": 1,
        "contact": 1,
        "phone": 1,
        "schedule": 1,
        "language": 1,
        "accessibility": 1,
    },
    "organization_full.json": _FULL,
    "organization_list.json": {"organization": 1},
    "service_at_location_full.json": _FULL,
    "service_at_location_list.json": {
        "organization": 1,
        "program": 1,
        "location": 1,
        "service": 1,
        "service_at_location": 1,
    },
    "service_full.json": _FULL,
    "service_list.json": {"organization": 1, "program": 1, "service": 1},
    "tabular.json": {**_FULL, "meta_table_description": 1},
    "taxonomy.json": {"taxonomy": 1},
    "taxonomy_list.json": {"taxonomy": 1},
    "taxonomy_term.json": {"taxonomy": 1, "taxonomy_term": 1},
    "taxonomy_term_list.json": {"taxonomy": 1, "taxonomy_term": 1},
    "csv": {**_FULL, "meta_table_description": 1},
}


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["arrimage_language"] = "en"
    with translation.override("en"):
        yield


def counts() -> dict[str, int]:
    return {kind: model.objects.count() for kind, model in MODELS.items()}  # type: ignore[attr-defined]


def import_path(path: Path, *options: str) -> str:
    out = io.StringIO()
    call_command("import_hsds", str(path), "--no-progress", *options, stdout=out)
    return out.getvalue()


def kind_lines(output: str) -> dict[str, list[int]]:
    """kind -> [created, updated, unchanged, skipped], from the command's summary table."""
    table = {}
    for line in output.splitlines():
        cells = line.split()
        if len(cells) == 5 and cells[0] in MODELS and all(c.isdigit() for c in cells[1:]):
            table[cells[0]] = [int(c) for c in cells[1:]]
    return table


# Every example, as published --------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_example_imports_as_published_and_a_second_import_changes_nothing(name):
    before = counts()
    first = import_path(EXAMPLES / name)
    created = {k: n - before[k] for k, n in counts().items() if n != before[k]}
    assert created == EXPECTED[name], first
    assert {k: v[0] for k, v in kind_lines(first).items() if v[0]} == EXPECTED[name]
    second = import_path(EXAMPLES / name)
    assert second.startswith("0 created, 0 updated"), second
    assert all(v[:2] == [0, 0] and v[3] == 0 for v in kind_lines(second).values()), second
    assert {k: v[2] for k, v in kind_lines(second).items()} == EXPECTED[name]
    if name == "base.json":
        assert "this document describes a feed and holds no objects" in first


def test_nested_objects_come_in_with_the_links_their_nesting_implies():
    import_path(EXAMPLES / "service_full.json")
    phone = Phone.objects.get(pk=PHONE)
    # The same phone is nested in the service, its service_at_location, the location, the
    # contact and the organization: it keeps every link.
    assert str(phone.service_id) == SERVICE
    assert str(phone.service_at_location_id) == SAL
    assert str(phone.location_id) == LOCATION
    assert str(phone.contact_id) == CONTACT
    assert str(phone.organization_id) == ORGANIZATION
    language = Language.objects.get()
    assert (str(language.phone_id), str(language.location_id), str(language.service_id)) == (
        PHONE,
        LOCATION,
        SERVICE,
    )
    schedule = Schedule.objects.get()
    assert {str(schedule.service_id), str(schedule.location_id)} == {SERVICE, LOCATION}
    assert str(schedule.service_at_location_id) == SAL
    assert (schedule.timezone, schedule.count, schedule.byweekno, schedule.byyearday) == (
        3,
        3,
        "41,42",
        "2,3,4",
    )
    contact = Contact.objects.get()
    assert (str(contact.service_at_location_id), str(contact.location_id)) == (SAL, LOCATION)
    assert str(contact.organization_id) == ORGANIZATION
    service = Service.objects.get()
    assert str(service.organization_id) == ORGANIZATION
    assert service.program_id == Program.objects.get().pk
    assert str(Program.objects.get().organization_id) == ORGANIZATION
    assert service.fees == "fees_description"
    sal = ServiceAtLocation.objects.get()
    assert (str(sal.service_id), str(sal.location_id)) == (SERVICE, LOCATION)
    attribute = Attribute.objects.get()
    assert (str(attribute.link_id), str(attribute.taxonomy_term_id)) == (SERVICE, TERM)
    assert TaxonomyTerm.objects.get(pk=TERM).taxonomy_id is not None
    assert str(Metadata.objects.get().resource_id) == SERVICE
    organization = DirectoryOrganization.objects.get()
    assert (organization.tax_status, organization.logo[:8]) == ("tax_status", "https://")
    assert OrganizationIdentifier.objects.get().organization_id == organization.pk


def test_a_reference_to_an_absent_object_is_kept_and_resolved_by_a_later_import(tmp_path):
    output = import_path(EXAMPLES / "taxonomy_term.json")
    assert (
        f"taxonomy_term.json, parent_id: the taxonomy_term {ABSENT_PARENT_TERM} is neither in "
        "the file nor in the directory: kept as an unresolved reference"
    ) in output
    term = TaxonomyTerm.objects.get(pk=TERM)
    assert term.parent_id is None
    assert UnresolvedReference.objects.filter(object_id=TERM, field="parent_id").exists()
    call_command("export_hsds", str(tmp_path / "out"), "--format", "json", stdout=io.StringIO())
    exported = json.loads((tmp_path / "out" / "hsds.json").read_text())
    assert {t["id"]: t.get("parent_id") for t in exported["taxonomy_terms"]}[TERM] == (
        ABSENT_PARENT_TERM
    )
    parent = tmp_path / "parent.json"
    parent.write_text(
        json.dumps({"id": ABSENT_PARENT_TERM, "code": "p", "name": "Parent", "description": "P"})
    )
    later = import_path(parent)
    assert kind_lines(later)["taxonomy_term"] == [1, 1, 0, 0], later
    term.refresh_from_db()
    assert str(term.parent_id) == ABSENT_PARENT_TERM
    assert not UnresolvedReference.objects.exists()


def test_a_failed_import_writes_nothing(tmp_path):
    document = example("service_full.json")
    document["service_at_locations"][0]["location"]["phones"][0]["extension"] = "poste 12"
    path = tmp_path / "service.json"
    path.write_text(json.dumps(document))
    before = counts()
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_hsds", str(path), "--no-progress", stdout=io.StringIO(), stderr=err)
    assert (
        "service.json, service_at_locations[0].location.phones[0].extension: expected number"
        in err.getvalue()
    )
    assert counts() == before
    assert not AuditEvent.objects.filter(action="directory_imported").exists()


# Round trip of service_full ------------------------------------------------------------------


def _cli_export(folder: Path, fmt: str) -> Path:
    call_command(
        "export_hsds", str(folder), "--format", fmt, "--include-confidential", stdout=io.StringIO()
    )
    return folder


def _document_occurrences(document: dict) -> dict:
    return occurrences(
        [("service", s) for s in document["services"]]
        + [("organization", o) for o in document["organizations"]]
        + [("taxonomy", t) for t in document["taxonomies"]]
        + [("taxonomy_term", t) for t in document["taxonomy_terms"]]
    )


def test_every_field_of_service_full_survives_the_command_line_in_json(tmp_path):
    original = example("service_full.json")
    wanted = occurrences([("service", original)])
    assert len(wanted) == 125
    import_path(EXAMPLES / "service_full.json")
    exported = json.loads((_cli_export(tmp_path, "json") / "hsds.json").read_text())
    kept, lost = fields_kept(wanted, _document_occurrences(exported))
    assert not lost and len(kept) == 125
    # The service alone, as one document, holds them all too.
    service = next(s for s in exported["services"] if s["id"] == SERVICE)
    kept, lost = fields_kept(wanted, occurrences([("service", service)]))
    assert len(kept) == 125, sorted(lost)


def test_every_field_of_service_full_survives_the_api(client):
    original = example("service_full.json")
    import_path(EXAMPLES / "service_full.json")
    service = client.get(f"/hsds/services/{SERVICE}").json()
    kept, lost = fields_kept(
        occurrences([("service", original)]), occurrences([("service", service)])
    )
    assert len(kept) == 125, sorted(lost)
    assert_valid("compiled/service.json", service)


def test_every_field_of_service_full_survives_the_csv_package_and_back(tmp_path):
    original = example("service_full.json")
    wanted = occurrences([("service", original)])
    import_path(EXAMPLES / "service_full.json")
    folder = _cli_export(tmp_path / "out", "csv") / "csv"
    files = {p.name: p.read_bytes() for p in folder.iterdir()}
    layout = {path: kind for kind, (path, _fields, _types) in csv_layout().items()}
    kept, lost = fields_kept(as_csv_text(wanted), csv_occurrences(files, layout))
    assert len(kept) == 125, sorted(lost)
    # Into an empty directory and out again as JSON.
    for kind in reversed(ORDER):
        MODELS[kind].objects.all().delete()  # type: ignore[attr-defined]
    UnresolvedReference.objects.all().delete()
    import_path(folder)
    exported = json.loads((_cli_export(tmp_path / "again", "json") / "hsds.json").read_text())
    kept, lost = fields_kept(wanted, _document_occurrences(exported))
    assert len(kept) == 125, sorted(lost)


def test_exports_validate_after_every_example_is_imported(tmp_path, client):
    for name in sorted(EXPECTED):
        import_path(EXAMPLES / name)
    _cli_export(tmp_path, "both")
    document = json.loads((tmp_path / "hsds.json").read_text())
    for service in document["services"]:
        assert_valid("compiled/service.json", service)
    for organization in document["organizations"]:
        assert_valid("compiled/organization.json", organization)
    for term in document["taxonomy_terms"]:
        assert_valid("taxonomy_term.json", term)
    for taxonomy in document["taxonomies"]:
        assert_valid("taxonomy.json", taxonomy)
    files = {p.name: p.read_bytes() for p in (tmp_path / "csv").iterdir()}
    assert not read_package(files).errors
    assert {"metadata.csv", "meta_table_descriptions.csv", "organization_identifiers.csv"} <= set(
        files
    )
    assert_valid("compiled/service.json", client.get(f"/hsds/services/{SERVICE}").json())
    assert_valid(
        "compiled/organization.json", client.get(f"/hsds/organizations/{ORGANIZATION}").json()
    )


# The web page --------------------------------------------------------------------------------


def _upload(client, name: str, data: bytes) -> str:
    upload = SimpleUploadedFile(name, data)
    response = client.post("/repertoire/echange/", {"file": upload})
    assert response.status_code == 200
    return response.content.decode()


def test_the_web_import_shows_what_each_kind_became(client, side_a):
    login(client, side_a.user("organisation_admin"))
    client.cookies["arrimage_language"] = "en"
    html = _upload(client, "service_full.json", (EXAMPLES / "service_full.json").read_bytes())
    assert "20 created, 0 updated, 0 unchanged, 0 skipped." in html
    assert "<code>service_at_location</code>" in html and "<code>metadata</code>" in html
    assert "kept as an unresolved reference" in html
    assert DirectoryOrganization.objects.get().owner_id == side_a.organisation.pk
    again = _upload(client, "service_full.json", (EXAMPLES / "service_full.json").read_bytes())
    assert "0 created, 0 updated, 20 unchanged, 0 skipped." in again


def test_the_web_import_reads_the_zipped_csv_package(client, side_a):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in (EXAMPLES / "csv").iterdir():
            archive.write(path, f"csv/{path.name}")
    login(client, side_a.user("coordinator"))
    client.cookies["arrimage_language"] = "en"
    html = _upload(client, "package.zip", buffer.getvalue())
    assert "21 created" in html, html
    assert Metadata.objects.count() == 1


def test_another_organisation_cannot_touch_any_kind_the_file_holds(client, side_a, side_b):
    """Side A imports service_full; side B, with the same file, is refused for every object
    of every kind: each belongs to A."""
    data = (EXAMPLES / "service_full.json").read_bytes()
    login(client, side_a.user("organisation_admin"))
    _upload(client, "service_full.json", data)
    before = {k: list(m.objects.order_by("pk").values()) for k, m in MODELS.items()}  # type: ignore[attr-defined]
    client.logout()
    login(client, side_b.user("organisation_admin"))
    client.cookies["arrimage_language"] = "en"
    html = _upload(client, "service_full.json", data)
    refused = {
        kind for kind in MODELS if f"this {kind} belongs to another Arrimage organisation" in html
    }
    assert refused == set(_FULL) - {"taxonomy", "taxonomy_term"}
    assert {k: list(m.objects.order_by("pk").values()) for k, m in MODELS.items()} == before  # type: ignore[attr-defined]
    # A place A's service is offered at belongs to A, though it names no organization.
    html = _upload(client, "location.json", (EXAMPLES / "location.json").read_bytes())
    assert "this location belongs to another Arrimage organisation" in html


def test_a_web_import_may_not_change_a_shared_taxonomy(client, side_a, tmp_path):
    import_path(EXAMPLES / "taxonomy_term.json")
    document = example("taxonomy_term.json")
    document["name"] = "Renamed for everyone"
    login(client, side_a.user("organisation_admin"))
    client.cookies["arrimage_language"] = "en"
    html = _upload(client, "term.json", json.dumps(document).encode())
    assert "only an import on the command line may change it" in html
    assert TaxonomyTerm.objects.get(pk=TERM).name_fr == "name"


def test_copies_of_the_examples_are_unedited():
    candidates = [
        parent / "shared" / "standards" / "hsds-3.0" / "examples"
        for parent in Path(__file__).resolve().parents
    ]
    shared = next((c for c in candidates if c.exists()), None)
    if shared is None:
        pytest.skip("the shared standards folder is not beside the repository")
    for path in shared.rglob("*"):
        if path.is_file() and path.name != "README.md":
            assert (EXAMPLES / path.relative_to(shared)).read_bytes() == path.read_bytes()


def test_an_example_folder_copied_elsewhere_imports_the_same(tmp_path):
    shutil.copytree(EXAMPLES / "csv", tmp_path / "package")
    output = import_path(tmp_path / "package" / "datapackage.json", "--dry-run")
    assert "dry run" in output and kind_lines(output)["meta_table_description"][0] == 1
    assert not Metadata.objects.exists()
