import csv
from pathlib import Path

from django.db import migrations

REGIONS_CSV = Path(__file__).resolve().parent.parent / "data" / "regions.csv"


def load_regions(apps, schema_editor):
    Region = apps.get_model("coalition", "Region")
    with REGIONS_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Region.objects.update_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("coalition", "0001_initial")]
    operations = [migrations.RunPython(load_regions, migrations.RunPython.noop)]
