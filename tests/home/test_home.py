"""The home page of every role (issue 13), through HTTP, each with two organisations holding
identical data: each sees its own items only, and police, border enforcement and prosecution
see nothing derived from immigration or health, not even a count."""

from datetime import timedelta

import pytest
from django.utils import timezone

from arrimage.accounts.models import Role
from arrimage.cases.plan_services import task_add
from arrimage.cases.track_services import immigration_update
from arrimage.coalition.models import Coalition, CoalitionLevel, OrganisationType, Region
from arrimage.directory.models import CapacityChange, ServiceCapacity
from arrimage.orientation.holds import bed_hold_create
from arrimage.orientation.models import Referral, UnmetNeed
from arrimage.orientation.referrals import referral_create_and_send, referral_transition
from arrimage.privacy.agreements import agreement_version_create
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.consent import consent_record
from arrimage.privacy.policy import is_firewalled
from arrimage.trends.models import PrivacyBudget
from tests.conftest import make_side
from tests.orientation.conftest import (
    agreement_for_referrals,
    consent_to,
    make_service,
    membership,
    open_case,
)

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


def agreement_for_coordination(coalition, coordinator) -> None:
    """Every category the firewall lets pass, between every pair of types, for referrals and
    for coordination."""
    rules = [
        (f, t, c, purpose)
        for f in OrganisationType.values
        for t in OrganisationType.values
        for c in Category.values
        for purpose in (Purpose.REFERRAL, Purpose.COORDINATION)
        if not is_firewalled(organisation_type=t, category=Category(c))
    ]
    agreement_version_create(actor_membership=coordinator, coalition=coalition, rules=rules)


def home(client, user) -> str:
    client.force_login(user)
    page = client.get("/tableau/")
    assert page.status_code == 200
    return page.content.decode().replace("\u00a0", " ")


def section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def world(coalition, side_a):
    """Two community organisations A and B with identical data, in one coalition; two
    shelters, each receiving one referral from its own side; two identical police services."""
    side_b = make_side("B", coalition=coalition)
    agreement_for_referrals(coalition, membership(side_a, Role.COORDINATOR))
    made = {"a": side_a, "b": side_b}
    for key, side in (("a", side_a), ("b", side_b)):
        shelter = make_side(f"Refuge {key}", org_type="shelter", coalition=coalition)
        service = make_service(
            shelter.organisation,
            name_fr=f"Refuge {key.upper()}",
            terms=("housing_emergency",),
            capacities=(("bed", 3, 6, 30 * H),),
        )
        case = open_case(side)
        consent_to(case, shelter.organisation, ["identity", "coordination"])
        actor = membership(side)
        hold = bed_hold_create(
            actor=actor, service_id=service.pk, unit="bed", duration=timedelta(hours=4)
        )
        waiting = referral_create_and_send(
            actor=actor,
            case_id=case.pk,
            service_id=service.pk,
            categories=["identity"],
            need="emergency_housing",
            hold_id=hold.pk,
        )
        answered = referral_create_and_send(
            actor=actor,
            case_id=case.pk,
            service_id=service.pk,
            categories=["identity"],
            need="legal",
        )
        referral_transition(
            actor=membership(shelter, Role.SERVICE_STAFF),
            referral_id=answered.pk,
            to_status="accepted",
        )
        today = timezone.localdate()
        task_add(
            actor_membership=actor,
            case_id=case.pk,
            title=f"Appeler la travailleuse {key}",
            due_on=today + timedelta(days=2),
        )
        task_add(
            actor_membership=actor,
            case_id=case.pk,
            title=f"Suivi psychiatrique {key}",
            due_on=today + timedelta(days=3),
            category="health",
        )
        immigration_update(
            actor_membership=actor,
            case_id=case.pk,
            data={"status": "trp_victim", "trp_renewal_due_on": today + timedelta(days=20)},
        )
        consent_record(
            actor_membership=actor,
            person=case.person,
            recipient=shelter.organisation,
            categories=["identity"],
            purpose=Purpose.COORDINATION,
            method="verbal",
            expires_at=timezone.now() + timedelta(days=10),
        )
        made[f"shelter_{key}"] = shelter
        made[f"service_{key}"] = service
        made[f"case_{key}"] = case
        made[f"waiting_{key}"] = waiting
        made[f"answered_{key}"] = answered
    return made


def test_a_caseworker_sees_what_needs_action_on_their_own_cases_only(client, world):
    html = home(client, world["a"].user("caseworker"))
    assert 'href="/orientation/accueil/"' in html and "Nouvelle personne" in html
    outcomes = section(html, "outcomes")
    assert f'data-referral="{world["answered_a"].pk}"' in outcomes
    assert "Acceptée" in outcomes
    awaiting = section(html, "awaiting")
    assert f"/orientation/references/{world['waiting_a'].pk}/" in awaiting
    assert "réponse attendue d’ici" in awaiting
    assert "Refuge A" in section(html, "holds-soon")
    assert "Appeler la travailleuse a" in section(html, "tasks")
    assert "Suivi psychiatrique a" in section(html, "tasks")
    immigration = section(html, "immigration-dates")
    assert "Renouveler le permis de séjour temporaire" in immigration
    assert f"/dossiers/{world['case_a'].pk}/consentements/" in section(html, "consents-expiring")
    for key in ("answered_b", "waiting_b", "case_b"):
        assert str(world[key].pk) not in html
    assert "travailleuse b" not in html and "Refuge B" not in html


