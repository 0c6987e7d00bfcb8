"""export_appeals: the actor's appeals only, Chinese headers, phones masked for those who need not call."""

import datetime as dt
from io import BytesIO

import openpyxl
import pytest
from conftest import hotline_row, write_csv
from django.utils import timezone

from civicgrid.appeals.errors import AppealError
from civicgrid.appeals.exports import export_appeals
from civicgrid.appeals.imports import import_appeals
from civicgrid.appeals.models import Appeal


def sheet_rows(data: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(BytesIO(data), read_only=True).active.iter_rows(values_only=True))


@pytest.fixture
def imported(city, hotline, tmp_path):
    rows = [hotline_row(n, city.grids[n % len(city.grids)]) for n in range(1, 9)]
    import_appeals(write_csv(tmp_path / "a.csv", rows), hotline)


def test_dispatcher_exports_the_filtered_list_with_full_contacts(city, imported):
    columns = ["tracking_code", "category", "title", "grid", "received_at", "contact_name", "contact_phone"]
    appeals = Appeal.objects.filter(grid__in=city.grids[:2])
    rows = sheet_rows(export_appeals(city.accounts["dispatcher"], appeals, columns))

    assert rows[0] == ("查询码", "分类", "标题", "网格", "受理时间", "诉求人", "联系电话")
    assert len(rows) == 1 + appeals.count() == 3
    newest = appeals.order_by("-received_at", "-pk").first()
    assert rows[1][0] == newest.tracking_code
    assert rows[1][1] == "城乡建设/住房保障与房地产/物业服务"
    assert rows[1][4] == timezone.localtime(newest.received_at).replace(tzinfo=None)
    assert isinstance(rows[1][4], dt.datetime)
    assert rows[1][5:] == ("李四", newest.contact.phone)


def test_a_secretary_gets_her_community_only_with_contacts_masked(city, imported):
    rows = sheet_rows(export_appeals(city.accounts["secretary"], Appeal.objects.all()))
    header, body = rows[0], rows[1:]
    in_community = Appeal.objects.filter(grid__path__startswith=city.communities[0].path)
    assert len(body) == in_community.count() == 2
    name, phone = header.index("诉求人"), header.index("联系电话")
    assert {row[name] for row in body} == {"李*"}
    assert all(row[phone].startswith("139****") and len(row[phone]) == 11 for row in body)


def test_unknown_columns_are_refused(city):
    with pytest.raises(AppealError) as error:
        export_appeals(city.accounts["dispatcher"], Appeal.objects.all(), ["title", "password"])
    assert error.value.code == "unknown_column"
