"""About 200 synthetic cases across the demonstration organisations (Faker fr_CA, fixed seed),
with consents (some expired, some withdrawn) and a provincial information-sharing agreement.

Everything is written through the services, as a worker would; only the dates of consents
meant to look old are moved back afterwards. The demonstration police user
(``police@arrimage.example``) receives consents for identity, contact, legal and exploitation
on a few cases, so the demonstration can show, on screen, that it still sees nothing of
immigration, health or where anyone stays.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from faker import Faker

from arrimage.accounts.models import Membership, Role
from arrimage.cases import plan_services, services, track_services
from arrimage.cases import vocabularies as v
from arrimage.cases.exploitation_vocabularies import (
    HTCDS_RECRUITMENT,
    LabourExploitationType,
    MethodOfControl,
    SexExploitationType,
)
from arrimage.cases.immigration_health_vocabularies import FollowUpKind
from arrimage.coalition.models import Coalition, CoalitionLevel, Organisation
from arrimage.privacy.agreements import agreement_version_create
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.consent import consent_record, consent_withdraw
from arrimage.privacy.models import ConsentRecord
from arrimage.privacy.policy import may_share_with

SEED = 2026_4
CASE_COUNT = 200
FRONT_LINE = ("community", "shelter", "health_social", "legal_aid", "immigration_legal")
ENFORCEMENT = ("police", "border_enforcement", "prosecution")
NOTE_CATEGORIES = [
    Category.COORDINATION,
    Category.COORDINATION,
    Category.HEALTH,
    Category.IMMIGRATION,
    Category.LOCATION,
    Category.LEGAL,
    Category.EXPLOITATION,
    Category.CONTACT,
]

# Short synthetic notes, one list per category of what they are about (no lorem ipsum: a
# demonstration reads like the work it shows). Every person and detail is fictitious.
NOTE_BODIES: dict[str, tuple[str, ...]] = {
    Category.COORDINATION: (
        "Premier entretien fait avec une interprète. La personne veut d'abord un endroit sûr.",
        "Rencontre avec l'équipe du refuge\u00a0: la personne s'installe, elle dort mieux.",
        "Appel avec la travailleuse sociale du CLSC, on se revoit mardi pour le plan.",
        "La personne a choisi les organismes avec qui partager son dossier.",
    ),
    Category.HEALTH: (
        "Rendez-vous pris à la clinique pour des douleurs au dos, accompagnement prévu.",
        "Suivi psychologique commencé, une rencontre par semaine.",
        "Carte du PFSI reçue, la pharmacie l'accepte.",
    ),
    Category.IMMIGRATION: (
        "L'avocate prépare la demande de permis de séjour temporaire.",
        "Rappel\u00a0: le permis arrive à échéance dans quatre mois, préparer le renouvellement.",
        "La personne a peur d'être renvoyée\u00a0; on lui a expliqué ses droits.",
    ),
    Category.LOCATION: (
        "Déménagement au logement de transition prévu la semaine prochaine.",
        "La personne reste au refuge pour le moment, chambre individuelle.",
    ),
    Category.LEGAL: (
        "La personne ne souhaite pas porter plainte pour l'instant.",
        "Rencontre avec l'aide juridique au sujet du salaire jamais payé.",
    ),
    Category.EXPLOITATION: (
        "Le recruteur a gardé son passeport\u00a0; elle travaillait sept jours sur sept.",
        "Dette imposée pour le voyage, menaces envers la famille restée au pays.",
    ),
    Category.CONTACT: (
        "Nouveau numéro de téléphone, texto seulement.",
        "Ne pas laisser de message vocal\u00a0: le téléphone est partagé.",
    ),
}

# Real Quebec towns: Faker's fr_CA place names are not grammatical.
CITIES = (
    "Montréal", "Laval", "Longueuil", "Québec", "Gatineau", "Sherbrooke", "Saint-Jérôme",
    "Trois-Rivières", "Drummondville", "Granby", "Saint-Hyacinthe", "Terrebonne",
)  # fmt: skip


def _caseworker(organisation: Organisation) -> Membership:
    membership = (
        Membership.objects.select_related("organisation", "user")
        .filter(organisation=organisation, role=Role.CASEWORKER)
        .order_by("user__email")
        .first()
    )
    if membership is None:
        raise LookupError(f"no caseworker in {organisation.pk}")
    return membership


def demo_agreement_build(coordinator: Membership) -> None:
    """The provincial table's agreement: front-line organisations share everything with each
    other for referral and coordination; enforcement bodies may receive identity, contact,
    legal and exploitation (never more); research receives nothing personal."""
    provincial = Coalition.objects.get(level=CoalitionLevel.PROVINCIAL, name__contains="(démo)")
    rules = set()
    for from_type in FRONT_LINE:
        for to_type in FRONT_LINE + ENFORCEMENT + ("government",):
            for category in Category.values:
                if not may_share_with(organisation_type=to_type, category=category):
                    continue
                if to_type == "government" and category != Category.COORDINATION:
                    continue
                for purpose in (Purpose.REFERRAL, Purpose.COORDINATION):
                    rules.add((from_type, to_type, category, purpose))
    agreement_version_create(
        actor_membership=coordinator,
        coalition=provincial,
        rules=rules,
        summary="Entente provinciale de démonstration",
    )


@transaction.atomic
def demo_cases_build(count: int = CASE_COUNT) -> int:
    """Build the demonstration cases. Returns how many were created."""
    faker = Faker("fr_CA")
    faker.seed_instance(SEED)
    rng = random.Random(SEED)  # noqa: S311 - synthetic data, not secrets
    today = timezone.localdate()
    coordinator = Membership.objects.select_related("organisation", "user").get(
        user__email="coordination@arrimage.example"
    )
    demo_agreement_build(coordinator)

    leads = list(Organisation.objects.filter(type__in=FRONT_LINE).order_by("name"))
    demo_worker = (
        Membership.objects.select_related("organisation", "user")
        .filter(user__email="intervenante@arrimage.example", organisation__type="community")
        .first()
    )
    police = Organisation.objects.filter(memberships__user__email="police@arrimage.example").first()
    recipients = [o for o in Organisation.objects.order_by("name") if o.type in FRONT_LINE]
    created = 0
    for index in range(count):
        if demo_worker is not None and index % 8 == 0:
            actor = demo_worker
        else:
            actor = _caseworker(rng.choice(leads))
        year = rng.randint(today.year - 60, today.year - 16)
        identity = {
            "alias": faker.first_name() if rng.random() < 0.6 else "",
            "given_name": faker.first_name() if rng.random() < 0.5 else "",
            "year_of_birth": year if rng.random() < 0.7 else None,
            "gender": rng.choice(
                [code for code in v.Gender.values if code not in v.GENDERS_RETIRED]
            ),
            "languages": rng.sample(
                ["es", "fr", "en", "tl", "pt", "ar", "zh", "uk"], rng.randint(1, 2)
            ),
        }
        # Citizenship is immigration (docs/policy.md); drawn here to keep the demo's draws.
        citizenship = [rng.choice(["MX", "GT", "PH", "CO", "HT", "UA", "CN", "CA", "IN", "CM"])]
        if not identity["alias"] and not identity["given_name"]:
            identity["alias"] = faker.first_name()
        if not identity["year_of_birth"]:
            identity["age_band"] = rng.choice(v.AgeBand.values[1:])
        case = services.case_create(
            actor_membership=actor,
            identity=identity,
            contact={
                "phone": faker.numerify("+1 514 555 ####"),
                "safe_contact_instructions": rng.choice(
                    [
                        "Texto seulement, jamais d'appel.",
                        "Appeler au refuge, demander la personne par son alias.",
                        "Courriel seulement, pas de message vocal.",
                    ]
                ),
            },
            location={
                "city": faker.random_element(CITIES),
                "accommodation": rng.choice(
                    [
                        "Maison d'hébergement",
                        "Chez une amie",
                        "Hôtel payé par l'organisme",
                        "Logement temporaire",
                    ]
                ),
            },
            immigration={"citizenship": citizenship},
        )
        created += 1
        for _ in range(rng.randint(1, 3)):
            plan_services.need_add(
                actor_membership=actor,
                case_id=case.pk,
                need_type=rng.choice(v.NeedType.values),
                urgency=rng.choice(v.Urgency.values),
            )
        plan_services.goal_add(
            actor_membership=actor,
            case_id=case.pk,
            text=rng.choice(
                [
                    "Trouver un logement stable",
                    "Obtenir une pièce d'identité",
                    "Reprendre contact avec la famille",
                    "Ouvrir un compte bancaire",
                    "Suivre des cours de français",
                ]
            ),
            target_on=today + timedelta(days=rng.randint(30, 300)),
        )
        for _ in range(rng.randint(1, 3)):
            category = rng.choice(NOTE_CATEGORIES)
            plan_services.note_add(
                actor_membership=actor,
                case_id=case.pk,
                category=category,
                body=faker.random_element(NOTE_BODIES[category]),
            )
        plan_services.task_add(
            actor_membership=actor,
            case_id=case.pk,
            title=rng.choice(
                [
                    "Rappeler la personne",
                    "Accompagner au rendez-vous",
                    "Préparer la demande d'aide sociale",
                    "Vérifier la place en hébergement",
                ]
            ),
            due_on=today + timedelta(days=rng.randint(-5, 30)),
            assignee_id=actor.user_id,
        )
        if rng.random() < 0.5:
            track_services.exploitation_update(
                actor_membership=actor,
                case_id=case.pk,
                data={
                    "labour_exploitation_types": rng.sample(
                        LabourExploitationType.values, rng.randint(0, 2)
                    ),
                    "sex_exploitation_types": rng.sample(
                        SexExploitationType.values, rng.randint(0, 1)
                    ),
                    "methods_of_control": rng.sample(MethodOfControl.values, rng.randint(1, 3)),
                    "methods_of_recruitment": rng.sample(sorted(HTCDS_RECRUITMENT), 1),
                    "trafficking_status": rng.choice(["", "PossibleVictim", "ActualVictim"]),
                    "status_decided_by": rng.choice(["person", "organisation"]),
                },
            )
        if rng.random() < 0.45:
            issued = today - timedelta(days=rng.randint(30, 330))
            with_permit = rng.random() < 0.5
            track_services.immigration_update(
                actor_membership=actor,
                case_id=case.pk,
                data={
                    "status": "trp_victim"
                    if with_permit
                    else rng.choice(["no_status", "asylum_claimant", "work_permit", "visitor"]),
                    "trp_issued_on": issued.isoformat() if with_permit else "",
                    "trp_expires_on": (issued + timedelta(days=365)).isoformat()
                    if with_permit
                    else "",
                    "asylum_claim": rng.choice(["", "planned", "filed"]),
                    "ifhp_covered_until": (today + timedelta(days=200)).isoformat()
                    if rng.random() < 0.5
                    else "",
                    "legal_representative": faker.name() if rng.random() < 0.5 else "",
                    "is_detained": "1" if rng.random() < 0.04 else "",
                },
            )
        if rng.random() < 0.3:
            track_services.health_follow_up_add(
                actor_membership=actor,
                case_id=case.pk,
                data={
                    "kind": rng.choice(FollowUpKind.values),
                    "service": rng.choice(
                        [
                            "Clinique de santé mentale communautaire",
                            "Psychologue du CLSC",
                            "Médecins du Monde",
                        ]
                    ),
                    "coverage": rng.choice(["ifhp", "ramq", "community"]),
                    "scheduled_on": (today + timedelta(days=rng.randint(1, 40))).isoformat(),
                    "follow_up_on": (today + timedelta(days=rng.randint(60, 180))).isoformat(),
                },
            )
        # Consents: most persons agree to share with one or two partners.
        roll = rng.random()
        if roll < 0.65:
            others = [o for o in recipients if o.pk != actor.organisation_id]
            for recipient in rng.sample(others, rng.randint(1, 2)):
                consent = consent_record(
                    actor_membership=actor,
                    person=case.person,
                    recipient=recipient,
                    categories=[
                        *rng.sample(list(Category.values), rng.randint(2, 6)),
                        Category.COORDINATION,
                    ],
                    purpose=rng.choice(
                        [Purpose.COORDINATION, Purpose.COORDINATION, Purpose.REFERRAL]
                    ),
                    method=rng.choice(["verbal", "written"]),
                )
                state = rng.random()
                if state < 0.12:
                    # Given 13 months ago: expired a month ago.
                    ConsentRecord.objects.filter(pk=consent.pk).update(
                        recorded_at=timezone.now() - timedelta(days=395),
                        expires_at=timezone.now() - timedelta(days=30),
                    )
                elif state < 0.24:
                    consent_withdraw(
                        actor_membership=actor, consent_id=consent.pk, person=case.person
                    )
        if police is not None and index % 20 == 3:
            consent_record(
                actor_membership=actor,
                person=case.person,
                recipient=police,
                categories=[
                    Category.IDENTITY,
                    Category.CONTACT,
                    Category.LEGAL,
                    Category.EXPLOITATION,
                    Category.COORDINATION,
                ],
                purpose=Purpose.COORDINATION,
                method="written",
            )
            plan_services.note_add(
                actor_membership=actor,
                case_id=case.pk,
                category=Category.IMMIGRATION,
                body="Statut précaire\u00a0: ne jamais transmettre aux services "
                "d'application de la loi.",
            )
    return created
