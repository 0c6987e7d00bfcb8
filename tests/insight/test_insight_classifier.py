"""The shipped category model: loads once, predicts calibrated confidences, respects the threshold setting.
Accuracy is measured by `civicgrid insight evaluate` (grouped cross-validation), not here: the shipped
model has seen every labelled text."""

import random

import pytest

from civicgrid.insight import classifier
from civicgrid.insight.dataset import LabelledText
from civicgrid.insight.model_card import report

# Written for these tests, not taken from the data set.
APPEALS = [
    ("请求解决小区物业违规收取停车费", "物业公司未经业主同意占用公共绿地划车位收费", "城乡建设"),
    (
        "咨询失业保险金领取条件",
        "我在公司工作三年后被辞退，请问能否领取失业保险金，需要什么材料",
        "劳动和社会保障",
    ),
    ("学校违规补课收费", "某中学暑假组织学生有偿补课，每人收费两千元", "教育文体"),
    ("化工厂夜间偷排废气", "工业园化工厂每天晚上排放刺鼻气体，河里的鱼都死了", "环境保护"),
]


def test_model_is_small_and_loads_once():
    assert classifier.MODEL_PATH.stat().st_size < 15_000_000
    assert classifier.load_model() is classifier.load_model()
    assert len(classifier.load_model().categories) == 7


def test_predictions_carry_calibrated_confidence():
    predictions = classifier.load_model().predict([a[0] for a in APPEALS], [a[1] for a in APPEALS])
    assert [p.category for p in predictions] == [a[2] for a in APPEALS]
    assert all(0 < p.confidence <= 1 for p in predictions)
    assert classifier.classify(APPEALS[0][0], APPEALS[0][1]) == predictions[0]


def test_threshold_comes_from_settings(settings):
    prediction = classifier.Prediction("城乡建设", 0.7)
    settings.CIVICGRID_CLASSIFIER_MIN_CONFIDENCE = 0.8
    assert prediction.dispatcher_decides
    settings.CIVICGRID_CLASSIFIER_MIN_CONFIDENCE = 0.5
    assert not prediction.dispatcher_decides


def test_title_only_and_detail_only_inputs_work():
    assert classifier.classify("咨询医保异地报销").category == "劳动和社会保障"
    assert classifier.classify("", "出租车司机拒载，还绕路多收费").category == "交通运输"


def test_smoke_training_on_a_tiny_sample():
    examples = [LabelledText(title, detail, category, "test") for title, detail, category in APPEALS] * 6
    model = classifier.fit(examples)
    assert model.predict([APPEALS[2][0]], [APPEALS[2][1]])[0].category == "教育文体"


def _random_text(seed: int, length: int) -> str:
    rng = random.Random(seed)
    return "".join(chr(0x4E00 + rng.randrange(3000)) for _ in range(length))


def _split_fixture():
    """Ten complete records per category; record 0 of each has its title and detail copied into the
    title-only and detail-only examples (the detail re-spaced), and another person's repeat of it."""
    examples = []
    for c, category in enumerate(("城乡建设", "教育文体")):
        for n in range(10):
            examples.append(
                LabelledText(
                    _random_text(100 * c + n, 12), _random_text(1000 + 100 * c + n, 60), category, "t"
                )
            )
    own_title = LabelledText(examples[0].title, "", "城乡建设", "titles")
    own_detail = LabelledText(
        "", " ".join(examples[0].detail[i : i + 10] for i in range(0, 60, 10)), "城乡建设", "d"
    )
    repeat = LabelledText("", examples[0].detail[:48] + _random_text(7, 12), "城乡建设", "d")
    return [*examples, own_title, own_detail, repeat]


@pytest.mark.parametrize("split", sorted(classifier.SPLITS))
def test_each_split_tests_every_complete_record_once_and_keeps_copies_as_it_says(split):
    examples = _split_fixture()
    own_title, own_detail, repeat = len(examples) - 3, len(examples) - 2, len(examples) - 1
    tested = []
    for train, test in classifier.SPLITS[split](examples):
        tested += test.tolist()
        assert not set(train) & set(test)
        if 0 in test:
            kept = set(train.tolist())
    assert sorted(tested) == list(range(20))
    expected = {
        "grouped": set(),  # every near-copy of the test record leaves training
        "held-back": {repeat},  # its own copies leave; another person's repeat stays
        "ungrouped": {own_title, own_detail, repeat},
    }[split]
    assert kept & {own_title, own_detail, repeat} == expected


def test_the_report_names_its_split():
    evaluation = classifier.Evaluation(
        ["城乡建设", "教育文体"],
        ["城乡建设", "教育文体"],
        ["城乡建设", "城乡建设"],
        [0.9, 0.55],
        ["城乡建设"] * 2,
        5,
        "held-back",
    )
    text = report(evaluation)
    assert "划分：模拟新留言" in text
    assert "macro-F1  本模型 0.3333" in text
