"""Background jobs of orientation, run by ``arrimage worker``: hold expiry, referral expiry,
and the timeline's note that shared information is no longer available. The notification of
a new referral and the reminder before its response time ends are tasks of
``referrals.py``, which queues them."""

from datetime import timedelta

from arrimage.core.background import background_task, periodic
from arrimage.orientation.holds import bed_holds_expire
from arrimage.orientation.referral_expiry import referral_access_lapses_record, referrals_expire_due


@background_task()
def holds_expire() -> None:
    bed_holds_expire()


@background_task()
def referrals_expire() -> None:
    referrals_expire_due()


@background_task()
def referral_access_lapses() -> None:
    referral_access_lapses_record()


# Pages no longer expire what they show (reads never write): these jobs do, every minute.
periodic(holds_expire, every=timedelta(minutes=1))
periodic(referrals_expire, every=timedelta(minutes=1))
periodic(referral_access_lapses, every=timedelta(minutes=5))
