"""Load the default 3-level category catalogue (see appeals/catalogue.py)."""

from django.db import migrations

from civicgrid.appeals.catalogue import load_default_catalogue


def load_categories(apps, schema_editor):
    load_default_catalogue(apps.get_model("appeals", "Category"))


def unload_categories(apps, schema_editor):
    Category = apps.get_model("appeals", "Category")
    for level in (3, 2, 1):
        Category.objects.filter(level=level).delete()


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]

    operations = [migrations.RunPython(load_categories, unload_categories)]
