"""The audit log (events and head) and the data keys move to core. State only: the tables, their
rows and the append-only triggers stay where they are, and core 0002 (run before) took them over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_and_keys_from_privacy"),
        ("privacy", "0006_law25_models_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="AuditEvent"),
                migrations.DeleteModel(name="AuditHead"),
                migrations.DeleteModel(name="DataKey"),
            ],
        ),
    ]
