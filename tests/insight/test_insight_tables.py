import pytest
from openpyxl import Workbook

from civicgrid.tables import InputError, read_table, require_columns, require_text, write_table


def test_reads_utf8_with_bom(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes("留言主题,留言详情\n停水,三天了\n".encode("utf-8-sig"))
    assert read_table(path) == [{"留言主题": "停水", "留言详情": "三天了"}]


def test_gbk_file_is_named_as_gbk_and_readable_with_option(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("留言主题,留言详情\n停水,三天了\n".encode("gbk"))
    with pytest.raises(InputError, match="GBK"):
        read_table(path)
    assert read_table(path, encoding="gbk")[0]["留言主题"] == "停水"


def test_reads_xlsx(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["留言编号", "留言主题", "点赞数"])
    sheet.append([1, "路灯不亮", 3.0])
    path = tmp_path / "in.xlsx"
    workbook.save(path)
    assert read_table(path) == [{"留言编号": "1", "留言主题": "路灯不亮", "点赞数": "3"}]


def test_missing_columns_are_listed():
    with pytest.raises(InputError, match="缺少列：留言详情"):
        require_columns([{"留言主题": "x"}], ["留言主题", "留言详情"], "in.csv")


def test_empty_text_names_the_row():
    rows = [{"留言主题": "停水", "留言详情": ""}, {"留言主题": " ", "留言详情": ""}]
    with pytest.raises(InputError, match="第 3 行"):
        require_text(rows, ["留言主题", "留言详情"], "in.csv")


@pytest.mark.parametrize("name", ["out.csv", "out.xlsx"])
def test_write_table_round_trips_and_leaves_no_temp_file(tmp_path, name):
    rows = [{"a": "一", "b": "1"}, {"a": "二", "b": "2"}]
    write_table(tmp_path / name, rows, ["a", "b"])
    assert read_table(tmp_path / name) == rows
    assert [p.name for p in tmp_path.iterdir()] == [name]
