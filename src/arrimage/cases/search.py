"""Case search over every case the actor may see, through the blind index
(``cases/search_index.py``), never by decrypting cases one by one.

:func:`case_search` hashes the query under the key of the acting organisation and of each
organisation that shares persons with it by a live consent, finds the persons whose tokens
match every word, keeps the cases the policy lets the actor see (its own, and those shared with
it), and keeps a name match only where the grant reads identity. A query that is a case's
reference finds that case for any reader who may see it. Audited as ``case_search``.

:func:`case_search_page` shows a page of earlier results again (the views keep the ids, never
the terms): each case's grant is asked again, so a consent withdrawn since the search hides it.
"""

import re
from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from arrimage.accounts.models import Membership
from arrimage.cases import search_index
from arrimage.cases.access import CaseGrant, access_record, case_grants
from arrimage.cases.models import Case, PersonSearchToken
from arrimage.cases.sealing import category_data
from arrimage.cases.selectors import LIST_FIELDS, case_header
from arrimage.core.errors import NotFound
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.consent import consents_active_for_recipient
from arrimage.privacy.models import ConsentRecord

# A search keeps at most this many cases, most recently updated first; the page says when a
# query matched more and asks for more words.
SEARCH_LIMIT = 200
# A reference as stored (``cases/references.py``: 12 characters), or the 8 hexadecimal digits
# that were the whole reference before (they begin the migrated ones: what was written on paper
# still finds its case).
_REFERENCE = re.compile(r"[0-9A-Z]{12}")
_OLD_REFERENCE = re.compile(r"[0-9A-F]{8}")
# What a match needs of a case: its subject for the policy, its order and its reference.
_MATCH_FIELDS = (
    "id",
    "person_id",
    "lead_organisation_id",
    "reference",
    "updated_at",
    "lead_organisation__id",
    "lead_organisation__type",
)


def _shared(actor_membership: Membership) -> QuerySet[ConsentRecord]:
    """The live consents naming the actor's organisation for coordination: the persons whose
    cases it may see beside its own."""
    return consents_active_for_recipient(
        recipient_id=actor_membership.organisation_id,
        purpose=Purpose.COORDINATION,
        at=timezone.now(),
    )


def _reference_match(needle: str) -> Q | None:
    """The case whose reference is the query (or begins with it, for an old 8-digit one)."""
    text = needle.strip().upper()
    if _REFERENCE.fullmatch(text):
        return Q(reference=text)
    if _OLD_REFERENCE.fullmatch(text):
        return Q(reference__startswith=text)
    return None


def _persons_matching(tokens: list[int], needed: int) -> QuerySet[PersonSearchToken, Any]:
    """The persons who hold a token for every word of the query (``needed`` of them)."""
    return (
        PersonSearchToken.objects.filter(token__in=tokens)
        .values("person_id")
        .annotate(matched=Count("token"))
        .filter(matched__gte=needed)
        .values("person_id")
    )


def _name_matches(actor_membership: Membership, query: str) -> list[QuerySet[Case]] | None:
    """The visible cases whose person's names begin with every word of the query, as one query
    for the actor's own cases and one for the cases shared with it. A person's tokens are
    hashed under the key of the person's organisation (the lead organisation of its cases):
    the actor's own persons are looked up under its key; the persons shared with it, and only
    they, under the keys of the organisations that hold them. Each query reads cases by their
    person (an index), so the work grows with what the actor may see, not with the index."""
    own_id = actor_membership.organisation_id
    own_tokens, needed = search_index.query_tokens(organisation_ids=[own_id], query=query)
    if not needed:
        return None
    found = [
        Case.objects.filter(
            lead_organisation_id=own_id, person_id__in=_persons_matching(own_tokens, needed)
        )
    ]
    shared = _shared(actor_membership)
    sharers = list(
        shared.exclude(person__organisation_id=own_id)
        .order_by()
        .values_list("person__organisation_id", flat=True)
        .distinct()
    )
    if sharers:
        tokens, _needed = search_index.query_tokens(organisation_ids=sharers, query=query)
        persons = _persons_matching(tokens, needed).filter(person_id__in=shared.values("person_id"))
        found.append(Case.objects.filter(person_id__in=persons))
    return found


