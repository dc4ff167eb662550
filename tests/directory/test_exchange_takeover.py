"""An import never takes over another organisation's directory objects: a location, a phone,
a contact, an address, a schedule... named by id inside a new organization of the file. The
whole file is refused, nothing is written, and a confidential address never reaches the
importer, anonymous visitors or the HSDS feed (issue 11, item 0)."""

import io
import json
import uuid
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from arrimage.directory.exchange_tasks import LARGE_IMPORT
from arrimage.directory.exchange_write import descriptor
from arrimage.directory.models import (
    Address,
    Contact,
    DirectoryOrganization,
    Location,
    Phone,
    Schedule,
    ServiceAtLocation,
)
from tests.conftest import login, run_queued_tasks
from tests.directory.conftest import SECRET_POSTCODE, SECRET_STREET, directory_org, service_make

pytestmark = pytest.mark.django_db


def _state() -> dict:
    """Every row an import could touch, as values."""
    return {
        model.__name__: sorted(map(repr, model.objects.order_by("pk").values()))
        for model in (
            DirectoryOrganization,
            Location,
            Address,
            Phone,
            Contact,
            Schedule,
            ServiceAtLocation,
        )
    }


def _upload(document: dict, name: str = "hsds.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, json.dumps(document).encode(), content_type="application/json")


def _takeover(location: Location, *, confidential: bool, extra: dict | None = None) -> dict:
    return {
        "version": "3.0",
        "organizations": [
            {
                "id": str(uuid.uuid4()),
                "name": "x",
                "description": "x",
                "locations": [
                    {
                        "id": str(location.pk),
                        "location_type": "physical",
                        "confidential": confidential,
                        **(extra or {}),
                    }
                ],
            }
        ],
    }


def _assert_address_hidden_everywhere(client, shelter, police_user) -> None:
    location = shelter.service_at_locations.get().location
    client.logout()
    login(client, police_user)
    pages = [
        f"/repertoire/services/{shelter.pk}/",
        "/repertoire/?q=hebergement",
        "/repertoire/echange/",
        f"/hsds/locations/{location.pk}",
        f"/hsds/services/{shelter.pk}",
        "/hsds/services?full=true",
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert SECRET_STREET not in body and SECRET_POSTCODE not in body, url
    client.logout()
    for url in pages:
        body = client.get(url).content.decode()
        assert SECRET_STREET not in body and SECRET_POSTCODE not in body, url


@pytest.mark.parametrize("confidential", [True, False])
def test_police_admin_cannot_take_over_a_confidential_location(
    client, side_a, side_b, police_side, two_shelters, confidential
):
    shelter = two_shelters["a"]
    location = shelter.service_at_locations.get().location
    before = _state()
    login(client, police_side.user("organisation_admin"))
    client.cookies["arrimage_language"] = "en"
    response = client.post(
        "/repertoire/echange/", {"file": _upload(_takeover(location, confidential=confidential))}
    )
    html = response.content.decode()
    assert "belongs to another Arrimage organisation" in html
    assert SECRET_STREET not in html and SECRET_POSTCODE not in html
    assert _state() == before
    _assert_address_hidden_everywhere(client, shelter, police_side.user("organisation_admin"))


def test_other_organisation_with_identical_data_cannot_take_over_either(
    client, side_a, side_b, two_shelters
):
    """Organisation B owns a shelter just like A's: B's admin still cannot take A's."""
    location = two_shelters["a"].service_at_locations.get().location
    before = _state()
    login(client, side_b.user("organisation_admin"))
    client.cookies["arrimage_language"] = "en"
    html = client.post(
        "/repertoire/echange/",
        {"file": _upload(_takeover(location, confidential=False))},
    ).content.decode()
    assert "belongs to another Arrimage organisation" in html
    assert _state() == before
    assert Location.objects.get(pk=location.pk).is_confidential


def test_the_owner_may_still_update_its_own_location(client, side_a, two_shelters):
    location = two_shelters["a"].service_at_locations.get().location
    document = {
        "version": "3.0",
        "organizations": [
            {
                "id": str(location.organization_id),
                "name": location.organization.name,
                "description": "Organisme de test",
                "locations": [
                    {"id": str(location.pk), "location_type": "physical", "name": "Nouveau nom"}
                ],
            }
        ],
    }
    login(client, side_a.user("organisation_admin"))
    client.post("/repertoire/echange/", {"file": _upload(document)})
    assert Location.objects.get(pk=location.pk).name == "Nouveau nom"


def _nested(kind: str, shelter) -> dict:
    """A new organization of the file naming one of A's nested objects by id."""
    location = shelter.service_at_locations.get().location
    phone = Phone.objects.get(location=location)
    address = Address.objects.get(location=location)
    contact = Contact.objects.create(location=location, name="Intervenante A")
    schedule = Schedule.objects.create(location=location, description="Lundi")
    sal = ServiceAtLocation.objects.get(location=location)
    new_location: dict = {"id": str(uuid.uuid4()), "name": "Chez nous", "location_type": "physical"}
    if kind == "phone":
        new_location["phones"] = [{"id": str(phone.pk), "number": "514-555-9999"}]
    elif kind == "address":
        new_location["addresses"] = [
            {
                "id": str(address.pk),
                "address_1": "1 rue X",
                "city": "Laval",
                "state_province": "QC",
                "postal_code": "H7N 1A1",
                "country": "CA",
                "address_type": "physical",
            }
        ]
    elif kind == "contact":
        new_location["contacts"] = [{"id": str(contact.pk), "name": "Moi"}]
    elif kind == "schedule":
        new_location["schedules"] = [{"id": str(schedule.pk), "description": "Dimanche"}]
    elif kind == "new_phone_at_their_location":  # one object alone, of the phone kind
        return {"id": str(uuid.uuid4()), "number": "514-555-9999", "location_id": str(location.pk)}
    elif kind in {"service_at_location", "new_service_at_location"}:
        sal_id = sal.pk if kind == "service_at_location" else uuid.uuid4()
        return {
            "version": "3.0",
            "services": [
                {
                    "id": str(uuid.uuid4()),
                    "name": "s",
                    "status": "active",
                    "organization": {"id": str(uuid.uuid4()), "name": "y", "description": "y"},
                    "service_at_locations": [
                        {
                            "id": str(sal_id),
                            "location": {"id": str(location.pk), "location_type": "physical"},
                        }
                    ],
                }
            ],
        }
    return {
        "version": "3.0",
        "organizations": [
            {"id": str(uuid.uuid4()), "name": "x", "description": "x", "locations": [new_location]}
        ],
    }


@pytest.mark.parametrize(
    "kind",
    [
        "phone",
        "address",
        "contact",
        "schedule",
        "service_at_location",
        "new_service_at_location",
        "new_phone_at_their_location",
    ],
)
def test_no_nested_object_of_another_organisation_can_be_taken(
    client, side_a, side_b, two_shelters, kind
):
    document = _nested(kind, two_shelters["a"])
    before = _state()
    login(client, side_b.user("organisation_admin"))
    client.cookies["arrimage_language"] = "en"
    html = client.post("/repertoire/echange/", {"file": _upload(document)}).content.decode()
    assert "belongs to another Arrimage organisation" in html, kind
    assert _state() == before


def test_the_csv_package_takes_the_same_check(client, police_side, two_shelters):
    location = two_shelters["a"].service_at_locations.get().location
    new_org = str(uuid.uuid4())
    files = {
        "organizations.csv": f"id,name,description\n{new_org},x,x\n",
        "locations.csv": (
            "id,organization_id,location_type,confidential\n"
            f"{location.pk},{new_org},physical,false\n"
        ),
    }
    files["datapackage.json"] = json.dumps(descriptor("http://testserver", list(files)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    before = _state()
    login(client, police_side.user("organisation_admin"))
    client.cookies["arrimage_language"] = "en"
    html = client.post(
        "/repertoire/echange/", {"file": SimpleUploadedFile("p.zip", buffer.getvalue())}
    ).content.decode()
    assert "belongs to another Arrimage organisation" in html, html[-3000:]
    assert _state() == before


def test_a_large_import_in_the_background_takes_the_same_check(client, police_side, two_shelters):
    location = two_shelters["a"].service_at_locations.get().location
    text = json.dumps(_takeover(location, confidential=False)) + " " * (LARGE_IMPORT + 1)
    before = _state()
    login(client, police_side.user("organisation_admin"))
    client.cookies["arrimage_language"] = "en"
    queued = client.post(
        "/repertoire/echange/", {"file": SimpleUploadedFile("hsds.json", text.encode())}
    )["Location"]
    run_queued_tasks()
    html = client.get(queued).content.decode()
    assert "belongs to another Arrimage organisation" in html
    assert _state() == before


def test_the_firewall_comes_before_the_owner(client, side_a, police_side, two_shelters):
    """A confidential location a police organisation owns (however it came to own it) still
    shows its address to no police user; the owning organisation A of the identical shelter
    still sees its own."""
    owned = service_make(
        directory_org(police_side.organisation, "Maison P"),
        name_fr="Hébergement P",
        municipality="laval",
        confidential=True,
    )
    for role in ("organisation_admin", "caseworker", "coordinator"):
        client.logout()
        login(client, police_side.user(role))
        body = client.get(f"/repertoire/services/{owned.pk}/").content.decode()
        assert "Laval" in body and SECRET_STREET not in body and SECRET_POSTCODE not in body
        assert SECRET_STREET not in client.get("/repertoire/?q=hebergement").content.decode()
    client.logout()
    login(client, side_a.user("caseworker"))
    body = client.get(f"/repertoire/services/{two_shelters['a'].pk}/").content.decode()
    assert SECRET_STREET in body
