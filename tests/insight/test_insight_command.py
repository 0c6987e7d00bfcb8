"""`civicgrid insight ...` on small files: outputs, and bad inputs rejected with no output written."""

import csv

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from civicgrid.insight.management.commands.insight import Command
from civicgrid.tables import read_table

HEADER = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情"]
ROWS = [
    ["1", "U1", "小区燃气泄漏", "2026-05-01 08:00:00", "楼道里闻到很浓的煤气味，燃气泄漏了"],
    ["2", "U2", "咨询社保转移", "2026-05-02 09:30:00", "外地社保如何转入本市"],
]


def write_csv(path, header, rows, encoding="utf-8-sig"):
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(*args):
    call_command(Command(), *args)


def test_classify_csv_adds_category_and_confidence(tmp_path):
    source = write_csv(tmp_path / "in.csv", HEADER, ROWS)
    run("classify", "--input", str(source), "--output", str(tmp_path / "out.csv"))
    rows = read_table(tmp_path / "out.csv")
    assert rows[1]["predicted_category"] == "劳动和社会保障"
    assert 0 < float(rows[1]["confidence"]) <= 1
    assert rows[0]["留言主题"] == "小区燃气泄漏"


def test_urgent_from_xlsx_with_renamed_columns(tmp_path):
    workbook = Workbook()
    workbook.active.append(["标题", "内容", "时间"])
    for row in ROWS:
        workbook.active.append([row[2], row[4], row[3]])
    workbook.save(tmp_path / "in.xlsx")
    run(
        "urgent",
        "--input",
        str(tmp_path / "in.xlsx"),
        "--output",
        str(tmp_path / "out.xlsx"),
        "--title-column=标题",
        "--detail-column=内容",
        "--time-column=时间",
    )
    rows = read_table(tmp_path / "out.xlsx")
    assert [row["urgent"] for row in rows] == ["是", "否"]
    assert "燃气泄漏" in rows[0]["urgent_reason"]


def test_reply_quality_adds_four_scores_and_flags(tmp_path):
    header = [*HEADER, "答复意见", "答复时间"]
    rows = [
        [
            *ROWS[1],
            "网友您好！经核实，根据《社会保险法》，请携带身份证到社保窗口办理转移。",
            "2026-05-05 10:00:00",
        ]
    ]
    source = write_csv(tmp_path / "in.csv", header, rows)
    run("reply-quality", "--input", str(source), "--output", str(tmp_path / "out.csv"))
    (row,) = read_table(tmp_path / "out.csv")
    for column in ("relevance", "completeness", "interpretability", "timeliness"):
        assert 0 <= float(row[column]) <= 1
    assert row["evasive"] == "否"


def test_hot_issues_writes_both_tables(tmp_path, teddy_dir):
    run(
        "hot-issues",
        "--input",
        str(teddy_dir / "sample_附件3_30.csv"),
        "--output-dir",
        str(tmp_path),
        "--top",
        "3",
    )
    summary = read_table(tmp_path / "热点问题表.csv")
    assert list(summary[0]) == ["热度排名", "问题ID", "热度指数", "时间范围", "地点/人群", "问题描述"]
    assert len(summary) <= 3
    assert read_table(tmp_path / "热点问题留言明细表.csv")


@pytest.mark.parametrize(
    ("content", "encoding", "message"),
    [
        (["留言主题"], "utf-8", "缺少列：留言详情"),
        (HEADER, "gbk", "GBK"),
        (HEADER, "utf-8", "第 3 行"),
    ],
)
def test_bad_files_fail_clearly_without_output(tmp_path, content, encoding, message):
    rows = [ROWS[0][: len(content)], ["3", "U3", "", "2026-05-03 10:00:00", ""][: len(content)]]
    source = write_csv(tmp_path / "bad.csv", content, rows, encoding=encoding)
    with pytest.raises(CommandError, match=message):
        run("classify", "--input", str(source), "--output", str(tmp_path / "out.csv"))
    assert not (tmp_path / "out.csv").exists()


def test_bad_time_names_row(tmp_path):
    source = write_csv(
        tmp_path / "in.csv",
        [*HEADER, "点赞数", "反对数"],
        [[*ROWS[0], "0", "0"], [*ROWS[1][:3], "昨天", ROWS[1][4], "0", "0"]],
    )
    with pytest.raises(CommandError, match=r"第 3 行.*不是有效时间"):
        run("hot-issues", "--input", str(source), "--output-dir", str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()