def case_search(
    *, actor_membership: Membership | None, query: str, path: str = "search"
) -> tuple[list[CaseGrant], bool]:
    """The grants of the cases that match, most recently updated first, at most
    ``SEARCH_LIMIT``, and whether more matched. Audited (ids and categories only)."""
    if actor_membership is None:
        raise NotFound
    if len(query.strip()) < 2:
        return [], False
    by_reference = _reference_match(query)
    sources = _name_matches(actor_membership, query) or []
    if by_reference is not None:
        visible = Q(lead_organisation_id=actor_membership.organisation_id) | Q(
            person_id__in=_shared(actor_membership).values("person_id")
        )
        sources.append(Case.objects.filter(by_reference).filter(visible))
    found: dict[UUID, Case] = {}
    for source in sources:
        for case in (
            source.exclude(person__is_anonymised=True)
            .select_related("lead_organisation")
            # What the policy and the order need: the results page reads the rest, for the
            # cases it shows (``case_search_page``).
            .only(*_MATCH_FIELDS)
            .order_by("-updated_at", "pk")[: SEARCH_LIMIT + 1]
        ):
            found[case.pk] = case
    cases = sorted(found.values(), key=lambda c: (-c.updated_at.timestamp(), c.pk))
    more = len(cases) > SEARCH_LIMIT
    reference = by_reference is not None
    matched = [
        grant
        for grant in case_grants(actor_membership=actor_membership, cases=cases[:SEARCH_LIMIT])
        if grant.readable
        and (grant.may(Category.IDENTITY) or (reference and _is_reference(grant, query)))
    ]
    access_record(
        actor_membership=actor_membership,
        grants=matched,
        action="case_search",
        path=path,
        categories=[Category.IDENTITY],
    )
    return matched, more


def _is_reference(grant: CaseGrant, query: str) -> bool:
    text = query.strip().upper()
    if _OLD_REFERENCE.fullmatch(text):
        return grant.case.reference.startswith(text)
    return grant.case.reference == text


def case_search_summary(grant: CaseGrant, query: str = "") -> dict[str, Any]:
    """What a result shows: the case's header with the alias or given name if the grant reads
    identity, and where it matched (``reference`` or ``identity``)."""
    person: dict[str, Any] = {}
    if grant.may(Category.IDENTITY):
        person = {
            k: val
            for k, val in category_data(grant, grant.case.person, Category.IDENTITY).items()
            if k in ("alias", "given_name")
        }
    summary = case_header(grant, person)
    summary["matched_in"] = (
        ["reference"] if query and _is_reference(grant, query) else [str(Category.IDENTITY)]
    )
    return summary


def case_search_page(
    *, actor_membership: Membership | None, case_ids: list[str], path: str = "search"
) -> list[dict[str, Any]]:
    """The results of an earlier search, asked of the policy again, in the same order. A case
    the actor may no longer see, or whose person was anonymised, is left out. Audited as a
    list read."""
    if actor_membership is None:
        raise NotFound
    wanted = []
    for value in case_ids:
        try:
            wanted.append(UUID(str(value)))
        except ValueError:
            continue
    cases = {
        c.pk: c
        for c in Case.objects.filter(pk__in=wanted, person__is_anonymised=False)
        .select_related("lead_organisation", "person", "assigned_worker")
        .only(*LIST_FIELDS)
    }
    ordered = [cases[i] for i in wanted if i in cases]
    grants = [
        g for g in case_grants(actor_membership=actor_membership, cases=ordered) if g.readable
    ]
    access_record(
        actor_membership=actor_membership,
        grants=grants,
        action="case_list_read",
        path=path,
        categories=[Category.IDENTITY, Category.COORDINATION],
    )
    results = []
    for grant in grants:
        summary = case_search_summary(grant)
        summary.pop("matched_in")
        results.append(summary)
    return results
