"""The governance grid: a configurable tree of areas (区 → 街道 → 社区 → 居民小组 → 住户小组), residential
compounds (小区) as map units with their buildings and households.

Polygons are GeoJSON geometry objects in a JSON column, so the same schema runs on SQLite and PostgreSQL;
point-in-polygon location happens in-process on a shapely STRtree (see locate.py).
"""

from django.conf import settings
from django.db import models

from .geometry import geometry_centroid


def grid_level_choices() -> list[tuple[int, str]]:
    return [(depth, level["name"]) for depth, level in enumerate(settings.CIVICGRID_GRID_LEVELS)]


def name_under(name: str, parent_name: str) -> str:
    """A grid's name without its parent's in front, as it reads under the parent: 梅园新村社区第1居民小组 is
    第1居民小组 within 梅园新村社区 (side by side, full names differ only past where they are cut off)."""
    return name.removeprefix(parent_name) or name if parent_name else name


class Grid(models.Model):
    """One area of the grid tree. `path` holds the ids from the root ("/1/7/42/") for subtree queries."""

    name = models.CharField("名称", max_length=100)
    code = models.CharField(
        "区划代码", max_length=12, blank=True, db_index=True, help_text="12 位国家统计用区划代码（如有）"
    )
    level = models.PositiveSmallIntegerField("层级", choices=grid_level_choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False, db_index=True)
    boundary = models.JSONField("边界 (GeoJSON)", null=True, blank=True)
    centroid_lat = models.FloatField("中心纬度", null=True, blank=True, editable=False)
    centroid_lng = models.FloatField("中心经度", null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "网格"
        verbose_name_plural = "网格"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~models.Q(code=""), name="grid_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # The path and centroid are derived, so they are kept here rather than trusted from callers.
        self.centroid_lat, self.centroid_lng = geometry_centroid(self.boundary)
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if path != self.path:
            self.path = path
            Grid.objects.filter(pk=self.pk).update(path=path)

    @property
    def level_name(self) -> str:
        return settings.CIVICGRID_GRID_LEVELS[self.level]["name"]

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


class Compound(models.Model):
    """A residential compound (小区): the map unit residents name, managed by a property company."""

    name = models.CharField("名称", max_length=100)
    grid = models.ForeignKey(
        Grid, verbose_name="所属网格", on_delete=models.PROTECT, related_name="compounds"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    property_company = models.ForeignKey(
        "directory.Unit",
        verbose_name="物业公司",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_compounds",
        limit_choices_to={"kind": "property_company"},
    )
    boundary = models.JSONField("边界 (GeoJSON)", null=True, blank=True)
    centroid_lat = models.FloatField("中心纬度", null=True, blank=True, editable=False)
    centroid_lng = models.FloatField("中心经度", null=True, blank=True, editable=False)
    households_count = models.PositiveIntegerField("户数", default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "小区"
        verbose_name_plural = "小区"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.centroid_lat, self.centroid_lng = geometry_centroid(self.boundary)
        super().save(*args, **kwargs)


class Building(models.Model):
    compound = models.ForeignKey(
        Compound, verbose_name="小区", on_delete=models.CASCADE, related_name="buildings"
    )
    number = models.CharField("楼栋号", max_length=20)
    floors = models.PositiveSmallIntegerField("层数", default=6)

    class Meta:
        verbose_name = "楼栋"
        verbose_name_plural = "楼栋"
        ordering = ["compound", "number"]
        constraints = [models.UniqueConstraint(fields=["compound", "number"], name="building_number_unique")]

    def __str__(self) -> str:
        return f"{self.compound.name}{self.number}栋"


class Household(models.Model):
    building = models.ForeignKey(
        Building, verbose_name="楼栋", on_delete=models.CASCADE, related_name="households"
    )
    unit_number = models.CharField("单元", max_length=10, blank=True)
    room = models.CharField("房号", max_length=20)
    residents_count = models.PositiveSmallIntegerField("人数", default=1)

    class Meta:
        verbose_name = "住户"
        verbose_name_plural = "住户"
        ordering = ["building", "unit_number", "room"]
        constraints = [
            models.UniqueConstraint(fields=["building", "unit_number", "room"], name="household_room_unique")
        ]

    def __str__(self) -> str:
        unit = f"{self.unit_number}单元" if self.unit_number else ""
        return f"{self.building}{unit}{self.room}室"
