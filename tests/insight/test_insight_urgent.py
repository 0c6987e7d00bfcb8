"""Urgent cases: the rules on written examples, and the shipped model on real messages labelled by hand
(tests/insight/urgent_labels.csv holds only file, message id, label, a short reason, reader and sample)."""

import csv
from pathlib import Path

import pytest

from civicgrid.insight import urgent_model
from civicgrid.insight.urgent import assess, check_rules_against_labels, evidence, read_rules

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
    assert category in evidence(title, detail, 2019)
    result = assess(title, detail, 2019)
    assert result.urgent
    assert category in result.categories
    assert category in result.reason


def test_a_danger_stated_plainly_is_certain_and_otherwise_the_model_decides():
    for title, detail in (("楼道燃气泄漏", ""), ("噪音扰民", "楼下店铺现在着火了，烟很大")):
        stated = assess(title, detail, 2019)
        assert stated.certain and stated.reason.startswith("急难险重")
    title, detail = "车库出租", "车库里住人，上周失火了"
    background = assess(title, detail, 2019)
    reading = read_rules(title, detail, 2019)
    probability = urgent_model.load_model().probability(title, detail, reading)
    assert reading.found and not reading.plainly
    assert (background.urgent, background.certain) == urgent_model.decide(probability, True, False)


def test_the_model_flags_what_the_rules_have_no_word_for_and_quotes_its_sentence():
    water = assess(
        "全县停水", "县城已经整整三天没有自来水了，几万户居民做饭喝水都成问题，老人孩子没水喝。", 2019
    )
    assert water.urgent and not water.categories and "模型判断" in water.reason


def test_the_shipped_model_is_trained_on_the_current_labels(teddy_dir):
    examples = [e for e in urgent_model.labelled_messages() if e.sample != urgent_model.CHECK_SAMPLE]
    assert urgent_model.load_model().metadata["messages"] == len(examples), (
        "run civicgrid insight train-urgent"
    )


def test_on_messages_it_never_saw_most_flags_and_certain_flags_are_urgent(teddy_dir):
    checked = urgent_model.check(urgent_model.load_model(), urgent_model.labelled_messages())
    # measured 0.54 of 163 flags and 0.75 of 80 certain ones (models/URGENT_CARD.md); the rules alone flagged
    # about half as many urgent messages at precision 0.50 (docs/insight.md)
    assert checked.flagged >= 150 and checked.precision >= 0.45
    assert checked.certain_precision >= 0.65


def test_the_inflow_estimate_weights_random_samples_and_leaves_the_quiet_sample_out():
    def message(n: int, sample: str, urgent: bool) -> urgent_model.LabelledMessage:
        return urgent_model.LabelledMessage(f"f|{n}", "", "", None, urgent, ("1",), sample)

    plain = [message(n, "plain", urgent=n == 0) for n in range(10)]
    chosen = [message(10, "chosen", urgent=True)]
    quiet = [message(11 + n, urgent_model.QUIET_SAMPLE, urgent=True) for n in range(5)]
    examples = plain + chosen + quiet
    estimate = urgent_model.inflow_estimate(examples, [e.urgent for e in examples])
    population = urgent_model.SAMPLE_POPULATION["plain"]
    # each plain message stands for a tenth of its pool, a chosen one for itself, a quiet one for nothing
    assert estimate.messages == pytest.approx(population + 1)
    assert estimate.urgent == estimate.right == pytest.approx(population / 10 + 1)


NOT_EVENTS = [
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
]


@pytest.mark.parametrize(("title", "detail"), NOT_EVENTS)
def test_the_rules_see_no_event_in_hypothetical_negated_figurative_and_old_mentions(title, detail):
    assert not read_rules(title, detail, 2019).found


def test_the_model_rarely_overrules_the_rules_on_such_mentions():
    # One of the 25 (a short "国家一直强调不准欠农民工工资", wage words without an event) is flagged 疑似 or
    # certain by the model: short texts are rare in what it learnt from.
    flagged = [pair for pair in NOT_EVENTS if assess(*pair, 2019).urgent]
    assert len(flagged) <= 1


# The rules' own (precision, recall) floors on the readers whose sets tuned or first measured them
# (docs/insight.md): they now feed the model, and a regression in them shows here first. Reader 1's set
# tuned the rules; reader 2's fixed them once, reader 3's only for three lexical bugs; reader 4's (unflagged
# messages with danger words: where misses hide) for the commonest misses.
FLOORS = {"1": (0.52, 0.85), "2": (0.22, 0.85), "3": (0.28, 0.95), "4": (0.5, 0.3)}


@pytest.mark.parametrize("reader", sorted(FLOORS))
def test_rules_precision_and_recall_on_hand_labelled_messages(teddy_dir, reader):
    with LABELS.open(encoding="utf-8") as handle:
        labels = [row for row in csv.DictReader(handle) if row["reader"] == reader]
    check = check_rules_against_labels(labels)
    min_precision, min_recall = FLOORS[reader]
    assert check.precision >= min_precision
    assert check.recall >= min_recall
