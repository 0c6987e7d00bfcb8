"""Load the default 3-level category catalogue (fixtures/categories.json: the 2020 Teddy Cup 附件1 names,
15 first-level, 118 second-level and 517 third-level nodes)."""

import json
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "categories.json"


def load_categories(apps, schema_editor):
    Category = apps.get_model("appeals", "Category")
    if Category.objects.exists():
        return

    def add(nodes, parent, level):
        for order, node in enumerate(nodes, start=1):
            category = Category.objects.create(
                name=node["name"], level=level, parent=parent, sort_order=order
            )
            # Historical models lack Category.save(), which derives the path.
            category.path = f"{parent.path if parent else '/'}{category.pk}/"
            category.save(update_fields=["path"])
            add(node.get("children", []), category, level + 1)

    add(json.loads(FIXTURE.read_text(encoding="utf-8")), None, 1)


def unload_categories(apps, schema_editor):
    Category = apps.get_model("appeals", "Category")
    for level in (3, 2, 1):
        Category.objects.filter(level=level).delete()


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]

    operations = [migrations.RunPython(load_categories, unload_categories)]
