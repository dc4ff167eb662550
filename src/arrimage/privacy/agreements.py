"""Information-sharing agreements: which categories may pass between which organisation types,
for which purposes. One per coalition, versioned; coordinators edit them; every change is
audited.

The agreement that governs a record read by another organisation is the combination of the
versions in force of every coalition the two organisations share, directly or through the
levels above them (a provincial agreement covers its regional tables). It allows a flow if any
of them allows it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership, Role
from arrimage.coalition.models import Coalition, CoalitionMembership, OrganisationType
from arrimage.core.audit import audit_record
from arrimage.core.errors import NotFound
from arrimage.privacy.categories import Category, Purpose
from arrimage.privacy.models import SharingAgreement, SharingRule
from arrimage.privacy.policy import may_share_with

RuleKey = tuple[str, str, str, str]  # from_type, to_type, category, purpose


@dataclass(frozen=True)
class CombinedAgreement:
    """The agreements in force of the coalitions two organisations share."""

    agreements: tuple["AgreementVersion", ...]

    def allows(self, *, from_type: str, to_type: str, category: Category, purpose: Purpose) -> bool:
        return any(
            agreement.allows(
                from_type=from_type, to_type=to_type, category=category, purpose=purpose
            )
            for agreement in self.agreements
        )


def coalitions_of(organisation_ids: Iterable[UUID]) -> dict[UUID, frozenset[UUID]]:
    """Each organisation's coalitions, with every level above them: one recursive query."""
    ids = set(organisation_ids)
    if not ids:
        return {}
    membership = CoalitionMembership._meta
    coalition = Coalition._meta
    organisation_field = membership.get_field("organisation")
    quote = connection.ops.quote_name
    org_column = quote(organisation_field.column)  # type: ignore[union-attr,arg-type]
    coalition_column = quote(membership.get_field("coalition").column)  # type: ignore[union-attr,arg-type]
    parent_column = quote(coalition.get_field("parent").column)  # type: ignore[union-attr,arg-type]
    placeholders = ", ".join(["%s"] * len(ids))
    # UNION, not UNION ALL: a coalition met twice is not walked again, so the walk ends.
    sql = (
        "WITH RECURSIVE closure (organisation_id, coalition_id) AS ("  # noqa: S608 - quoted names
        f"SELECT {org_column}, {coalition_column} FROM {quote(membership.db_table)} "
        f"WHERE {org_column} IN ({placeholders}) "
        "UNION "
        f"SELECT closure.organisation_id, c.{parent_column} "
        f"FROM closure JOIN {quote(coalition.db_table)} c "
        f"ON c.{quote(coalition.pk.column)} = closure.coalition_id "  # type: ignore[union-attr,arg-type]
        f"WHERE c.{parent_column} IS NOT NULL"
        ") SELECT organisation_id, coalition_id FROM closure"
    )
    params = [organisation_field.get_db_prep_value(org_id, connection) for org_id in ids]
    closure: dict[UUID, set[UUID]] = {org_id: set() for org_id in ids}
    to_uuid = coalition.pk.to_python  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for org_id, coalition_id in cursor.fetchall():
            closure[to_uuid(org_id)].add(to_uuid(coalition_id))
    return {org_id: frozenset(coalition_ids) for org_id, coalition_ids in closure.items()}


# Agreement versions are never edited (a change is a new version with a new id), so the rules
# of a version can be kept for the life of the process.
_RULES_CACHE: dict[UUID, frozenset[RuleKey]] = {}
_RULES_CACHE_LIMIT = 10_000


@dataclass(frozen=True)
class AgreementVersion:
    """The rules of one agreement version, as the policy reads them."""

    id: UUID
    coalition_id: UUID
    version: int
    rules: frozenset[RuleKey]

    def allows(self, *, from_type: str, to_type: str, category: Category, purpose: Purpose) -> bool:
        return (from_type, to_type, str(category), str(purpose)) in self.rules


def _rules_of(agreement_ids: set[UUID]) -> dict[UUID, frozenset[RuleKey]]:
    missing = agreement_ids - set(_RULES_CACHE)
    if missing:
        loaded: dict[UUID, set[RuleKey]] = {agreement_id: set() for agreement_id in missing}
        for agreement_id, *rule in SharingRule.objects.filter(agreement_id__in=missing).values_list(
            "agreement_id", "from_type", "to_type", "category", "purpose"
        ):
            loaded[agreement_id].add(tuple(rule))  # type: ignore[arg-type]
        if len(_RULES_CACHE) > _RULES_CACHE_LIMIT:
            _RULES_CACHE.clear()
        for agreement_id, rules in loaded.items():
            _RULES_CACHE[agreement_id] = frozenset(rules)
    return {agreement_id: _RULES_CACHE[agreement_id] for agreement_id in agreement_ids}


def agreements_in_force(coalition_ids: Iterable[UUID]) -> dict[UUID, AgreementVersion]:
    """The highest version of each coalition's agreement, with its rules."""
    latest: dict[UUID, tuple[UUID, int]] = {}
    for agreement_id, coalition_id, version in (
        SharingAgreement.objects.filter(coalition_id__in=set(coalition_ids))
        .order_by("coalition_id", "-version")
        .values_list("id", "coalition_id", "version")
    ):
        latest.setdefault(coalition_id, (agreement_id, version))
    rules = _rules_of({agreement_id for agreement_id, _version in latest.values()})
    return {
        coalition_id: AgreementVersion(agreement_id, coalition_id, version, rules[agreement_id])
        for coalition_id, (agreement_id, version) in latest.items()
    }


