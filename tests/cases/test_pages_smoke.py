import pytest

from tests.conftest import login


@pytest.mark.django_db
def test_pages_render(client, world):
    login(client, world.a.user("caseworker"))
    case_id = world.case_a.pk
    for url in [
        "/dossiers/",
        "/dossiers/nouveau/",
        "/dossiers/recherche/",
        "/dossiers/rappels/",
        "/dossiers/calendrier/",
        f"/dossiers/{case_id}/",
        f"/dossiers/{case_id}/exploitation/",
        f"/dossiers/{case_id}/immigration/",
        f"/dossiers/{case_id}/consentements/",
        f"/dossiers/{case_id}/consentements/resume/?lang=en",
        f"/dossiers/{case_id}/journal/",
        f"/dossiers/{case_id}/export/",
        "/api/cases/",
        f"/api/cases/{case_id}",
        f"/api/cases/{case_id}/consents",
        "/api/cases/notifications",
    ]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code, r.content[:2000])
    search = client.post("/dossiers/recherche/", {"q": "mk-a"}, follow=True)
    assert search.status_code == 200
    assert f"/dossiers/{case_id}/" in search.content.decode()
    api = client.post("/api/cases/search", {"q": "mk-a"}, content_type="application/json")
    assert api.status_code == 200
    assert [c["id"] for c in api.json()] == [str(case_id)]


@pytest.mark.django_db
def test_a_new_case_with_nothing_recorded_renders(client, world):
    login(client, world.a.user("caseworker"))
    response = client.post("/dossiers/nouveau/", {"alias": "Nouvelle"})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Nouvelle" in page.content.decode()
    for suffix in ("exploitation/", "immigration/"):
        assert client.get(response["Location"] + suffix).status_code == 200
