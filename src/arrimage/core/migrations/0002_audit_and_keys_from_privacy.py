"""The audit log and the data keys move from the privacy app to core, where every layer can
reach them. Their tables keep their names, rows and triggers: this migration changes Django's
state only (privacy 0007, which runs after it, removes them from the privacy app's state).
It does not depend on privacy, so that core loads alone (tests with ``available_apps``)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="AuditHead",
                    fields=[
                        (
                            "id",
                            models.PositiveSmallIntegerField(
                                default=1, primary_key=True, serialize=False
                            ),
                        ),
                        ("sequence", models.BigIntegerField(default=0)),
                        (
                            "hash",
                            models.CharField(
                                default="0000000000000000000000000000000000000000000000000000000000000000",
                                max_length=64,
                            ),
                        ),
                    ],
                    options={"db_table": "privacy_audithead"},
                ),
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("sequence", models.BigIntegerField(unique=True)),
                        ("occurred_at", models.DateTimeField()),
                        ("action", models.CharField(max_length=64)),
                        ("actor_id", models.UUIDField(null=True)),
                        ("organisation_id", models.UUIDField(null=True)),
                        ("target_type", models.CharField(blank=True, max_length=64)),
                        ("target_id", models.CharField(blank=True, max_length=64)),
                        ("details", models.JSONField(default=dict)),
                        ("previous_hash", models.CharField(max_length=64)),
                        ("hash", models.CharField(max_length=64, unique=True)),
                    ],
                    options={
                        "db_table": "privacy_auditevent",
                        "verbose_name": "audit event",
                        "ordering": ["sequence"],
                        "indexes": [
                            models.Index(
                                fields=["target_type", "target_id"],
                                name="privacy_aud_target__837504_idx",
                            ),
                            models.Index(
                                fields=["actor_id", "occurred_at"],
                                name="privacy_aud_actor_i_87b7dc_idx",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="DataKey",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("scope", models.CharField(max_length=36)),
                        ("version", models.PositiveIntegerField()),
                        ("wrapped_key", models.BinaryField()),
                        ("master_key_id", models.CharField(max_length=16)),
                        ("is_active", models.BooleanField(default=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "db_table": "privacy_datakey",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("scope", "version"), name="data_key_unique_version"
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