class AgreementResolver:
    """Finds the agreement between a reader's organisation and record owners; caches per
    owner for one request."""

    def __init__(self, reader_organisation_id: UUID) -> None:
        self.reader_organisation_id = reader_organisation_id
        self._cache: dict[UUID, CombinedAgreement | None] = {}

    def prime(self, owner_organisation_ids: Iterable[UUID]) -> None:
        missing = {o for o in owner_organisation_ids if o not in self._cache}
        missing.discard(self.reader_organisation_id)
        if not missing:
            return
        coalitions = coalitions_of(missing | {self.reader_organisation_id})
        reader_coalitions = coalitions[self.reader_organisation_id]
        shared = {o: coalitions[o] & reader_coalitions for o in missing}
        in_force = agreements_in_force(set().union(*shared.values()))
        for owner_id, coalition_ids in shared.items():
            found = tuple(in_force[c] for c in sorted(coalition_ids, key=str) if c in in_force)
            self._cache[owner_id] = CombinedAgreement(found) if found else None

    def agreement_for(self, owner_organisation_id: UUID) -> CombinedAgreement | None:
        if owner_organisation_id not in self._cache:
            self.prime([owner_organisation_id])
        return self._cache.get(owner_organisation_id)


# Selectors ------------------------------------------------------------------------------------


def _may_edit(membership: Membership | None, coalition: Coalition) -> bool:
    if membership is None or membership.role != Role.COORDINATOR:
        return False
    return coalition.pk in coalitions_of([membership.organisation_id])[membership.organisation_id]


def agreement_coalition_get(
    *, actor_membership: Membership | None, coalition_id: UUID
) -> Coalition:
    """A coalition whose agreement the acting organisation may see: one it belongs to, or a
    level above."""
    if actor_membership is None:
        raise NotFound
    visible = coalitions_of([actor_membership.organisation_id])[actor_membership.organisation_id]
    if coalition_id not in visible:
        raise NotFound
    return Coalition.objects.get(pk=coalition_id)


def agreement_may_edit(*, actor_membership: Membership | None, coalition: Coalition) -> bool:
    return _may_edit(actor_membership, coalition)


def agreement_versions(*, coalition: Coalition) -> list[SharingAgreement]:
    return list(coalition.sharing_agreements.prefetch_related("rules").order_by("-version"))


# Services -------------------------------------------------------------------------------------


def _validate_rules(rules: Iterable[RuleKey]) -> frozenset[RuleKey]:
    valid_types = set(OrganisationType.values)
    checked: set[RuleKey] = set()
    for from_type, to_type, category, purpose in rules:
        if from_type not in valid_types or to_type not in valid_types:
            raise ValidationError(
                _("Choose organisation types from the list."), code="invalid_type"
            )
        if category not in Category.values or purpose not in Purpose.values:
            raise ValidationError(
                _("Choose categories and purposes from the list."), code="invalid_category"
            )
        if not may_share_with(organisation_type=to_type, category=category):
            raise ValidationError(
                _(
                    "%(category)s can never pass to police, border enforcement or "
                    "prosecution: no agreement can allow it."
                )
                % {"category": Category(category).label},
                code="firewall",
            )
        checked.add((from_type, to_type, category, purpose))
    return frozenset(checked)


def agreement_version_create(
    *,
    actor_membership: Membership,
    coalition: Coalition,
    rules: Iterable[RuleKey],
    summary: str = "",
) -> SharingAgreement:
    """Save a new version of the coalition's agreement with exactly these rules. Only a
    coordinator of an organisation in the coalition (or one below it) may; audited."""
    if not _may_edit(actor_membership, coalition):
        raise NotFound
    checked = _validate_rules(rules)
    summary = summary.strip()
    if len(summary) > 300:
        raise ValidationError(_("Keep the summary under 300 characters."), code="too_long")
    try:
        with transaction.atomic():
            previous = (
                SharingAgreement.objects.select_for_update()
                .filter(coalition=coalition)
                .order_by("-version")
                .first()
            )
            version = previous.version + 1 if previous else 1
            agreement = SharingAgreement.objects.create(
                coalition=coalition,
                version=version,
                summary=summary,
                created_by=actor_membership.user,
            )
            SharingRule.objects.bulk_create(
                SharingRule(agreement=agreement, from_type=f, to_type=t, category=c, purpose=p)
                for f, t, c, p in sorted(checked)
            )
            before = previous.rule_keys() if previous else frozenset()
            audit_record(
                action="sharing_agreement_changed",
                actor_id=actor_membership.user_id,
                organisation_id=actor_membership.organisation_id,
                target_type="sharing_agreement",
                target_id=agreement.pk,
                details={
                    "coalition_id": str(coalition.pk),
                    "version": version,
                    "rules_added": len(checked - before),
                    "rules_removed": len(before - checked),
                },
            )
    except IntegrityError as error:
        raise ValidationError(
            _("Someone saved this agreement at the same moment. Reload and try again."),
            code="conflict",
        ) from error
    return agreement
