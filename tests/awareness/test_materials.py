"""The library of materials: public materials for anyone, worker materials for the members of
their coalition; coordinators upload; bad files are refused with a translated message and
nothing is written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from arrimage.accounts.models import Role
from arrimage.awareness.models import Material, MaterialVersion
from arrimage.cases.document_services import MAX_UPLOAD_BYTES
from arrimage.core.models import AuditEvent
from tests.awareness.conftest import PDF
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _file_url(material: Material, language: str = "fr") -> str:
    version = material.versions.get(language=language)
    return f"/sensibilisation/{material.pk}/versions/{version.pk}/"


def test_public_materials_are_readable_anonymously(client, materials):
    listing = client.get("/sensibilisation/").content.decode()
    assert "Repérer les indicateurs a (public)" in listing
    assert "Repérer les indicateurs b (public)" in listing
    assert "(workers)" not in listing
    assert "Langues\u00a0: Français, Anglais" in listing
    public = materials["public-a"]
    page = client.get(f"/sensibilisation/{public.pk}/")
    assert page.status_code == 200
    assert "Français" in page.content.decode() and "Anglais" in page.content.decode()
    download = client.get(_file_url(public))
    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="guide.pdf"'
    text = client.get(_file_url(public, "en"))
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    assert text.content.startswith(b"# Spotting the indicators a")


def test_worker_materials_are_hidden_from_anonymous_visitors(client, materials):
    workers = materials["workers-a"]
    assert client.get(f"/sensibilisation/{workers.pk}/").status_code == 404
    assert client.get(_file_url(workers)).status_code == 404


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.COORDINATOR, Role.ANALYST])
def test_a_member_reads_its_coalitions_worker_materials_not_anothers(
    client, side_a, materials, role
):
    login(client, side_a.user(role))
    listing = client.get("/sensibilisation/").content.decode()
    assert "Repérer les indicateurs a (workers)" in listing
    assert "Repérer les indicateurs b (workers)" not in listing
    own, other = materials["workers-a"], materials["workers-b"]
    assert client.get(f"/sensibilisation/{own.pk}/").status_code == 200
    assert client.get(_file_url(own)).content == PDF
    assert client.get(f"/sensibilisation/{other.pk}/").status_code == 404
    assert client.get(_file_url(other)).status_code == 404
    # A version id of one material under another's address names nothing.
    mixed = f"/sensibilisation/{own.pk}/versions/{other.versions.first().pk}/"
    assert client.get(mixed).status_code == 404


def test_a_member_of_a_coalition_below_reads_the_worker_materials_above(client, coalition, side_a):
    from tests.awareness.conftest import material_make
    from tests.conftest import make_side

    provincial_side = make_side("Prov", region_code="QC-03", coalition=coalition.parent)
    above = material_make(provincial_side, audience="workers", label="prov")
    login(client, side_a.user(Role.CASEWORKER))
    assert client.get(f"/sensibilisation/{above.pk}/").status_code == 200


def _create(client, coalition, **overrides):
    data = {
        "title": "Affiche",
        "audience": "public",
        "kind": "poster",
        "language": "fr",
        "published_on": "2026-11-01",
    }
    data.update(overrides)
    return client.post(f"/sensibilisation/coalitions/{coalition.pk}/nouveau/", data)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("outil.exe", b"MZ\x90\x00\x03\x00\x00\x00"),
            "Seuls les fichiers PDF, JPEG, PNG et texte (.txt, .md) peuvent être ajoutés.",
        ),
        (
            SimpleUploadedFile("page.txt", b"<!doctype html><script>alert(1)</script>"),
            "Seuls les fichiers PDF, JPEG, PNG et texte (.txt, .md) peuvent être ajoutés.",
        ),
        (
            SimpleUploadedFile("guide.html", PDF),
            "Seuls les fichiers PDF, JPEG, PNG et texte (.txt, .md) peuvent être ajoutés.",
        ),
        (
            SimpleUploadedFile("gros.pdf", PDF + b"0" * MAX_UPLOAD_BYTES),
            "Le fichier est trop volumineux : 10 Mo au maximum.",
        ),
        (SimpleUploadedFile("vide.pdf", b""), "Le fichier est vide."),
        (
            SimpleUploadedFile("../../etc/guide;rm.pdf", PDF),
            "Le nom du fichier ne peut contenir que des lettres",
        ),
    ],
    ids=["program", "html-as-text", "wrong-extension", "oversize", "empty", "name"],
)
def test_a_bad_upload_is_refused_with_a_translated_message_and_writes_nothing(
    client, side_a, upload, message
):
    coalition = side_a.organisation.coalitions.get()
    login(client, side_a.user(Role.COORDINATOR))
    events = AuditEvent.objects.count()
    response = _create(client, coalition, file=upload, title="Affiche à garder")
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body.replace("\u00a0", " ")
    assert 'value="Affiche à garder"' in body  # what was typed is kept
    assert not Material.objects.exists() and not MaterialVersion.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_bad_new_version_writes_nothing(client, side_a, materials):
    material = materials["public-a"]
    login(client, side_a.user(Role.COORDINATOR))
    before = MaterialVersion.objects.count()
    response = client.post(
        f"/sensibilisation/{material.pk}/versions/",
        {"language": "es", "file": SimpleUploadedFile("x.exe", b"\x7fELF\x02\x01")},
    )
    assert response.status_code == 400
    assert "Seuls les fichiers PDF" in response.content.decode()
    assert MaterialVersion.objects.count() == before


def test_english_error_messages(client, side_a):
    coalition = side_a.organisation.coalitions.get()
    login(client, side_a.user(Role.COORDINATOR))
    client.post("/compte/langue/", {"language": "en", "next": "/"})
    response = _create(client, coalition, file=SimpleUploadedFile("a.exe", b"MZ\x00"))
    assert "Only PDF, JPEG, PNG and plain-text (.txt, .md) files can be added." in (
        response.content.decode()
    )
    response = _create(client, coalition, link="javascript:alert(1)")
    assert "The link must be a web address beginning with https://." in (response.content.decode())
    response = _create(client, coalition)
    assert "Add a file or a link." in response.content.decode()
    assert not Material.objects.exists()


def test_a_coordinator_adds_a_material_then_versions_numbered_per_language(client, side_a):
    coalition = side_a.organisation.coalitions.get()
    login(client, side_a.user(Role.COORDINATOR))
    response = _create(client, coalition, file=SimpleUploadedFile("affiche.pdf", PDF))
    assert response.status_code == 302
    material = Material.objects.get()
    assert material.coalition == coalition
    url = f"/sensibilisation/{material.pk}/versions/"
    client.post(url, {"language": "fr", "file": SimpleUploadedFile("affiche-2.pdf", PDF)})
    client.post(url, {"language": "es", "link": "https://example.org/cartel"})
    versions = {(v.language, v.number) for v in MaterialVersion.objects.all()}
    assert versions == {("fr", 1), ("fr", 2), ("es", 1)}
    page = client.get(f"/sensibilisation/{material.pk}/").content.decode()
    assert 'href="https://example.org/cartel"' in page and "Espagnol" in page


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.ANALYST, Role.ORGANISATION_ADMIN])
def test_only_a_coordinator_of_the_coalition_uploads(client, side_a, side_b, materials, role):
    coalition_a = side_a.organisation.coalitions.get()
    count = MaterialVersion.objects.count()
    for user in (side_a.user(role), side_b.user(Role.COORDINATOR)):
        client.logout()
        login(client, user)
        response = _create(client, coalition_a, file=SimpleUploadedFile("a.pdf", PDF))
        assert response.status_code == 404
        response = client.post(
            f"/sensibilisation/{materials['public-a'].pk}/versions/",
            {"language": "es", "file": SimpleUploadedFile("a.pdf", PDF)},
        )
        assert response.status_code == 404
    assert MaterialVersion.objects.count() == count
    assert Material.objects.count() == len(materials)


def test_an_accented_file_name_is_kept_and_sent_as_rfc_6266(client, side_a):
    coalition = side_a.organisation.coalitions.get()
    login(client, side_a.user(Role.COORDINATOR))
    upload = SimpleUploadedFile("Accueil des réfugiés (v2).pdf", PDF)
    assert _create(client, coalition, file=upload).status_code == 302
    version = MaterialVersion.objects.get()
    assert version.filename == "Accueil des réfugiés (v2).pdf"
    client.logout()
    response = client.get(f"/sensibilisation/{version.material_id}/versions/{version.pk}/")
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Accueil%20des%20r%C3%A9fugi%C3%A9s%20%28v2%29.pdf"
    )
