"""The demonstration coalition: deterministic, synthetic, every type and role, an enforcement
login; and the arrimage console command."""

import re

import pytest
from django import forms
from django.db import transaction

from arrimage.accounts import demo
from arrimage.accounts.models import Membership, Role, User
from arrimage.cli import main
from arrimage.coalition.models import Coalition, Organisation, OrganisationType
from arrimage.core.audit import audit_record

pytestmark = pytest.mark.django_db


def build_and_describe() -> list[tuple[str, str, str]]:
    demo.demo_coalition_build()
    return sorted(Organisation.objects.values_list("name", "type", "region__code"))


def test_demo_is_deterministic():
    with transaction.atomic():
        first = build_and_describe()
        transaction.set_rollback(True)
    assert not Organisation.objects.exists()
    assert build_and_describe() == first


def test_demo_has_every_level_type_and_role():
    demo.demo_coalition_build()
    levels = set(Coalition.objects.values_list("level", flat=True))
    assert levels == {"national", "provincial", "regional"}
    regional = set(
        Coalition.objects.filter(level="regional").values_list("region__code", flat=True)
    )
    assert {"QC-06", "QC-03", "QC-07", "QC-05", "QC-15"} <= regional
    assert 38 <= Organisation.objects.count() <= 45
    assert set(Organisation.objects.values_list("type", flat=True)) == set(OrganisationType.values)
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert all(org.name.endswith("(démo)") for org in Organisation.objects.all())


def test_demo_logins_cover_each_role_and_an_enforcement_user():
    demo.demo_coalition_build()
    logins = demo.demo_logins()
    roles = {
        Membership.objects.get(user__email=login.email, organisation__name=login.organisation).role
        for login in logins
    }
    assert roles == set(Role.values)
    police = User.objects.get(email=f"police@{demo.DEMO_DOMAIN}")
    assert police.memberships.get().organisation.type == "police"
    assert police.check_password(demo.DEMO_PASSWORD)
    assert demo.demo_exists()


def test_every_demo_login_is_an_address_the_login_form_takes(client):
    # Synthetic names carry accents (« Benoît »): their logins must still pass the form.
    demo.demo_coalition_build()
    field = forms.EmailField()
    emails = list(User.objects.values_list("email", flat=True))
    assert len(emails) > 40
    for email in emails:
        assert field.clean(email) == email
    generated = next(e for e in emails if e.count(".") >= 3)
    response = client.post(
        "/compte/connexion/", {"username": generated, "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302, generated


def test_cli_maps_hyphens_to_commands(capsys):
    audit_record(action="test_event")
    main(["audit-verify"])
    assert "audit log intact: 1 events" in capsys.readouterr().out


def test_cli_audit_verify_exits_non_zero_on_tampering(capsys):
    from django.db import connection

    audit_record(action="test_event")
    audit_record(action="test_event")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE privacy_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER privacy_auditevent_no_update")
        cursor.execute(
            "UPDATE privacy_auditevent SET action = 'forged' WHERE chain = 1 AND sequence = 1"
        )
    with pytest.raises(SystemExit) as exit_info:
        main(["audit-verify"])
    assert exit_info.value.code != 0
    assert "sequence 1, modified" in capsys.readouterr().err


def test_demo_names_are_grammatical_french():
    """ "de l'Outaouais", "des Laurentides", "d'Aylmer", never "de Outaouais" nor Faker's
    broken place names ("CLSC L'Île- Claude -sur-Mer")."""
    demo.demo_coalition_build()
    names = [*Organisation.objects.values_list("name", flat=True)]
    names += [*Coalition.objects.values_list("name", flat=True)]
    wrong = re.compile(
        r"\bde [AEIOUÉÈÎaeiouéèî]|\bde (Outaouais|Estrie|Laurentides|Capitale)|- | -|L' |--"
    )
    assert [name for name in names if wrong.search(name)] == []
    assert any("de l'Outaouais" in name for name in names)
    assert any(name.startswith("CLSC ") for name in names)
