"""The migration to django-tasks-db carries over the work still waiting in the old queue."""

import importlib
import uuid
from datetime import timedelta

import pytest
from django.apps import apps as current_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from arrimage.core.models import TaskKey

carry_over = importlib.import_module("arrimage.core.migrations.0004_django_tasks").carry_over


class _StateBeforeTheDrop:
    """The apps as migration 0002 sees them when it runs: the old Task model still there."""

    def __init__(self, old_task):
        self.old_task = old_task

    def get_model(self, app_label, model_name):
        if (app_label, model_name) == ("core", "Task"):
            return self.old_task
        return current_apps.get_model(app_label, model_name)


@pytest.mark.django_db(transaction=True)
def test_waiting_tasks_of_the_old_queue_are_carried_over():
    state = MigrationExecutor(connection).loader.project_state(("core", "0001_initial"))
    old_task = state.apps.get_model("core", "Task")
    with connection.schema_editor() as editor:
        editor.create_model(old_task)
    try:
        referral_id = str(uuid.uuid4())
        due = timezone.now() + timedelta(hours=3)
        rows = [
            ("orientation_referral_notify", "pending", None),
            ("orientation_referral_remind", "running", f"referral-remind:{referral_id}"),
            ("orientation_referral_notify", "done", None),
            ("orientation_holds_expire", "pending", "periodic:orientation_holds_expire:x"),
            ("removed_long_ago", "pending", None),
        ]
        for name, status, key in rows:
            old_task.objects.create(
                name=name,
                payload={"referral_id": referral_id},
                status=status,
                run_after=due,
                unique_key=key,
            )
        carry_over(_StateBeforeTheDrop(old_task), None)
        carried = {row.task_path: row for row in DBTaskResult.objects.all()}
        assert set(carried) == {
            "arrimage.orientation.referrals.referral_notify_task",
            "arrimage.orientation.referrals.referral_remind_task",
        }
        for row in carried.values():
            assert row.status == "READY" and row.run_after == due
            assert row.args_kwargs == {"args": [], "kwargs": {"referral_id": referral_id}}
            assert row.task.name  # the task path imports
        remind = carried["arrimage.orientation.referrals.referral_remind_task"]
        assert TaskKey.objects.get(key=f"referral-remind:{referral_id}").task_id == remind.pk
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(old_task)
