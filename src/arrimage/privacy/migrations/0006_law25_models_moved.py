"""The Law 25 registers (incidents, privacy officers, retention times) move to the law25 app.
State only: the tables and their rows stay where they are, and law25 0001 takes them over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0005_consent_change_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="ConfidentialityIncident"),
                migrations.DeleteModel(name="PrivacyOfficer"),
                migrations.DeleteModel(name="RetentionOverride"),
            ],
        ),
    ]
