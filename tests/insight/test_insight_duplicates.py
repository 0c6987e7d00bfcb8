from datetime import datetime, timedelta

import pytest

from civicgrid.insight.duplicates import AppealRecord, DuplicateIndex
from civicgrid.insight.embedding import TfidfEmbedder

T0 = datetime(2026, 5, 1, 9, 0)
CORPUS = [
    "小区楼下烧烤店油烟扰民",
    "烧烤店深夜油烟噪音扰民",
    "路灯不亮晚上出行不便",
    "小区电梯经常故障困人",
    "学校强制学生实习",
    "公交线路太少出行不便",
    "垃圾清运不及时臭味严重",
]


@pytest.fixture
def index() -> DuplicateIndex:
    index = DuplicateIndex(TfidfEmbedder.fit(CORPUS, min_df=1), window=timedelta(days=30), threshold=0.3)
    index.add_many(
        [
            AppealRecord("a1", "小区楼下烧烤店油烟扰民", "G1", T0, "C1"),
            AppealRecord("a2", "路灯不亮晚上出行不便", "G1", T0, "C1"),
            AppealRecord("a3", "小区楼下烧烤店油烟扰民", "G2", T0, "C9"),
            AppealRecord("a4", "烧烤店油烟扰民", "G1", T0 - timedelta(days=90), "C1"),
        ]
    )
    return index


def test_finds_same_problem_in_same_grid_within_window(index):
    matches = index.find(AppealRecord("new", "楼下烧烤店深夜油烟扰民", "G1", T0 + timedelta(days=2), "C1"))
    assert [m.appeal_id for m in matches] == ["a1"]
    assert matches[0].same_compound and 0 < matches[0].text_similarity <= matches[0].score <= 1


def test_other_compound_in_grid_scores_lower_than_same_compound(index):
    same = index.find(AppealRecord("n1", "楼下烧烤店油烟", "G1", T0, "C1"))[0]
    other = index.find(AppealRecord("n2", "楼下烧烤店油烟", "G1", T0, "C2"))[0]
    assert same.score > other.score and not other.same_compound


def test_remove_and_unknown_grid(index):
    index.remove("a1")
    index.remove("never-added")
    assert index.find(AppealRecord("n", "小区楼下烧烤店油烟扰民", "G1", T0, "C1")) == []
    assert index.find(AppealRecord("n", "小区楼下烧烤店油烟扰民", "G404", T0)) == []
    assert len(index) == 3


def test_re_adding_an_id_replaces_it(index):
    index.add(AppealRecord("a2", "学校强制学生实习", "G1", T0))
    assert len(index) == 4
    assert index.find(AppealRecord("n", "路灯不亮晚上出行不便", "G1", T0)) == []