def test_police_see_coordination_items_and_nothing_of_immigration_or_health(
    client, coalition, world
):
    """Two identical police services; A's person consented to share identity and
    coordination with the first only. Neither sees the immigration date, the health task, or
    a section or count that would betray them."""
    police = make_side("Police 1", org_type="police", coalition=coalition)
    other_police = make_side("Police 2", org_type="police", coalition=coalition)
    case = world["case_a"]
    agreement_for_coordination(coalition, membership(world["a"], Role.COORDINATOR))
    consent_to(case, police.organisation, ["identity", "coordination"], Purpose.COORDINATION)
    html = home(client, police.user("caseworker"))
    assert "Appeler la travailleuse a" in section(html, "tasks")
    assert "psychiatrique" not in html
    assert "immigration-dates" not in html and "Immigration" not in html
    assert "permis" not in html
    assert "holds-soon" not in html
    other = home(client, other_police.user("caseworker"))
    assert "Appeler la travailleuse" not in other
    assert "psychiatrique" not in other and "permis" not in other
    # Same page shape for both: only the shared coordination task differs.
    assert section(html, "tasks").count("<li") == 1
    assert section(other, "tasks").count("<li") == 0


def test_shelter_staff_answer_confirm_in_one_tap_and_see_holds_on_their_places(client, world):
    staff = world["shelter_a"].user("service_staff")
    html = home(client, staff)
    to_answer = section(html, "to-answer")
    assert f"/orientation/references/{world['waiting_a'].pk}/" in to_answer
    assert "pour répondre" in to_answer
    assert str(world["waiting_b"].pk) not in html
    capacity = ServiceCapacity.objects.get(service=world["service_a"])
    unconfirmed = section(html, "unconfirmed")
    assert f"/tableau/disponibilites/{capacity.pk}/confirmer/" in unconfirmed
    assert "Confirmer : 2 libres" in unconfirmed
    assert "Refuge A" in section(html, "holds-ours")
    assert "Refuge B" not in html

    before = capacity.updated
    page = client.post(f"/tableau/disponibilites/{capacity.pk}/confirmer/")
    assert page.status_code == 302 and page["Location"] == "/tableau/"
    capacity.refresh_from_db()
    assert capacity.available == 2 and capacity.updated > before
    assert CapacityChange.objects.filter(capacity=capacity, previous=2, available=2).exists()
    html = home(client, staff)
    assert "Chaque nombre a été confirmé" in section(html, "unconfirmed")


def test_staff_cannot_confirm_another_shelters_figure_nor_caseworkers_any(client, world):
    capacity = ServiceCapacity.objects.get(service=world["service_b"])
    before = capacity.updated
    client.force_login(world["shelter_a"].user("service_staff"))
    assert client.post(f"/tableau/disponibilites/{capacity.pk}/confirmer/").status_code == 404
    client.force_login(world["a"].user("caseworker"))
    assert client.post(f"/tableau/disponibilites/{capacity.pk}/confirmer/").status_code == 404
    capacity.refresh_from_db()
    assert capacity.updated == before


def test_a_coordinator_sees_late_referrals_agreements_unmet_needs_and_two_factor(client, world):
    Referral.objects.filter(pk=world["waiting_a"].pk).update(response_due_at=timezone.now() - H)
    for _n in range(6):
        UnmetNeed.objects.create(
            need="emergency_housing",
            region_code="QC-06",
            age_band="25-34",
            gender="woman",
            status_bucket="none",
            reason="all_full",
            recorded_on=timezone.localdate(),
        )
    html = home(client, world["a"].user("coordinator"))
    late = section(html, "late")
    assert "Organisation Refuge a" in late and "Organisation Refuge b" not in late
    assert "Chaque entente a été revue" in section(html, "agreements")
    unmet = section(html, "unmet")
    assert "Hébergement d&#x27;urgence" in unmet and ">6<" in unmet
    two_factor = section(html, "two-factor")
    assert "Organisation A" in two_factor and "Organisation B" in two_factor


def test_an_old_agreement_shows_for_review_and_a_coalition_without_one(client, world, coalition):
    from arrimage.privacy.sharing_models import SharingAgreement

    SharingAgreement.objects.filter(coalition=coalition).update(
        created_at=timezone.now() - timedelta(days=350)
    )
    lonely = Coalition.objects.create(
        name="Laurentides",
        level=CoalitionLevel.REGIONAL,
        province="QC",
        region=Region.objects.get(code="QC-15"),
    )
    lonely.organisations.add(world["a"].organisation)
    agreements = section(home(client, world["a"].user("coordinator")), "agreements")
    assert "version 1, à revoir d’ici le" in agreements
    assert "Laurentides" in agreements and "pas encore d’entente" in agreements


def test_an_analyst_sees_releases_and_the_budget_left(client, world, coalition):
    PrivacyBudget.objects.create(
        coalition=coalition, year=timezone.localdate().year, total_epsilon=4, spent_epsilon=1
    )
    html = home(client, world["a"].user("analyst"))
    assert "Montréal" in section(html, "budget") and "75 % restant" in section(html, "budget")
    assert "Aucune diffusion" in section(html, "releases")
    assert "Nouvelle personne" not in html and "to-answer" not in html


def test_a_waitlisted_referral_past_its_time_is_not_an_answer_due_in_no_time(client, world):
    # A waitlisted referral was answered: the home page gives its state, not "due within 0
    # minutes" once its response time has passed.
    for side in ("a", "b"):
        Referral.objects.filter(pk=world[f"waiting_{side}"].pk).update(
            status="waitlisted", response_due_at=timezone.now() - timedelta(hours=2)
        )
    awaiting = section(home(client, world["a"].user("caseworker")), "awaiting")
    assert f"/orientation/references/{world['waiting_a'].pk}/" in awaiting
    assert "d’ici" not in awaiting and "past the response time" not in awaiting
    assert str(world["waiting_b"].pk) not in awaiting
