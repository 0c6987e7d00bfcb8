"""Each module renders for a leader, a community secretary and a department handler, with the numbers of
their own scope only; filters, htmx bodies, the Excel export and warning acknowledgement."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from civicgrid.appeals import services
from civicgrid.appeals.models import Appeal
from civicgrid.dashboards import selectors
from civicgrid.dashboards.models import WarningAck
from civicgrid.dashboards.services import rebuild_rollups

pytestmark = pytest.mark.django_db

MODULES = [
    ("dashboards:overview", "概览"),
    ("dashboards:units", "承办单位排行"),
    ("dashboards:categories", "分类树"),
    ("dashboards:region", "区域明细"),
    ("dashboards:analysis", "交叉分析"),
    ("dashboards:warnings", "预警"),
    ("dashboards:reports", "分析研判报告"),
    ("dashboards:screen", "问政大数据分析平台"),
]


@pytest.mark.parametrize("account", ["leader", "secretary", "handler"])
@pytest.mark.parametrize(("url_name", "marker"), MODULES)
def test_every_module_renders_for_each_role(client, city, history, account, url_name, marker):
    client.force_login(city.accounts[account])
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert marker in response.content.decode()


def test_citizens_have_no_dashboards(client, city):
    client.force_login(city.accounts["citizen"])
    assert client.get(reverse("dashboards:overview")).status_code == 403


def _raw_count(appeals, start, end) -> int:
    return appeals.filter(received_at__date__gte=start, received_at__date__lt=end).count()


def test_a_secretary_sees_only_her_communitys_numbers(client, city, history):
    secretary = city.accounts["secretary"]
    filters = selectors.Filters.last_days(30)
    community = city.communities[0]
    in_subtree = Appeal.objects.filter(grid__path__startswith=community.path)
    # Local dates, as the rollups count them.
    local = [timezone.localdate(a.received_at) for a in in_subtree]
    expected = sum(filters.start <= day < filters.end for day in local)
    assert 0 < expected < Appeal.objects.count()
    overview = selectors.overview(secretary, filters)
    assert overview.total == expected
    assert overview.overdue == in_subtree.filter(due_state="overdue").count()
    assert sum(f.count for f in selectors.region(secretary, filters, None).areas) == expected
    client.force_login(secretary)
    response = client.get(reverse("dashboards:overview"), {"period": "30"}, HTTP_HX_REQUEST="true")
    assert response.context["overview"].total == expected
    # Her area list and map hold her community's grids only.
    names = {f.name for f in response.context["region"].areas}
    assert names <= {g.name for g in city.grids[:2]} | {f"{community.name}本级"}


def test_a_handler_sees_his_units_rows(city, history):
    handler, unit = city.accounts["handler"], city.units["department"]
    filters = selectors.Filters.last_days(30)
    ranking = selectors.unit_ranking(handler, filters)
    assert [u.unit_id for u in ranking] == [unit.pk]
    assert ranking[0].count == sum(
        filters.start <= timezone.localdate(a.received_at) < filters.end
        for a in Appeal.objects.filter(main_unit=unit)
    )


def test_leaders_rates_match_the_scoring_module(city, history):
    from civicgrid.appeals.scoring import Period, scores

    filters = selectors.Filters.last_days(30)
    mine = selectors.rates_by(city.accounts["leader"], filters, "unit_id")
    theirs = scores("unit", Period(filters.start, filters.end))
    assert mine == theirs


@pytest.mark.parametrize("account", ["leader", "secretary", "handler"])
@pytest.mark.parametrize(
    "conditions", [{}, {"channel": "web"}, {"status": "dispatched"}, {"kind": "help"}, {"days": 7}]
)
def test_the_area_rollups_give_the_figures_of_the_full_ones(monkeypatch, city, history, account, conditions):
    conditions = dict(conditions)
    filters = selectors.Filters.last_days(conditions.pop("days", 30), **conditions)
    actor = city.accounts[account]
    node = selectors.area_node(actor, None)

    def figures():
        return (
            selectors.overview(actor, filters),
            selectors.region(actor, filters, node).areas,
            selectors.time_series(actor, filters),
        )

    from_areas = figures()
    monkeypatch.setattr(selectors, "AREA_ROLLUPS", {m: () for m in selectors.AREA_ROLLUPS})
    assert figures() == from_areas


def test_region_drills_down_to_a_grid_and_refuses_areas_outside_the_scope(client, city, history):
    client.force_login(city.accounts["secretary"])
    grid = city.grids[0]
    response = client.get(reverse("dashboards:region_area", args=[grid.pk]))
    assert response.status_code == 200
    assert [f.name for f in response.context["region"].areas] == [grid.name]
    assert client.get(reverse("dashboards:region_area", args=[city.grids[4].pk])).status_code == 404


def test_filters_narrow_the_figures_and_htmx_gets_the_body_only(client, city, history):
    client.force_login(city.accounts["leader"])
    everything = client.get(reverse("dashboards:overview")).context["overview"].total
    response = client.get(reverse("dashboards:overview"), {"channel": "hotline"}, HTTP_HX_REQUEST="true")
    assert 0 < response.context["overview"].total < everything
    assert "<html" not in response.content.decode()
    bad = client.get(reverse("dashboards:overview"), {"period": "custom", "start": "2026-02-01"})
    assert "自定义时间须填写起止日期" in bad.content.decode()


def test_the_analysis_exports_its_cross_tab_to_excel(client, city, history):
    client.force_login(city.accounts["leader"])
    response = client.get(
        reverse("dashboards:analysis_export"), {"rows": "category", "columns": "channel", "period": "30"}
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["交叉表"]
    assert sheet["A1"].value == "一级分类 \\ 渠道"
    last = list(sheet.iter_rows(values_only=True))[-1]
    assert (
        last[0] == "合计"
        and last[-1] == selectors.overview(city.accounts["leader"], selectors.Filters.last_days(30)).total
    )


def test_warnings_explain_themselves_and_can_be_acknowledged_and_assigned(client, city, history):
    leader = city.accounts["leader"]
    warnings = selectors.early_warnings(leader)
    overdue = next(w for w in warnings if w.kind == "overdue")
    assert "超过办理时限" in overdue.explanation and overdue.appeals
    client.force_login(leader)
    response = client.post(
        reverse("dashboards:acknowledge"),
        {"fingerprint": overdue.fingerprint, "unit": city.units["department"].pk, "note": "请速办"},
    )
    assert response.status_code == 302
    ack = WarningAck.objects.get(fingerprint=overdue.fingerprint)
    assert (ack.assigned_unit, ack.acknowledged_by) == (city.units["department"], leader)
    page = client.get(reverse("dashboards:warnings")).content.decode()
    assert "交办 区城市管理局" in page
    client.force_login(city.accounts["handler"])
    assert client.post(reverse("dashboards:acknowledge"), {"fingerprint": "x"}).status_code == 403


def test_appeals_on_a_communitys_own_grid_are_its_own_row_with_rates(client, city, history, flow):
    # Secretary-mailbox letters land on the community's own grid, not on one of its grids.
    community = city.communities[0]
    appeal = flow.dispatch(flow.submit(grid_index=None, title="书记信箱来信"))
    Appeal.objects.filter(pk=appeal.pk).update(grid=community)
    rebuild_rollups()
    client.force_login(city.accounts["secretary"])
    response = client.get(reverse("dashboards:region"))
    assert response.status_code == 200
    own = next(f for f in response.context["region"].areas if f.grid is None)
    assert own.name == f"{community.name}本级" and own.count == 1
    assert own.rates.response is not None  # dispatched: it counts towards the response rate


def test_the_districts_figures_count_appeals_not_yet_located(client, city, history, flow):
    filters = selectors.Filters.last_days(30)
    before = {a: selectors.overview(city.accounts[a], filters).total for a in ("leader", "secretary")}
    flow.submit(grid_index=None, title="地址不详的来电")
    leader = city.accounts["leader"]
    assert selectors.overview(leader, filters).total == before["leader"] + 1
    assert selectors.overview(city.accounts["secretary"], filters).total == before["secretary"]
    unlocated = [f for f in selectors.region(leader, filters, None).areas if f.grid is None]
    assert [(f.name, f.count) for f in unlocated] == [("未定位", 1)]
    # The district's own page (where its leader lands) counts them too, in a row that leads to them.
    client.force_login(leader)
    response = client.get(reverse("dashboards:region"))
    areas = response.context["region"].areas
    assert sum(f.count for f in areas) == before["leader"] + 1
    assert [(f.name, f.count) for f in areas if f.unlocated] == [("未定位", 1)]
    # The list it links to holds exactly what the row counts, under the page's filters too.
    flow.submit(grid_index=None, title="地址不详的建议", kind="suggestion")
    for query, count in (({}, 2), ({"kind": "complaint"}, 1), ({"kind": "suggestion"}, 1)):
        response = client.get(reverse("dashboards:region"), query)
        row = next(f for f in response.context["region"].areas if f.unlocated)
        link = response.context["unlocated_url"]
        assert f'href="{link.replace("&", "&amp;")}"' in response.content.decode()
        assert row.count == count == client.get(link).context["page"].paginator.count


def test_an_urgent_case_warning_names_the_appeal_by_its_tracking_code(city, flow):
    appeal = flow.submit(title="楼道燃气泄漏", text="楼道里燃气泄漏，味道很大，现在还在漏，请马上派人处理！")
    urgent = next(w for w in selectors.early_warnings(city.accounts["leader"]) if w.kind == "urgent")
    assert urgent.explanation.startswith(f"诉求 {appeal.tracking_code}：")


def test_a_units_page_counts_what_left_its_hands_in_the_period(client, city, flow):
    department = city.units["department"]
    services.return_appeal(flow.dispatch(flow.submit()), actor=flow.handler, reason="非本单位职责")
    moved = flow.dispatch(flow.submit(grid_index=1))
    street_office = city.units["street_office"]
    services.redispatch_appeal(moved, unit=street_office, actor=flow.dispatcher, reason="属街道")
    client.force_login(city.accounts["leader"])
    page = client.get(reverse("dashboards:unit", args=[department.pk])).content.decode()
    assert "<b>1</b><span>期间退回次数</span>" in page and "<b>1</b><span>期间被改派次数</span>" in page
    detail = selectors.unit_detail(city.accounts["leader"], selectors.Filters.last_days(), department.pk)
    assert detail.returned[0].status == "returned"
    # Another period holds none of it.
    earlier = selectors.Filters.last_days().previous()
    assert selectors.unit_detail(city.accounts["leader"], earlier, department.pk).hand_offs.returned == 0
