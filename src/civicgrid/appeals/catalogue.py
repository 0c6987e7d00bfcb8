"""The default 3-level category catalogue (fixtures/categories.json: the names of the 2020 Teddy Cup 附件1
catalogue, 15 first-level, 118 second-level and 517 third-level nodes).

Loaded by migration 0002 and again after every `flush` through post_migrate, the way Django keeps content
types: reference data every appeal needs must survive a database being emptied (as test runs do).
"""

import json
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "categories.json"


def load_default_catalogue(category_model) -> int:
    """Create the catalogue when the table is empty; returns how many nodes were created. Takes the model
    class so that a migration can pass its historical model (which lacks Category.save's path logic)."""
    if category_model.objects.exists():
        return 0
    created = 0
    level_nodes = [(None, node, order) for order, node in enumerate(_read_fixture(), start=1)]
    level = 1
    while level_nodes:
        rows = [
            category_model(name=node["name"], level=level, parent=parent, sort_order=order, path="")
            for parent, node, order in level_nodes
        ]
        category_model.objects.bulk_create(rows)
        for row, (parent, _, _) in zip(rows, level_nodes, strict=True):
            row.path = f"{parent.path if parent else '/'}{row.pk}/"
        category_model.objects.bulk_update(rows, ["path"])
        created += len(rows)
        level_nodes = [
            (row, child, order)
            for row, (_, node, _) in zip(rows, level_nodes, strict=True)
            for order, child in enumerate(node.get("children", []), start=1)
        ]
        level += 1
    return created


def _read_fixture() -> list[dict]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))
