"""import_appeals: good files in every encoding and in .xlsx, idempotent re-imports, and broken files that
are reported row by row and save nothing."""

import datetime as dt
import json
from io import StringIO

import openpyxl
import pytest
from conftest import HEADER, hotline_row, stored_counts, write_csv
from django.core.management import CommandError, call_command
from django.utils import timezone

from civicgrid.appeals.imports import ImportFileError, import_appeals, load_mapping, mapping_from_dict
from civicgrid.appeals.models import Appeal, Category, Channel, Kind, Status
from civicgrid.ledger.models import LedgerEntry
from civicgrid.ledger.selectors import verify_chain


def test_good_file_imports_every_row_located_with_contact_event_and_one_ledger_entry(city, hotline, tmp_path):
    rows = [hotline_row(n, city.grids[n % len(city.grids)]) for n in range(1, 9)]
    report = import_appeals(
        write_csv(tmp_path / "工单.csv", rows), hotline, actor=city.accounts["dispatcher"]
    )

    assert report.ok and (report.rows, report.imported, report.skipped_existing) == (8, 8, 0)
    assert report.encoding == "UTF-8"
    appeal = Appeal.objects.get(external_id="GD2026000001")
    assert (appeal.channel, appeal.kind, appeal.status) == (Channel.HOTLINE, Kind.COMPLAINT, Status.RECEIVED)
    assert appeal.category == Category.objects.get(name="物业服务", parent__name="住房保障与房地产")
    assert (appeal.grid, appeal.compound) == (city.grids[1], city.compounds[1])
    assert appeal.received_at == timezone.make_aware(dt.datetime(2026, 3, 2, 9, 1))
    assert appeal.contact.phone == "13912340001"
    assert appeal.created_by == city.accounts["dispatcher"]
    assert len(set(Appeal.objects.values_list("tracking_code", flat=True))) == 8
    event = appeal.events.get()
    assert (event.action, event.to_status, event.data["import"]) == ("submit", "received", report.sha256[:16])
    entry = LedgerEntry.objects.get(action="appeal.import")
    assert entry.payload["imported"] == 8 and entry.payload["sha256"] == report.sha256
    assert verify_chain().ok


def test_reimport_skips_what_is_stored_and_imports_only_new_rows(city, hotline, tmp_path):
    rows = [hotline_row(n, city.grids[0]) for n in range(1, 4)]
    import_appeals(write_csv(tmp_path / "a.csv", rows), hotline)
    before = stored_counts()

    again = import_appeals(write_csv(tmp_path / "a.csv", rows), hotline)
    assert (again.ok, again.imported, again.skipped_existing) == (True, 0, 3)
    assert stored_counts() == before

    grown = import_appeals(write_csv(tmp_path / "b.csv", [*rows, hotline_row(4, city.grids[0])]), hotline)
    assert (grown.imported, grown.skipped_existing) == (1, 3)
    assert Appeal.objects.count() == 4


@pytest.mark.parametrize(("encoding", "label"), [("gbk", "GBK"), ("utf-8-sig", "UTF-8（带 BOM）")])
def test_encoding_is_detected_and_named(city, hotline, tmp_path, encoding, label):
    path = write_csv(
        tmp_path / "gbk.csv", [hotline_row(1, city.grids[0], 来电人="欧阳娜娜")], encoding=encoding
    )
    report = import_appeals(path, hotline)
    assert (report.ok, report.encoding) == (True, label)
    assert Appeal.objects.get().contact.name == "欧阳娜娜"


def test_broken_rows_are_reported_one_by_one_and_nothing_is_saved(city, hotline, tmp_path):
    import_appeals(write_csv(tmp_path / "old.csv", [hotline_row(1, city.grids[0])]), hotline)
    before = stored_counts()
    grid = city.grids[0]
    rows = [
        hotline_row(1, grid),  # already stored: skipped, not a problem
        hotline_row(2, grid, 受理时间="2026-02-30 10:00"),
        hotline_row(3, grid, 问题分类="城乡建设/不存在的分类"),
        hotline_row(4, grid),
        hotline_row(4, grid),
        hotline_row(5, grid, 工单标题="长" * 201),
        hotline_row(6, grid, 纬度="九十", 经度="118.7"),
        hotline_row(7, grid, 纬度="132.0"),
        hotline_row(8, grid, 诉求内容=""),
        hotline_row(9, grid, 问题分类="其他"),
        hotline_row(10, grid, 诉求类型="抱怨"),
        hotline_row(11, grid),
    ]
    report = import_appeals(write_csv(tmp_path / "broken.csv", rows), hotline)

    assert not report.ok
    found = {(p.line, p.code) for p in report.problems}
    assert found == {
        (3, "bad_date"),
        (4, "unknown_category"),
        (6, "duplicate_in_file"),
        (7, "too_long"),
        (8, "bad_coordinates"),
        (9, "bad_coordinates"),
        (10, "missing_field"),
        (11, "ambiguous_category"),
        (12, "unknown_value"),
    }
    duplicate = next(p for p in report.problems if p.code == "duplicate_in_file")
    assert duplicate.message == "来源编号“GD2026000004”与第 5 行重复。" and duplicate.column == "工单编号"
    assert next(p for p in report.problems if p.code == "bad_date").column == "受理时间"
    assert report.imported == 0
    assert stored_counts() == before


