"""The world the URL walks run over, and what they share to walk it.

Two coalitions with identical data: organisation A (the reader's side) and organisation B, in
another coalition, each with a rich case, a shelter partner with a service, a hold and a
referral both past their time and still open, a screening, a training material and a case
conference. The walks (``test_url_policy.py``: the expected answer of every URL per role;
``test_reads_do_not_write.py``: no GET writes) read A's objects and the same objects of B.
Their fixtures (``conftest.py``) build it with :func:`two_sides_world`.
"""

import re
from collections.abc import Iterator
from datetime import timedelta

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from arrimage.accounts.models import Role, User
from arrimage.awareness.services import material_create
from arrimage.coalition.models import Coalition, CoalitionLevel, Region
from arrimage.directory.models import ServiceAtLocation, ServiceCapacity, Taxonomy, TaxonomyTerm
from arrimage.orientation.holds import bed_hold_create
from arrimage.orientation.models import BedHold, Referral
from arrimage.orientation.referrals import referral_create_and_send
from arrimage.screening.services import screening_answer, screening_start
from tests.cases.conftest import populate
from tests.conferences.conftest import conference_world
from tests.conftest import Side, make_side
from tests.orientation.conftest import (
    agreement_for_referrals,
    consent_to,
    make_service,
    membership,
)

# The readers of the walk by role (test_url_policy.py's GRANTED names them).
CASEWORKER = "caseworker"
SHELTER = "shelter staff"
COORDINATOR = "coordinator"
ADMIN = "organisation admin"
ANALYST = "analyst"
POLICE = "police"
BORDER = "border enforcement"
PROSECUTION = "prosecution"
ANONYMOUS = "anonymous"
# The enforcement bodies of A's coalition: organisation type -> the walk's reader name.
ENFORCEMENT_TYPES = {"police": POLICE, "border_enforcement": BORDER, "prosecution": PROSECUTION}

# Table -> the statements a GET may send to it (test_reads_do_not_write.py says why).
ALLOWED = {
    "django_session": {"INSERT", "UPDATE", "DELETE"},
    "core_ratewindow": {"INSERT", "UPDATE", "DELETE"},
    "cases_caseaccess": {"INSERT"},
    "privacy_auditevent": {"INSERT"},
    "privacy_audithead": {"UPDATE"},
}
WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)
SAMPLES = {"IntConverter": "999999", "UUIDConverter": "00000000-0000-0000-0000-000000000000"}


def _named_routes() -> Iterator[tuple[str, dict[str, str]]]:
    """Every named URL with its parameters and their converter's name."""

    def walk(resolver: URLResolver, namespace: str, parameters: dict[str, str]):
        for entry in resolver.url_patterns:
            converters = {
                key: type(converter).__name__
                for key, converter in getattr(entry.pattern, "converters", {}).items()
            }
            if isinstance(entry, URLResolver):
                child = ":".join(part for part in (namespace, entry.namespace) if part)
                yield from walk(entry, child, {**parameters, **converters})
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                yield name, {**parameters, **converters}

    seen: set[str] = set()
    for name, parameters in walk(get_resolver(), "", {}):
        if name not in seen:
            seen.add(name)
            yield name, parameters


ROUTES = sorted(_named_routes())


def url_for(name: str, parameters: dict[str, str], values: dict[str, str]) -> str | None:
    """The URL of ``name`` on one side's objects; a parameter the side holds nothing for takes
    an id that names nothing."""
    kwargs = {
        key: values.get(key) or SAMPLES.get(kind, "sample") for key, kind in parameters.items()
    }
    try:
        return reverse(name, kwargs=kwargs)
    except Exception:
        return None


class WriteWatcher:
    """Every INSERT, UPDATE and DELETE sent to the database, with its table."""

    def __init__(self) -> None:
        self.writes: list[tuple[str, str]] = []

    def __call__(self, execute, sql, params, many, context):
        match = WRITE.match(sql)
        if match:
            verb = match.group(1).split()[0].upper()
            self.writes.append((verb, match.group(2).lower()))
        return execute(sql, params, many, context)


