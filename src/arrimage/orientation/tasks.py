"""Background jobs of orientation, run by ``arrimage worker``: hold expiry, referral expiry,
reminders before a response time ends, and the notification of a new referral."""

from datetime import timedelta

from arrimage.core.queue import periodic, task
from arrimage.orientation.holds import bed_holds_expire
from arrimage.orientation.referrals import (
    referral_notify,
    referral_reminder_send,
    referrals_expire_due,
)


@task("orientation_holds_expire")
def holds_expire() -> None:
    bed_holds_expire()


@task("orientation_referrals_expire")
def referrals_expire() -> None:
    referrals_expire_due()


@task("orientation_referral_remind", max_attempts=3)
def referral_remind(*, referral_id: str) -> None:
    referral_reminder_send(referral_id=referral_id)


@task("orientation_referral_notify", max_attempts=5)
def referral_notify_task(*, referral_id: str) -> None:
    referral_notify(referral_id=referral_id)


periodic("orientation_holds_expire", every=timedelta(minutes=5))
periodic("orientation_referrals_expire", every=timedelta(minutes=15))
