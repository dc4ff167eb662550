from django.db import migrations

from arrimage.coalition.glossary_data import glossary_terms_load


def load_terms(apps, schema_editor):
    glossary_terms_load(
        term_model=apps.get_model("coalition", "GlossaryTerm"),
        legal_model=apps.get_model("coalition", "LegalText"),
    )


class Migration(migrations.Migration):
    dependencies = [("coalition", "0003_glossary_and_mandates")]
    operations = [migrations.RunPython(load_terms, migrations.RunPython.noop)]
