import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from civicgrid.grid.models import Grid
from civicgrid.grid.services import import_divisions


def levels() -> dict[int, int]:
    return {level: Grid.objects.filter(level=level).count() for level in range(3)}


def test_xuanwu_district_comes_with_its_real_streets_and_communities(db):
    district = import_divisions("320102")
    assert (district.code, district.name, district.level, district.parent) == (
        "320102000000",
        "玄武区",
        0,
        None,
    )
    assert levels() == {0: 1, 1: 8, 2: 61}
    street = Grid.objects.get(code="320102002000")
    assert (street.name, street.parent, street.level) == ("梅园新村街道", district, 1)
    community = Grid.objects.get(code="320102002001")
    assert (community.name, community.parent, community.level) == ("梅园新村社区", street, 2)
    assert community.path == f"{district.path}{street.pk}/{community.pk}/"
    assert not Grid.objects.exclude(boundary=None).exists()


def test_importing_twice_changes_nothing(db):
    import_divisions("320102")
    rows = set(Grid.objects.values_list("pk", "code", "name", "parent_id", "path"))
    district = import_divisions("320102")
    assert set(Grid.objects.values_list("pk", "code", "name", "parent_id", "path")) == rows
    assert levels() == {0: 1, 1: 8, 2: 61}
    assert district.code == "320102000000"


def test_an_existing_district_keeps_its_row_and_gets_its_real_name(db):
    existing = Grid.objects.create(name="测试区", code="320102000000", level=0)
    assert import_divisions("320102").pk == existing.pk
    existing.refresh_from_db()
    assert existing.name == "玄武区"


@pytest.mark.parametrize(("code", "message"), [("999999", "未知的区县代码"), ("4404", "6 位数字")])
def test_a_bad_code_is_a_clear_error(db, code, message):
    with pytest.raises(ValidationError, match=message):
        import_divisions(code)
    assert not Grid.objects.exists()


def test_missing_node_modules_tells_how_to_install_them(db, settings, tmp_path):
    settings.NODE_MODULES_DIR = tmp_path
    with pytest.raises(ValidationError, match="请先运行 make setup 安装前端依赖"):
        import_divisions("320102")


def test_the_command(db, capsys):
    call_command("import_divisions", "320102")
    assert "玄武区（320102000000）：区 1 个、街道 8 个、社区 61 个" in capsys.readouterr().out
    with pytest.raises(CommandError, match="未知的区县代码 440499"):
        call_command("import_divisions", "440499")
