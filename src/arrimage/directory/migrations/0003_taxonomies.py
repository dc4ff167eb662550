from django.db import migrations


def load(apps, schema_editor):
    from arrimage.directory.taxonomy_seed import taxonomies_install

    taxonomies_install(
        apps.get_model("directory", "Taxonomy"), apps.get_model("directory", "TaxonomyTerm")
    )


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_fulltext")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
