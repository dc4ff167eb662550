"""What every write on a case shares: the locked case under a grant for the category written, the
acting membership, the case's update time and its access log."""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership
from arrimage.cases.access import CaseGrant, access_record, case_grant
from arrimage.cases.models import Case
from arrimage.core.errors import NotFound
from arrimage.privacy.categories import Category


def write_grant(
    actor_membership: Membership | None, case_id: UUID | str, category: Category
) -> CaseGrant:
    """The case, locked, if the actor may read (hence write) the category; else NotFound."""
    return case_grant(
        actor_membership=actor_membership, case_id=case_id, require=category, for_update=True
    )


def acting_membership(actor_membership: Membership | None) -> Membership:
    if actor_membership is None:
        raise NotFound
    return actor_membership


def case_touch(case: Case) -> None:
    case.updated_at = timezone.now()
    Case.objects.filter(pk=case.pk).update(updated_at=case.updated_at)


def write_record(
    actor_membership: Membership | None, grant: CaseGrant, action: str, category: Category
) -> None:
    access_record(
        actor_membership=actor_membership,
        grants=[grant],
        action=action,
        path="write",
        categories=[category],
    )


def category_of(value: object) -> Category:
    if str(value) not in Category.values:
        raise ValidationError(
            _("Choose a category of information from the list."), code="invalid_category"
        )
    return Category(str(value))