def test_future_dates_and_replies_before_receipt_are_bad_dates(city, hotline, tmp_path):
    header = [*HEADER, "答复意见", "办结时间"]
    rows = [
        hotline_row(1, city.grids[0], 受理时间="2099-01-01 10:00:00"),
        hotline_row(2, city.grids[0], 答复意见="已处理", 办结时间="2026-03-01 08:00:00"),
    ]
    report = import_appeals(write_csv(tmp_path / "dates.csv", rows, header=header), hotline)
    assert [(p.line, p.code, p.column) for p in report.problems] == [
        (2, "bad_date", "受理时间"),
        (3, "bad_date", "办结时间"),
    ]


def test_row_with_a_reply_is_stored_as_a_finished_case(city, hotline, tmp_path):
    header = [*HEADER, "答复意见", "办结时间"]
    row = hotline_row(1, city.grids[0], 答复意见="已协调物业修复电梯。", 办结时间="2026-03-09 16:00:00")
    import_appeals(write_csv(tmp_path / "done.csv", [row], header=header), hotline)
    appeal = Appeal.objects.get()
    assert (appeal.status, appeal.reply) == (Status.CLOSED, "已协调物业修复电梯。")
    assert appeal.closed_at == appeal.resolved_at == timezone.make_aware(dt.datetime(2026, 3, 9, 16))


GAS_LEAK = {"工单标题": "楼道燃气泄漏", "诉求内容": "我家楼道里燃气泄漏，气味很大，请马上派人处理。"}


def test_open_ordinary_rows_are_read_for_urgent_cases_as_at_intake(city, hotline, tmp_path, settings):
    header = [*HEADER, "紧急程度", "答复意见", "办结时间"]
    grid = city.grids[0]
    rows = [
        hotline_row(1, grid, **GAS_LEAK),
        hotline_row(2, grid),  # a lift out of service: not urgent
        hotline_row(3, grid, **GAS_LEAK, 紧急程度="特急"),  # the hotline's own urgency stands
        hotline_row(4, grid, **GAS_LEAK, 答复意见="已处置。", 办结时间="2026-03-09 16:00:00"),  # finished
    ]
    report = import_appeals(write_csv(tmp_path / "a.csv", rows, header=header), hotline)

    assert (report.urgent_flagged, report.urgency_raised) == (1, 1)
    assert "其中急难险重 1 行（升为紧急 1 行）" in report.summary
    assert report.as_dict()["urgent_flagged"] == 1
    by_row = {a.external_id[-1]: a for a in Appeal.objects.all()}
    assert [by_row[n].urgency for n in "1234"] == ["urgent", "normal", "critical", "normal"]
    data = by_row["1"].events.get(action="submit").data
    assert "燃气泄漏" in data["urgent_reason"] and data["urgency_raised"] is True
    assert all("urgent_reason" not in by_row[n].events.get().data for n in "234")
    assert LedgerEntry.objects.get(action="appeal.import").payload["urgent_flagged"] == 1

    # Where the locality keeps flags as warnings only, the words are kept and the row stays ordinary.
    settings.CIVICGRID_RAISE_URGENT_CASES = "none"
    report = import_appeals(write_csv(tmp_path / "b.csv", [hotline_row(5, grid, **GAS_LEAK)]), hotline)
    assert (report.urgent_flagged, report.urgency_raised) == (1, 0)
    appeal = Appeal.objects.get(external_id="GD2026000005")
    assert appeal.urgency == "normal" and appeal.events.get().data["urgency_raised"] is False


