from datetime import datetime

import pytest

from civicgrid.insight import hot_issues as hot_issues_module
from civicgrid.insight.embedding import TfidfEmbedder, char_bigrams
from civicgrid.insight.hot_issues import (
    DETAIL_COLUMNS,
    SUMMARY_COLUMNS,
    Message,
    _similarity_text,
    detail_rows,
    heat_index,
    hot_issues,
    parse_time,
    similarity_matrix,
    summary_rows,
)
from civicgrid.tables import read_table

FACTORS = {"reporters": 3, "appeals": 4, "likes": 2, "dislikes": 0, "recent_share": 0.0, "span_days": 10}


def load(path) -> list[Message]:
    return [
        Message(
            row["留言编号"],
            row["留言用户"],
            row["留言主题"],
            row["留言详情"],
            parse_time(row["留言时间"]),
            int(row["点赞数"]),
            int(row["反对数"]),
        )
        for row in read_table(path)
    ]


def test_the_two_real_issues_of_the_sample_are_whole_issues_in_the_top_five(teddy_dir):
    issues = hot_issues(load(teddy_dir / "sample_附件3_30.csv"), top=5)
    found = [{m.message_id for m in issue.messages} for issue in issues]
    assert {str(n) for n in range(360100, 360110)} in found
    assert {str(n) for n in range(360110, 360115)} in found
    school = next(issue for issue in issues if "360110" in {m.message_id for m in issue.messages})
    assert "经济学院" in school.location
    assert school.time_range == "2017/06/08 至 2019/11/22"


@pytest.fixture(scope="module")
def full_file_top_five(teddy_dir):
    return hot_issues(load(teddy_dir / "messages_附件3_full_4326.csv"), top=5)


def test_the_58_car_loan_fraud_is_one_issue_in_the_top_five_of_the_full_file(full_file_top_five):
    """Its messages name no place and share few words besides the platform's name."""
    fraud = [issue for issue in full_file_top_five if "58车贷" in issue.location]
    assert len(fraud) == 1
    titles = [m.title for m in fraud[0].messages]
    assert len(titles) >= 12 and all("58车" in t or "展星" in t for t in titles)


def test_one_compound_with_two_problems_makes_two_issues(full_file_top_five):
    """魅力之城's shop fumes and noise are the hot issue; its cracked floors are another."""
    shops = next(issue for issue in full_file_top_five if "魅力之城" in issue.location)
    titles = [m.title for m in shops.messages]
    assert sum("油烟" in t or "噪音" in t or "夜宵" in t for t in titles) >= 15
    assert not any("开裂" in t or "入学" in t for t in titles)


def test_tables_have_the_problem_statement_columns(teddy_dir):
    issues = hot_issues(load(teddy_dir / "sample_附件3_30.csv"), top=2)
    summary, details = summary_rows(issues), detail_rows(issues)
    assert [list(row) for row in summary] == [list(SUMMARY_COLUMNS)] * 2
    assert [row["热度排名"] for row in summary] == [1, 2]
    assert list(details[0]) == list(DETAIL_COLUMNS)
    assert len(details) == sum(len(issue.messages) for issue in issues)


def test_heat_grows_with_reporters_likes_and_recency():
    assert heat_index({**FACTORS, "reporters": 6}) > heat_index(FACTORS)
    assert heat_index({**FACTORS, "likes": 50}) > heat_index(FACTORS)
    assert heat_index({**FACTORS, "recent_share": 1.0}) > heat_index(FACTORS)
    assert heat_index({**FACTORS, "span_days": 400}) < heat_index(FACTORS)


def test_single_reporter_is_not_a_hot_issue():
    posts = [Message(str(n), "U1", "小区停水", "小区停水三天", datetime(2019, 5, n + 1)) for n in range(3)]
    assert hot_issues(posts) == []


def _place_bonus(first: str, second: str, monkeypatch, named=frozenset()) -> bool:
    """Whether two messages get the shared-place share of their similarity (a third message keeps the
    period's IDF from being degenerate)."""
    posts = [
        Message(str(n), f"U{n}", text[:12], text, datetime(2019, 5, 1 + n))
        for n, text in enumerate([first, second, "市民反映公交站台破损，请尽快维修。"])
    ]
    embedder = TfidfEmbedder.fit([_similarity_text(p) for p in posts], 1, char_bigrams)
    with_places = similarity_matrix(posts, embedder, named)[0, 1]
    with monkeypatch.context() as patch:
        patch.setattr(hot_issues_module, "PLACE_WEIGHT", 0.0)
        return with_places - similarity_matrix(posts, embedder, named)[0, 1] > 0.2


def test_a_company_or_road_shared_by_different_compounds_does_not_join_them(monkeypatch):
    cut = "被自来水公司停水两个月，居民无水可用，请督促尽快恢复供水"
    assert not _place_bonus(f"融城园小区{cut}", f"北湾景园小区{cut}", monkeypatch)
    assert not _place_bonus(f"融城园小区{cut}", f"{cut}，自来水公司乱收费", monkeypatch)
    assert _place_bonus(f"融城园小区{cut}", "融城园小区居民又被停水，至今无水可用", monkeypatch)


def test_a_numbered_name_joins_appeals_from_different_compounds(monkeypatch):
    first = "深业睿城小区旁的3号线站点没有出入口，居民出行不便"
    second = "华润置地小区门口3号线站点出入口何时开通，居民出行不便"
    assert _place_bonus(first, second, monkeypatch, frozenset({"3号线"}))
