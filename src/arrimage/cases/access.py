"""The policy applied to cases. Every output path asks :func:`case_grants`, which asks the
privacy kernel for one grant per case (:func:`arrimage.privacy.grants.grants_issue`: the one
policy function, with the membership, the agreement between the two organisations and the
person's consents naming the reader). Only a grant opens the case's sealed fields
(``cases/sealing.py``).

A case whose readable categories are empty does not exist for the reader: selectors raise
``NotFound``, lists leave it out.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.utils import timezone

from arrimage.accounts.models import Membership
from arrimage.cases.models import Case, CaseAccess
from arrimage.core.audit import audit_record
from arrimage.core.errors import NotFound
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.grants import Grant, Subject, grants_issue


def case_subject(case: Case) -> Subject:
    """A case as the policy sees it (needs ``lead_organisation`` loaded)."""
    return Subject(
        kind="case",
        id=case.pk,
        person_id=case.person_id,
        owner_organisation_id=case.lead_organisation_id,
        owner_organisation_type=case.lead_organisation.type,
    )


def case_subject_by_id(case_id: UUID) -> Subject | None:
    """The subject of a case, or None when there is none (the kernel's resolver for
    ``"case"``, :mod:`arrimage.privacy.subjects`)."""
    case = Case.objects.select_related("lead_organisation").filter(pk=case_id).first()
    return case_subject(case) if case is not None else None


@dataclass(frozen=True)
class CaseGrant:
    """A case and the kernel's grant for it: what the acting organisation may read of it."""

    case: Case
    grant: Grant

    @property
    def readable(self) -> frozenset[Category]:
        return self.grant.categories

    @property
    def is_lead(self) -> bool:
        return self.grant.is_owner

    def may(self, category: str | Category) -> bool:
        return self.grant.may(category)


def case_grants(
    *,
    actor_membership: Membership,
    cases: Sequence[Case],
    purpose: Purpose = Purpose.COORDINATION,
    at: datetime | None = None,
) -> list[CaseGrant]:
    """One grant per case, in the same order; the cases need ``lead_organisation`` loaded."""
    grants = grants_issue(
        actor=actor_membership,
        subjects=[case_subject(case) for case in cases],
        purpose=purpose,
        at=at or timezone.now(),
    )
    return [CaseGrant(case=case, grant=grant) for case, grant in zip(cases, grants, strict=True)]


def case_grant(
    *,
    actor_membership: Membership | None,
    case_id: UUID | str,
    purpose: Purpose = Purpose.COORDINATION,
    require: Category | None = None,
    for_update: bool = False,
    related: tuple[str, ...] = (),
) -> CaseGrant:
    """The grant for one case. Missing, unreadable, or (with ``require``) lacking that
    category: ``NotFound``, all alike. ``related``: more relations to load with the case in
    the same query (loading decrypts nothing: callers open only what the grant allows)."""
    if actor_membership is None:
        raise NotFound
    try:
        case_uuid = UUID(str(case_id))
    except ValueError as error:
        raise NotFound from error
    queryset = Case.objects.select_related("lead_organisation", "person", *related)
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    case = queryset.filter(pk=case_uuid).first()
    if case is None:
        raise NotFound
    grant = case_grants(actor_membership=actor_membership, cases=[case], purpose=purpose)[0]
    if not grant.readable:
        raise NotFound
    if require is not None and not grant.may(require):
        raise NotFound
    return grant


# The columns of an access-log line: the case and its categories, then what every line of one
# read shares (who, for which organisation, what, by which path, when).
_ACCESS_COLUMNS = (
    "case",
    "categories",
    "actor",
    "organisation",
    "action",
    "path",
    "occurred_at",
)


def _access_insert(lines: list[tuple[UUID, str]], shared: tuple[object, ...]) -> None:
    """One multi-row INSERT of access-log lines (``lines``: each case and its categories;
    ``shared``: the values of the other columns, the same on every line), each value converted
    for the database once, without the per-object work of ``bulk_create`` (the worklist writes
    25 of them on every view)."""
    fields = [CaseAccess._meta.get_field(name) for name in _ACCESS_COLUMNS]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)  # type: ignore[union-attr,arg-type]
    case_field, categories_field = fields[0], fields[1]
    common = [
        f.get_db_prep_save(value, connection)  # type: ignore[union-attr]
        for f, value in zip(fields[2:], shared, strict=True)
    ]
    params: list[Any] = []
    for case_id, categories in lines:
        params.append(case_field.get_db_prep_save(case_id, connection))  # type: ignore[union-attr]
        params.append(categories_field.get_db_prep_save(categories, connection))  # type: ignore[union-attr]
        params.extend(common)
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(lines))
    table = connection.ops.quote_name(CaseAccess._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {placeholders}",  # noqa: S608
            params,
        )


def access_record(
    *,
    actor_membership: Membership | None,
    grants: Iterable[CaseGrant],
    action: str,
    path: str,
    categories: Iterable[Category] | None = None,
) -> None:
    """Audit a read or a write of cases: one event in the hash-chained log, and one line per
    case in each case's access log. Ids and category codes only."""
    if actor_membership is None:
        raise NotFound
    asked = None if categories is None else list(categories)
    lines: list[tuple[UUID, str]] = []
    for grant in grants:
        shown = sorted(
            str(c) for c in (asked if asked is not None else grant.readable) if c in grant.readable
        )
        lines.append((grant.case.pk, ",".join(shown)))
    if not lines:
        return
    shared = (
        actor_membership.user_id,
        actor_membership.organisation_id,
        action,
        path,
        timezone.now(),
    )
    case_ids = [str(case_id) for case_id, _shown in lines]
    # One transaction for the access-log lines and the audit event: both are kept or neither.
    with transaction.atomic(savepoint=False):
        _access_insert(lines, shared)
        audit_record(
            action=action,
            actor_id=actor_membership.user_id,
            organisation_id=actor_membership.organisation_id,
            target_type="case",
            target_id=case_ids[0] if len(case_ids) == 1 else "",
            details={
                "path": path,
                "case_ids": ",".join(case_ids),
                "categories": lines[0][1] if len(lines) == 1 else None,
            },
        )
