"""The blind index of case search, filled for the persons already recorded."""

import django.db.models.deletion
from django.db import migrations, models


def backfill(apps, schema_editor):
    # The index is computed from the sealed identities, which only the application's own
    # models and the privacy kernel open (historical models are not registered as sealed
    # fields). Nothing to do, and no key needed, on an empty database.
    from arrimage.cases import search_index
    from arrimage.cases.models import Person

    if Person.objects.using(schema_editor.connection.alias).exists():
        search_index.rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_goal_category"),
        ("core", "0005_audit_chains"),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonSearchToken",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "token",
                        "person",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("token", models.BigIntegerField()),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cases.person",
                    ),
                ),
            ],
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
