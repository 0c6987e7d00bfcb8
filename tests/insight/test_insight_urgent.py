"""Urgent-case rules: behaviour on written examples, and precision/recall on real messages labelled by hand
(tests/insight/urgent_labels.csv holds only file, message id, label, a short reason and which reader)."""

import csv
from pathlib import Path

import pytest

from civicgrid.insight import urgent_level
from civicgrid.insight.urgent import assess, check_against_labels

LABELS = Path(__file__).with_name("urgent_labels.csv")


@pytest.mark.parametrize(
    ("title", "detail", "category"),
    [
        ("楼道里燃气泄漏", "三楼一直闻到煤气味，请马上派人", "燃气泄漏"),
        ("小区电动车棚起火", "今晚车棚着火了，烟很大", "火灾"),
        ("外墙瓷砖脱落", "今天又有外墙瓷砖掉落，差点砸伤小孩", "高空坠物"),
        ("项目拖欠农民工工资", "三十多名农民工的工资拖欠半年", "拖欠多名工人工资"),
        ("再不解决我就跳楼", "", "自伤自杀"),
        ("征地补偿", "村民们准备明天集体上访市政府", "群体性事件"),
        ("小区污水倒灌", "粪水已经漫进客厅，老人只能搬走", "水淹内涝"),
        ("讨薪", "项目部到现在为止拖欠我们8万多工资", "拖欠多名工人工资"),
        ("危房", "老房子破烂不堪，已经危及到行人的生命安全", "危及生命安全"),
        ("危房", "房屋已成危房，不能居住，随时可能倒塌", "坍塌"),
    ],
)
def test_emergencies_are_flagged_with_a_reason(title, detail, category):
    result = assess(title, detail, 2019)
    assert result.urgent
    assert category in result.categories
    assert category in result.reason


def test_a_danger_stated_plainly_is_certain_and_otherwise_the_level_model_decides():
    for title, detail in (("楼道燃气泄漏", ""), ("噪音扰民", "楼下店铺现在着火了，烟很大")):
        stated = assess(title, detail, 2019)
        assert stated.certain and stated.reason.startswith("急难险重")
    title, detail = "车库出租", "车库里住人，上周失火了"
    background = assess(title, detail, 2019)
    probability = urgent_level.load_model().probability(title, detail)
    assert background.urgent
    assert background.certain == (probability >= urgent_level.CERTAIN_PROBABILITY)
    assert background.reason.startswith("急难险重" if background.certain else "疑似急难险重")


def test_the_shipped_level_model_is_trained_on_the_current_labels(teddy_dir):
    examples = urgent_level.flagged_examples()
    assert urgent_level.load_model().metadata["flagged"] == len(examples), (
        "run civicgrid insight train-urgent"
    )


def test_the_level_picks_urgent_flags_for_readers_it_was_not_trained_on(teddy_dir):
    scores = {s.reader: s for s in urgent_level.leave_one_reader_out(urgent_level.flagged_examples())}
    # measured 0.43 / 0.91 and 0.59 / 0.72 (models/URGENT_LEVEL_CARD.md), against 0.24 and 0.31 for all flags
    for reader, min_precision, min_recall in (("2", 0.35, 0.7), ("3", 0.5, 0.6)):
        assert scores[reader].precision >= min_precision and scores[reader].recall >= min_recall


@pytest.mark.parametrize(
    ("title", "detail"),
    [
        ("消防通道被占", "一旦发生火灾后果不堪设想"),
        ("充电桩选址", "如果起火会殃及居民楼，存在触电隐患"),
        ("燃气检查", "入户检查后确认没有漏气"),
        ("房价太高", "这价格简直是跳楼价"),
        ("旧事", "2012年3月围墙倒塌，至今没有追责"),
        ("修桥", "为了减轻生产成本，农户冒险通行"),
        ("上访多年", "心中悲愤，不能砍人，不能跳楼，只能写下这些字"),
        ("征拆", "开发公司对我家暴征暴拆"),
        ("物业纠纷", "业主们多次集体上访无果"),
        ("维权", "开发商违法失信，往往引发上街游行等群体性事件"),
        ("违建", "违法违建现象已成塌方式发展"),
        ("装修", "烟道打眼后钉子锈了，漏水进屋"),
        ("消防通道", "此前小区发生火灾，消防车进不来"),
        ("讨薪", "国家一直强调不准欠农民工工资"),
        ("垃圾场选址", "人畜饮用后，轻则慢性中毒，重则中毒死亡"),
        ("车库充电", "电动车起火引起汽车爆炸将会是重特大事故"),
        ("修路纠纷", "挖得这么低，一下雨这条路肯定会塌陷"),
        ("档案丢失", "档案弄丢了，当时有人崩溃想跳楼"),
        ("心理课", "因心理问题导致学生自杀自残事件的发生"),
        ("求助", "找妇联，说只管家庭暴力方面"),
        ("购车", "销售员说有盲点显示、车外起火等功能"),
        ("危房", "虽然墙体开裂，但是没有发生电路起火"),
        ("景区", "这种害人的地陷阱怎么能出现在旅游区内"),
        ("感谢信", "疲惫不堪，脆弱到有时候随时都会倒下不起"),
        ("电梯", "发生急病等紧急情况楼都下不了，发生火灾更是不堪设想"),
    ],
)
def test_hypothetical_negated_figurative_and_old_events_are_not_urgent(title, detail):
    assert not assess(title, detail, 2019).urgent


# (precision, recall) floors under the measured figures (docs/insight.md), to catch regressions. Reader 1's
# set tuned the rules; reader 2's was used to fix them once, reader 3's only for three lexical bugs; reader
# 4's (unflagged messages with danger words: where misses hide) for the commonest misses.
FLOORS = {"1": (0.52, 0.85), "2": (0.22, 0.85), "3": (0.28, 0.95), "4": (0.5, 0.3)}


@pytest.mark.parametrize("reader", sorted(FLOORS))
def test_precision_and_recall_on_hand_labelled_messages(teddy_dir, reader):
    with LABELS.open(encoding="utf-8") as handle:
        labels = [row for row in csv.DictReader(handle) if row["reader"] == reader]
    check = check_against_labels(labels)
    min_precision, min_recall = FLOORS[reader]
    assert check.precision() >= min_precision
    assert check.recall() >= min_recall
