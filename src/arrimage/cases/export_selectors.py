"""Exports of cases: one case as a JSON document, and Law 25 portability.

Interfaces used by other parts of Arrimage (Law 25 portability):

- :func:`person_export_grants` and :func:`person_export_data` — everything about a person
  the actor may read, as JSON-ready data.
"""

from typing import Any
from uuid import UUID

from django.utils import timezone

from arrimage.accounts.models import Membership
from arrimage.cases.access import CaseGrant, access_record, case_grant, case_grants
from arrimage.cases.models import Case, CaseAccess
from arrimage.cases.selectors import case_view_build
from arrimage.core.errors import NotFound
from arrimage.privacy.consent import consents_of_person


def case_export(
    *, actor_membership: Membership | None, case_id: UUID | str, path: str = "export"
) -> dict[str, Any]:
    """The case as a JSON-ready document, with only the readable categories. Audited."""
    grant = case_grant(actor_membership=actor_membership, case_id=case_id)
    view = case_view_build(grant)
    view["exported_at"] = timezone.now()
    view["format"] = "arrimage-case/1"
    access_record(
        actor_membership=actor_membership,
        grants=[grant],  # type: ignore[arg-type]
        action="case_exported",
        path=path,
    )
    return view


def person_export_grants(*, actor: Membership | None, person_id: UUID | str) -> list[CaseGrant]:
    """The actor's grants on each case of the person that it may read something of, oldest
    case first. Missing or unreadable: ``NotFound``."""
    if actor is None:
        raise NotFound
    try:
        person_uuid = UUID(str(person_id))
    except ValueError as error:
        raise NotFound from error
    cases = list(
        Case.objects.select_related("lead_organisation", "person", "assigned_worker")
        .filter(person_id=person_uuid)
        .order_by("opened_at")
    )
    grants = [g for g in case_grants(actor_membership=actor, cases=cases) if g.readable]
    if not grants:
        raise NotFound
    return grants


def _access_log_export(grant: CaseGrant) -> list[dict[str, Any]]:
    """The whole access log of a case, oldest first, for its lead organisation's export."""
    entries = CaseAccess.objects.filter(case_id=grant.case.pk).select_related("organisation")
    return [
        {
            "occurred_at": entry.occurred_at,
            "organisation": entry.organisation.name if entry.organisation else "",
            "action": entry.action,
            "path": entry.path,
            "categories": [c for c in entry.categories.split(",") if c],
        }
        for entry in entries.order_by("occurred_at", "id")
    ]


def person_export_data(*, actor: Membership, grants: list[CaseGrant]) -> dict[str, Any]:
    """Law 25 portability: everything about a person that the actor may read on these cases
    (:func:`person_export_grants`), filtered by the policy, as JSON-ready data (dates are
    ``date``/``datetime`` objects; serialise with ``DjangoJSONEncoder``). ``{"person": {...},
    "cases": [case views], "consents": [...]}``; the lead organisation's case views carry the
    case's access log, and only the lead organisation gets the consents. Audited (action
    ``person_exported``)."""
    views = []
    for grant in grants:
        view = case_view_build(grant)
        if grant.is_lead:
            view["access_log"] = _access_log_export(grant)
        views.append(view)
    person = dict(views[0]["person"])
    consents = []
    if any(g.is_lead for g in grants):
        consents = [
            {
                "id": str(c.pk),
                "recipient": c.recipient.name,
                "categories": c.categories,
                "purpose": c.purpose,
                "method": c.method,
                "recorded_at": c.recorded_at,
                "expires_at": c.expires_at,
                "withdrawn_at": c.withdrawn_at,
            }
            for c in consents_of_person(person=grants[0].case.person)
        ]
    access_record(actor_membership=actor, grants=grants, action="person_exported", path="export")
    return {
        "format": "arrimage-person/1",
        "exported_at": timezone.now(),
        "person": person,
        "cases": views,
        "consents": consents,
    }
