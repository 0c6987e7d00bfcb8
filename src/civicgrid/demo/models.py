from django.db import models


class DemoCity(models.Model):
    """Marks a district as built by the demo generator, so running the generator again changes nothing."""

    district = models.OneToOneField(
        "grid.Grid", verbose_name="区", on_delete=models.PROTECT, related_name="demo_city"
    )
    seed = models.BigIntegerField("随机种子")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "演示城市"
        verbose_name_plural = "演示城市"

    def __str__(self) -> str:
        return f"{self.district.name}（种子 {self.seed}）"
