"""The official HSDS 3.0 examples (tests/data/hsds/, CC BY-SA 4.0), imported as published."""

import copy
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from tests.directory.hsds_fields import fields_kept, occurrences

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "hsds"


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["arrimage_language"] = "en"
    with translation.override("en"):
        yield


def hand_repaired(service: dict) -> dict:
    """What the import needed before it read the examples as published: a version, the
    links nesting implies, and no reference to an object absent from the file."""
    service = copy.deepcopy(service)
    service["organization_id"] = service["organization"]["id"]
    for attribute in service["attributes"]:
        attribute["taxonomy_term"].pop("parent_id", None)
        attribute["taxonomy_term_id"] = attribute["taxonomy_term"]["id"]
    for sal in service["service_at_locations"]:
        sal["location_id"] = sal["location"]["id"]
    for key in ("service_areas", "cost_options", "required_documents"):
        for item in service[key]:
            item["service_id"] = service["id"]
    return {"version": "3.0", "services": [service]}


def test_service_full_fields_kept_before_the_import_read_examples_as_published(tmp_path, client):
    """The figures of issue 14, reproduced: after hand repair, 105 of the 125 fields of
    service_full come back through the command line, 101 through the API."""
    original = example("service_full.json")
    path = tmp_path / "repaired.json"
    path.write_text(json.dumps(hand_repaired(original)))
    call_command("import_hsds", str(path), "--no-progress", stdout=io.StringIO())
    call_command("export_hsds", str(tmp_path / "out"), "--format", "json", stdout=io.StringIO())
    exported = json.loads((tmp_path / "out" / "hsds.json").read_text())
    wanted = occurrences([("service", original)])
    assert len(wanted) == 125
    cli = occurrences(
        [("service", s) for s in exported["services"]]
        + [("organization", o) for o in exported["organizations"]]
        + [("taxonomy", t) for t in exported["taxonomies"]]
        + [("taxonomy_term", t) for t in exported["taxonomy_terms"]]
    )
    kept, lost = fields_kept(wanted, cli)
    assert len(kept) == 105
    service = client.get(f"/hsds/services/{original['id']}").json()
    organization = client.get(f"/hsds/organizations/{original['organization']['id']}").json()
    kept_api, _lost_api = fields_kept(
        wanted, occurrences([("service", service), ("organization", organization)])
    )
    assert len(kept_api) == 101
    assert {kind for kind, _field in lost} == {
        "metadata",
        "organization",
        "organization_identifier",
        "schedule",
        "service",
        "taxonomy_term",
    }
