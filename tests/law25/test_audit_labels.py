"""The audit pages speak the reader's language (issue 13, probe): the organisation's log
(``/confidentialite/journal/``) and a case's access log (``/dossiers/<id>/journal/``) show
actions, things and details in words and dates as "3 décembre 2026, 14 h 11", never a code
or an ISO date. Every action the code records has a label: the source is searched for them."""

import re
from pathlib import Path

import pytest

from arrimage.accounts.models import Membership, Role
from arrimage.cases import services
from arrimage.cases.view_support import page_labels
from arrimage.core.audit import audit_record
from arrimage.law25.audit_labels import AUDIT_ACTION_LABELS, TARGET_LABELS
from tests.conftest import login

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "arrimage"
FRENCH_DATE = re.compile(
    r"\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|"
    r"décembre) 20\d\d, \d\d\xa0h\xa0\d\d"
)
ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")


def _recorded(pattern: str) -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        found |= set(re.findall(pattern, path.read_text(encoding="utf-8")))
    return found


def test_every_action_and_target_the_code_records_has_words():
    actions = _recorded(r'\baction="([a-z_]+)"') - {"store_true"}  # argparse, not audit
    case_actions = set(page_labels()["action"])
    assert actions - set(AUDIT_ACTION_LABELS) - case_actions == set()
    targets = _recorded(r'\btarget_type="([a-z_]+)"')
    assert targets - set(TARGET_LABELS) == set()
    paths = _recorded(r'\bpath="([a-z_]+)"')
    assert paths - set(page_labels()["access_path"]) == set()


def _admin(side) -> Membership:
    return Membership.objects.get(organisation=side.organisation, role=Role.ORGANISATION_ADMIN)


def test_the_organisation_log_in_words_and_french_dates(client, side_a, side_b):
    caseworker = Membership.objects.get(organisation=side_a.organisation, role=Role.CASEWORKER)
    for side in (side_a, side_b):
        audit_record(
            action="membership_changed",
            actor_id=_admin(side).user_id,
            organisation_id=side.organisation.pk,
            target_type="membership",
            target_id=caseworker.pk,
            details={"from": "caseworker", "to": "coordinator", "user_id": str(caseworker.pk)},
        )
    login(client, side_a.user(Role.ORGANISATION_ADMIN))
    html = client.get("/confidentialite/journal/").content.decode()
    shown = re.findall(r"<time [^>]*>([^<]*)</time>", html)
    assert shown and all(FRENCH_DATE.fullmatch(text) for text in shown), shown
    assert "Changement de rôle d&#x27;un membre" in html
    assert "Membre" in html
    assert "Avant\xa0:</span> Intervenant·e" in html
    assert "Après\xa0:</span> Coordination" in html or "Après\xa0:</span> Coordonnat" in html
    for code in ("membership_changed", "> caseworker", "> coordinator", "user_id"):
        assert code not in html, code


def test_the_case_access_log_in_words(client, side_a, side_b):
    for side in (side_a, side_b):
        actor = Membership.objects.get(organisation=side.organisation, role=Role.CASEWORKER)
        case = services.case_create(actor_membership=actor, identity={"alias": "Rosa"})
        login(client, side.user(Role.CASEWORKER))
        assert client.get(f"/dossiers/{case.pk}/").status_code == 200
        html = client.get(f"/dossiers/{case.pk}/journal/").content.decode()
        assert "dossier consulté" in html and "(page du dossier)" in html
        assert "(page)" not in html and "case_read" not in html
        assert not ISO_DATE.search(html)
        client.logout()
