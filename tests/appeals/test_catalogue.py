from civicgrid.appeals.catalogue import load_default_catalogue
from civicgrid.appeals.models import Category


def test_the_catalogue_is_loaded_once_with_derived_paths(db):
    assert load_default_catalogue(Category) == 0  # already there from the migration
    Category.objects.filter(level=3).delete()
    Category.objects.filter(level=2).delete()
    Category.objects.all().delete()
    assert load_default_catalogue(Category) == 15 + 118 + 517
    for category in Category.objects.select_related("parent"):
        parent_path = category.parent.path if category.parent else "/"
        assert category.path == f"{parent_path}{category.pk}/"
        assert category.level == category.path.count("/") - 1


def test_migrating_another_app_alone_leaves_the_catalogue_alone():
    """`migrate ledger` on a new database (the ledger benchmark does it) sends post_migrate to every app;
    appeals' tables do not exist yet, so restoring the catalogue must not touch the database at all (this
    test has no database access)."""
    from django.db.migrations.state import ProjectState

    from civicgrid.appeals.apps import _restore_catalogue

    _restore_catalogue(sender=None, apps=ProjectState().apps)