def test_a_migration_may_skip_the_urgent_case_check(city, tmp_path):
    path = write_csv(tmp_path / "a.csv", [hotline_row(1, city.grids[0], **GAS_LEAK)])
    out = StringIO()
    call_command("import_appeals", str(path), mapping="hotline-12345", skip_urgent_check=True, stdout=out)
    appeal = Appeal.objects.get()
    assert appeal.urgency == "normal" and "urgent_reason" not in appeal.events.get().data
    assert "急难险重" not in out.getvalue()


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("工单编号,受理时间\n".encode("gbk") + "GD1,2026-03-01 10:00\n".encode("gbk"), "wrong_encoding"),
        (bytes(range(256)) * 40, "not_text"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(1, 256)) * 10, "unknown_encoding"),
        (b"", "empty_file"),
    ],
)
def test_unreadable_files_fail_as_a_whole_and_name_the_problem(city, tmp_path, content, code):
    mapping = mapping_from_dict(
        {"encoding": "utf-8" if code == "wrong_encoding" else "auto", "columns": {"工单编号": "external_id"}}
    )
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    before = stored_counts()
    with pytest.raises(ImportFileError) as error:
        import_appeals(path, mapping)
    assert error.value.code == code
    assert stored_counts() == before
    if code == "wrong_encoding":
        assert "不是列映射声明的 UTF-8 编码，看起来是 GBK 编码" in error.value.message


def test_gbk_bytes_in_a_utf8_file_are_a_file_error_naming_the_line(city, hotline, tmp_path):
    path = write_csv(tmp_path / "mixed.csv", [hotline_row(n, city.grids[0]) for n in range(1, 3000)])
    path.write_bytes(path.read_bytes() + "GD9,2026-03-01 10:00:00,投诉,,标题,内容\n".encode("gbk"))
    before = stored_counts()
    with pytest.raises(ImportFileError) as error:
        import_appeals(path, hotline)
    assert error.value.code == "wrong_encoding" and "第 3001 行" in error.value.message
    assert stored_counts() == before


def test_missing_required_columns_are_named(city, hotline, tmp_path):
    header = [h for h in HEADER if h != "诉求内容"]
    with pytest.raises(ImportFileError) as error:
        import_appeals(
            write_csv(tmp_path / "cols.csv", [hotline_row(1, city.grids[0])], header=header), hotline
        )
    assert error.value.code == "missing_columns"
    assert "诉求内容（诉求内容）" in error.value.message


def test_xlsx_with_date_cells_imports(city, hotline, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    row = hotline_row(1, city.grids[2])
    row["受理时间"] = dt.datetime(2026, 3, 5, 14, 30)
    sheet.append([row[h] for h in HEADER])
    sheet.append([None] * len(HEADER))  # Excel leaves formatted empty rows behind
    workbook.save(tmp_path / "工单.xlsx")

    report = import_appeals(tmp_path / "工单.xlsx", hotline)
    assert (report.ok, report.encoding, report.imported) == (True, "Excel", 1)
    appeal = Appeal.objects.get()
    assert appeal.received_at == timezone.make_aware(dt.datetime(2026, 3, 5, 14, 30))
    assert appeal.grid == city.grids[2]


def test_address_names_the_compound_when_there_is_no_point(city, hotline, tmp_path):
    header = [*HEADER, "事发地址"]
    row = hotline_row(1, city.grids[0], 纬度="", 经度="", 事发地址="测试区幸福3号小区5栋门口")
    import_appeals(write_csv(tmp_path / "addr.csv", [row], header=header), hotline)
    appeal = Appeal.objects.get()
    assert (appeal.compound, appeal.grid) == (city.compounds[2], city.grids[2])


def test_dry_run_validates_and_writes_nothing(city, hotline, tmp_path):
    before = stored_counts()
    report = import_appeals(
        write_csv(tmp_path / "a.csv", [hotline_row(1, city.grids[0])]), hotline, dry_run=True
    )
    assert (report.ok, report.imported) == (True, 1)
    assert stored_counts() == before


def test_command_prints_json_report_and_fails_on_problems(city, tmp_path):
    good = write_csv(tmp_path / "good.csv", [hotline_row(1, city.grids[0])])
    out = StringIO()
    call_command("import_appeals", str(good), mapping="hotline-12345", json=True, stdout=out)
    assert json.loads(out.getvalue())["imported"] == 1

    bad = write_csv(tmp_path / "bad.csv", [hotline_row(2, city.grids[0], 受理时间="昨天")])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_appeals", str(bad), mapping="hotline-12345", stdout=out, verbosity=0)
    assert "第 2 行［受理时间］：受理时间“昨天”不是有效的日期时间" in out.getvalue()
    assert Appeal.objects.count() == 1


def test_unknown_mapping_lists_the_saved_ones():
    with pytest.raises(ImportFileError) as error:
        load_mapping("no-such-mapping")
    assert "hotline-12345" in error.value.message and "teddy2020" in error.value.message
