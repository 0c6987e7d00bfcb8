"""Hotline export files written for the tests, and counts that prove an import saved nothing."""

import csv
import io
from pathlib import Path

import pytest

from civicgrid.appeals.imports import load_mapping
from civicgrid.appeals.models import Appeal, AppealContact, AppealEvent
from civicgrid.ledger.models import LedgerEntry

HEADER = [
    "工单编号",
    "受理时间",
    "诉求类型",
    "问题分类",
    "工单标题",
    "诉求内容",
    "纬度",
    "经度",
    "来电人",
    "联系电话",
]


def hotline_row(number: int, grid, **cells) -> dict:
    """A good row for an appeal at the centre of `grid` (inside its compound in the small city)."""
    row = {
        "工单编号": f"GD2026{number:06d}",
        "受理时间": f"2026-03-{number % 28 + 1:02d} 09:{number % 60:02d}:00",
        "诉求类型": "投诉",
        "问题分类": "城乡建设/住房保障与房地产/物业服务",
        "工单标题": "电梯停运",
        "诉求内容": f"3号楼电梯停运第{number}天，老人上下楼困难。",
        "纬度": f"{grid.centroid_lat:.6f}",
        "经度": f"{grid.centroid_lng:.6f}",
        "来电人": "李四",
        "联系电话": f"1391234{number:04d}",
    }
    return row | cells


def write_csv(path: Path, rows: list[dict], *, encoding: str = "utf-8", header=HEADER) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def stored_counts() -> tuple[int, int, int, int]:
    return (
        Appeal.objects.count(),
        AppealContact.objects.count(),
        AppealEvent.objects.count(),
        LedgerEntry.objects.count(),
    )


@pytest.fixture
def hotline():
    return load_mapping("hotline-12345")