def side_world(side: Side, coalition: Coalition, label: str) -> dict[str, str]:
    """One side's data: a rich case, a shelter with a service, a hold and a referral both past
    their time and still open. Identical for both sides."""
    shelter = make_side(f"Refuge{label}", org_type="shelter", coalition=coalition)
    agreement_for_referrals(coalition, membership(side, Role.COORDINATOR))
    service = make_service(
        shelter.organisation,
        name_fr=f"Refuge {label}",
        terms=("housing_emergency",),
        capacities=(("bed", 2, 5, timedelta(hours=1)),),
    )
    make_service(side.organisation, name_fr=f"Accueil {label}")
    case = populate(side, label)
    screening = screening_start(actor=membership(side), form="short", case_id=case.pk)
    screening_answer(
        actor=membership(side), screening_id=screening.pk, question="safe_now", answer="yes"
    )
    consent = consent_to(case, shelter.organisation, ["identity", "contact", "coordination"])
    hold = bed_hold_create(actor=membership(side), service_id=service.pk, unit="bed")
    referral = referral_create_and_send(
        actor=membership(side),
        case_id=case.pk,
        service_id=service.pk,
        categories=["identity", "coordination"],
        need="emergency_housing",
        hold_id=hold.pk,
    )
    past = timezone.now() - timedelta(minutes=5)
    Referral.objects.filter(pk=referral.pk).update(response_due_at=past)
    BedHold.objects.filter(pk=hold.pk).update(expires_at=past)
    place = ServiceAtLocation.objects.filter(service=service).select_related("location").get()
    material = material_create(
        actor=membership(side, Role.COORDINATOR),
        coalition_id=coalition.pk,
        data={
            "title": f"Formation {label}",
            "audience": "workers",
            "kind": "training",
            "language": "fr",
        },
        filename="formation.md",
        content=f"# Formation {label}\n".encode(),
    )
    term = TaxonomyTerm.objects.filter(taxonomy__isnull=False).first()
    return {
        "case_id": str(case.pk),
        "person_id": str(case.person_id),
        "screening_id": str(screening.pk),
        "referral_id": str(referral.pk),
        "hold_id": str(hold.pk),
        "service_id": str(service.pk),
        "capacity_id": str(ServiceCapacity.objects.filter(service=service).get().pk),
        "location_id": str(place.location_id),
        "organization_id": str(place.location.organization_id),
        "sal_id": str(place.pk),
        "coalition_id": str(coalition.pk),
        "organisation_id": str(side.organisation.pk),
        "slug": "traite",
        "consent_id": str(consent.pk),
        "material_id": str(material.pk),
        "version_id": str(material.versions.get().pk),
        "membership_id": str(membership(side).pk),
        "taxonomy_id": str(Taxonomy.objects.first().pk),  # type: ignore[union-attr]
        "term_id": str(term.pk if term else ""),
        "category": "identity",
        "fmt": "json",
        "token": "sample",
        "uidb64": "sample",
        "shelter": shelter,  # type: ignore[dict-item]
        **conference_world(side, case, label),
    }


def two_sides_world(coalition: Coalition) -> tuple[Side, Side, dict[str, dict[str, str]]]:
    """Organisation A in ``coalition`` and organisation B in another (Estrie), with identical
    data: ``world["a"]`` and ``world["b"]`` name each side's objects (:func:`side_world`)."""
    side_a = make_side("A", coalition=coalition)
    other = Coalition.objects.create(
        name="Estrie",
        level=CoalitionLevel.REGIONAL,
        province="QC",
        region=Region.objects.get(code="QC-05"),
    )
    side_b = make_side("B", coalition=other)
    world = {"a": side_world(side_a, coalition, "A"), "b": side_world(side_b, other, "B")}
    return side_a, side_b, world


def enforcement_readers(coalition: Coalition) -> dict[str, User]:
    """A caseworker of a police service, a border enforcement agency and a prosecution
    service, each a member of ``coalition``, by organisation type."""
    return {
        org_type: make_side(org_type.title(), org_type=org_type, coalition=coalition).user(
            Role.CASEWORKER
        )
        for org_type in ENFORCEMENT_TYPES
    }
