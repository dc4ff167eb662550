"""Case references become a stored, unique column of 12 characters (issue 11, item 7).

Until now the reference was the first 8 hex characters of the id, which collide at about a
million cases. Existing cases keep their old reference as the start of the new one (what was
written on paper still leads to the case) followed by 4 random characters of the reference
alphabet; the set is checked for duplicates before the unique constraint is added. New cases
draw 12 random characters (``cases/references.py``)."""

import secrets

from django.db import migrations, models

import arrimage.cases.references

BATCH = 2000


def widen(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    alphabet = arrimage.cases.references.ALPHABET
    taken: set[str] = set()
    batch = []
    for case in Case.objects.only("id").order_by("pk").iterator(chunk_size=BATCH):
        old = str(case.id)[:8].upper()
        reference = old + "".join(secrets.choice(alphabet) for _ in range(4))
        while reference in taken:
            reference = old + "".join(secrets.choice(alphabet) for _ in range(4))
        taken.add(reference)
        case.reference = reference
        batch.append(case)
        if len(batch) >= BATCH:
            Case.objects.bulk_update(batch, ["reference"])
            batch = []
    if batch:
        Case.objects.bulk_update(batch, ["reference"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_search_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="reference",
            field=models.CharField(max_length=16, null=True, verbose_name="reference"),
        ),
        migrations.RunPython(widen, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="case",
            name="reference",
            field=models.CharField(
                default=arrimage.cases.references.reference_new,
                editable=False,
                max_length=16,
                unique=True,
                verbose_name="reference",
            ),
        ),
    ]
