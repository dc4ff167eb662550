"""The hand-written queue (core_task) gives way to Django's Tasks API (django-tasks-db).

Work still waiting in core_task is carried over: each pending or running row whose task still
exists becomes a ready task of django-tasks-db, with the same arguments and due time (a running
row's worker is gone with the upgrade, so it is ready again). Periodic jobs are not carried
over: the first worker to start queues this period's run of each. Finished rows (done, failed)
are history holding ids only, and are dropped with the table.
"""

import uuid
from datetime import UTC, datetime

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# Old task name -> the Django task that does the same work now.
CARRIED_OVER = {
    "orientation_referral_notify": "arrimage.orientation.referrals.referral_notify_task",
    "orientation_referral_remind": "arrimage.orientation.referrals.referral_remind_task",
}
PERIODIC = {
    "orientation_holds_expire",
    "orientation_referrals_expire",
    "retention_anonymise",
    "queue_purge",
}
DATE_MAX_YEAR = 9999


def carry_over(apps, schema_editor):
    OldTask = apps.get_model("core", "Task")
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    TaskKey = apps.get_model("core", "TaskKey")
    waiting = OldTask.objects.filter(status__in=["pending", "running"]).order_by("id")
    for old in waiting.iterator():
        path = CARRIED_OVER.get(old.name)
        if path is None:
            if old.name not in PERIODIC:
                print(f"\n  core_task #{old.pk} ({old.name}): no such task any more, dropped")
            continue
        new_id = uuid.uuid4()
        DBTaskResult.objects.create(
            id=new_id,
            status="READY",
            args_kwargs={"args": [], "kwargs": old.payload},
            priority=0,
            task_path=path,
            queue_name="default",
            backend_name="default",
            run_after=old.run_after or datetime(DATE_MAX_YEAR, 1, 1, tzinfo=UTC),
            worker_ids=[],
            exception_class_path="",
            traceback="",
        )
        if old.unique_key:
            TaskKey.objects.create(key=old.unique_key, task_id=new_id)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_rate_window"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="TaskKey",
            fields=[
                ("key", models.CharField(max_length=200, primary_key=True, serialize=False)),
                ("task_id", models.UUIDField(null=True)),
                (
                    "created_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
            ],
        ),
        migrations.CreateModel(
            name="TaskProgress",
            fields=[
                ("task_id", models.UUIDField(primary_key=True, serialize=False)),
                ("organisation_id", models.UUIDField(null=True)),
                ("kind", models.CharField(max_length=64)),
                ("done", models.PositiveIntegerField(default=0)),
                ("total", models.PositiveIntegerField(default=0)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "started_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="WorkerHeartbeat",
            fields=[
                ("worker_id", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("host", models.CharField(max_length=255)),
                ("pid", models.PositiveIntegerField()),
                ("started_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("beat_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
            ],
        ),
        migrations.CreateModel(
            name="TaskFile",
            fields=[
                ("task_id", models.UUIDField(primary_key=True, serialize=False)),
                ("name", models.CharField(max_length=200)),
                ("content_type", models.CharField(max_length=100)),
                ("content", models.BinaryField()),
                (
                    "created_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
            ],
        ),
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.DeleteModel(
            name="Task",
        ),
    ]
