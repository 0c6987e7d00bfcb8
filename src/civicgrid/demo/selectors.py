"""Reads about the demo city."""

from django.conf import settings

from civicgrid.directory.models import Account, Person, Unit
from civicgrid.grid.models import Building, Compound, Grid, Household

from .models import DemoCity


def demo_city_counts(city: DemoCity) -> dict[str, int]:
    """How many of each thing the demo city holds, by Chinese name, for the closing line of demo-city."""
    subtree = city.district.path
    grids = Grid.objects.filter(path__startswith=subtree)
    counts = {
        level["name"]: grids.filter(level=depth).count()
        for depth, level in enumerate(settings.CIVICGRID_GRID_LEVELS)
    }
    compounds = Compound.objects.filter(grid__path__startswith=subtree)
    counts["小区"] = compounds.count()
    counts["楼栋"] = Building.objects.filter(compound__in=compounds).count()
    counts["住户"] = Household.objects.filter(building__compound__in=compounds).count()
    counts["单位"] = Unit.objects.count()
    counts["人员"] = Person.objects.count()
    counts["账号"] = Account.objects.count()
    return counts
