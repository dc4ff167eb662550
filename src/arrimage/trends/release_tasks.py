"""A coordinator's release runs in the background: the page queues it and shows its progress,
then the release (or why it could not be made).

The web request checks what it can before anything is counted (:func:`release_request`); the
worker counts, protects, signs and stores (:func:`release_build`). The release's id is the
task's id, so a task run again after its worker was lost finds the release already made and
does not spend the budget twice."""

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from arrimage.accounts.models import Membership
from arrimage.core.background import background_task, progress_report
from arrimage.core.errors import NotFound
from arrimage.core.progress import task_kind_register, task_track
from arrimage.trends import preview, selectors, services, signing
from arrimage.trends.models import Release, ReleaseMethod

KIND = "trends_release"
task_kind_register(
    KIND,
    label=gettext_lazy("Statistics release"),
    done_text=gettext_lazy("The release is made and sent to the level above."),
)


def _url(release_id: UUID) -> dict[str, str]:
    return {"url": reverse("trends:release_detail", args=[release_id])}


@background_task(takes_context=True, max_attempts=2)
def release_build(
    context: Any,
    *,
    membership_id: int,
    coalition_id: str,
    year: int,
    method: str,
    epsilon: str,
    sections: list[str],
    language: str,
) -> dict[str, str]:
    release_id = UUID(str(context.task_result.id))
    if Release.objects.filter(pk=release_id).exists():
        return _url(release_id)
    actor = Membership.objects.select_related("organisation").filter(pk=membership_id).first()
    with translation.override(language):
        if actor is None:
            return {"error": _("Your membership ended before the release could be made.")}
        try:
            release = services.release_create(
                actor=actor,
                coalition_id=coalition_id,
                year=year,
                method=method,
                epsilon=float(epsilon) if epsilon else None,
                sections=sections,
                release_id=release_id,
                progress=lambda done, total: progress_report(context, done=done, total=total),
            )
        except ValidationError as error:
            return {"error": " ".join(error.messages)}
        except NotFound:
            return {"error": _("You may no longer release for this coalition.")}
    return _url(release.pk)


def release_request(
    *,
    actor: Membership | None,
    coalition_id: UUID | str,
    year: int,
    method: str,
    epsilon: float | None = None,
    share: str | None = None,
    sections: list[str] | None = None,
    language: str,
) -> str:
    """Check the request and queue the release; the id of the task (and of the release).
    With differential privacy, ``share`` (a share of the year's budget, as the page offers
    it) gives the privacy loss when ``epsilon`` is not given."""
    if method == ReleaseMethod.PRIVACY and epsilon is None and share is not None:
        coalition = selectors.coalition_for_release(actor=actor, coalition_id=coalition_id)
        epsilon = preview.epsilon_of_share(
            coalition=coalition, year=services.year_check(year), share=share
        )
    parameters = services.release_parameters(
        actor=actor,
        coalition_id=coalition_id,
        year=year,
        method=method,
        epsilon=epsilon,
        sections=sections,
    )
    assert actor is not None
    signing.signing_key()  # no key: refused now (SigningKeyMissing), not in the worker
    with transaction.atomic():
        queued = release_build.enqueue(
            membership_id=actor.pk,
            coalition_id=str(parameters.coalition.pk),
            year=parameters.year,
            method=parameters.method,
            epsilon=repr(parameters.epsilon) if parameters.epsilon is not None else "",
            sections=parameters.sections,
            language=language,
        )
        task_track(
            task_id=queued.id,
            user_id=actor.user_id,
            organisation_id=actor.organisation_id,
            kind=KIND,
        )
    return str(queued.id)
