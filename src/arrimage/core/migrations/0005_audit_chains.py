"""The audit log becomes several hash chains that writers fill side by side (core/audit.py).

The single log of earlier versions becomes chain 1 as it stands: its events keep their numbers
and hashes (their payload names no chain, as before) and its head row (pk 1) stays the head of
chain 1. Heads 2 to 16 start empty. No event is rewritten.

On SQLite, changing the table's columns rebuilds it, which drops its append-only triggers: they
are created again at the end (PostgreSQL alters the table in place and keeps them).
"""

from django.db import migrations, models

CHAINS = 16
SQLITE_TRIGGERS = [
    "DROP TRIGGER IF EXISTS privacy_auditevent_no_update",
    "DROP TRIGGER IF EXISTS privacy_auditevent_no_delete",
    """CREATE TRIGGER privacy_auditevent_no_update BEFORE UPDATE ON privacy_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER privacy_auditevent_no_delete BEFORE DELETE ON privacy_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]


def heads_and_triggers(apps, schema_editor):
    head = apps.get_model("core", "AuditHead")
    head.objects.bulk_create(
        [head(pk=chain) for chain in range(1, CHAINS + 1)], ignore_conflicts=True
    )
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)


def heads_back(apps, schema_editor):
    head = apps.get_model("core", "AuditHead")
    head.objects.filter(pk__gt=1, sequence=0).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_django_tasks"),
        # The events' table is created by the privacy app's first migrations.
        ("privacy", "0007_audit_and_keys_moved"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="auditevent",
            options={"ordering": ["id"], "verbose_name": "audit event"},
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="sequence",
            field=models.BigIntegerField(),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                fields=("chain", "sequence"), name="audit_event_chain_sequence"
            ),
        ),
        migrations.RunPython(heads_and_triggers, heads_back),
    ]
