"""The Law 25 registers move from the privacy app to this one. Their tables keep their names
and their rows: this migration changes Django's state only (privacy 0006 removed them from the
privacy app's state)."""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("coalition", "0002_regions"),
        ("privacy", "0006_law25_models_moved"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="PrivacyOfficer",
                    fields=[
                        (
                            "organisation",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="privacy_officer",
                                serialize=False,
                                to="coalition.organisation",
                            ),
                        ),
                        ("name", models.CharField(max_length=150, verbose_name="name")),
                        ("title", models.CharField(max_length=150, verbose_name="title")),
                        (
                            "email",
                            models.EmailField(
                                blank=True, max_length=254, verbose_name="email address"
                            ),
                        ),
                        (
                            "phone",
                            models.CharField(blank=True, max_length=40, verbose_name="telephone"),
                        ),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "updated_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["organisation__name"],
                        "db_table": "privacy_privacyofficer",
                    },
                ),
                migrations.CreateModel(
                    name="ConfidentialityIncident",
                    fields=[
                        (
                            "id",
                            models.UUIDField(
                                default=uuid.uuid4,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("number", models.PositiveIntegerField()),
                        ("text_sealed", models.BinaryField()),
                        (
                            "occurred_from",
                            models.DateField(verbose_name="incident date, or start of the period"),
                        ),
                        (
                            "occurred_to",
                            models.DateField(
                                blank=True, null=True, verbose_name="end of the period"
                            ),
                        ),
                        (
                            "occurred_is_approximate",
                            models.BooleanField(
                                default=False, verbose_name="the date is approximate"
                            ),
                        ),
                        (
                            "aware_from",
                            models.DateField(
                                verbose_name="date the organisation became aware, or start of the period"
                            ),
                        ),
                        (
                            "aware_to",
                            models.DateField(
                                blank=True, null=True, verbose_name="end of that period"
                            ),
                        ),
                        (
                            "persons_concerned",
                            models.PositiveIntegerField(verbose_name="number of persons concerned"),
                        ),
                        (
                            "persons_is_approximate",
                            models.BooleanField(
                                default=False, verbose_name="the number is approximate"
                            ),
                        ),
                        (
                            "risk_level",
                            models.CharField(
                                choices=[
                                    ("under_assessment", "Being assessed"),
                                    ("not_serious", "No risk of serious injury"),
                                    ("serious", "Risk of serious injury"),
                                ],
                                default="under_assessment",
                                max_length=20,
                                verbose_name="risk of serious injury",
                            ),
                        ),
                        (
                            "commission_notified_on",
                            models.DateField(
                                blank=True,
                                null=True,
                                verbose_name="notice sent to the Commission d'accès à l'information on",
                            ),
                        ),
                        (
                            "persons_notified_on",
                            models.DateField(
                                blank=True,
                                null=True,
                                verbose_name="notice sent to the persons concerned on",
                            ),
                        ),
                        (
                            "public_notice_on",
                            models.DateField(
                                blank=True, null=True, verbose_name="public notice given on"
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="coalition.organisation",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-aware_from", "-number"],
                        "db_table": "privacy_confidentialityincident",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("organisation", "number"),
                                name="incident_number_per_organisation",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("occurred_to__isnull", True),
                                    ("occurred_to__gte", models.F("occurred_from")),
                                    _connector="OR",
                                ),
                                name="incident_occurred_period_ordered",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("aware_to__isnull", True),
                                    ("aware_to__gte", models.F("aware_from")),
                                    _connector="OR",
                                ),
                                name="incident_aware_period_ordered",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="RetentionOverride",
                    fields=[
                        (
                            "organisation",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="retention_override",
                                serialize=False,
                                to="coalition.organisation",
                            ),
                        ),
                        (
                            "days",
                            models.PositiveIntegerField(
                                verbose_name="days kept after a case is closed"
                            ),
                        ),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "updated_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "privacy_retentionoverride",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("days__gte", 30), ("days__lte", 36500)),
                                name="retention_days_in_range",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
