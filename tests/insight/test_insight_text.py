import jieba
import pytest

from civicgrid.insight.text import message_text, normalize, segment, tokens


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\n\t\t\t\u3000\u3000书记您好\xa0！\n\n", "书记您好 !"),
        ("ＡＢＣ１２３，小区", "ABC123,小区"),
        ("<p>路灯&nbsp;不亮&amp;积水</p><br/>", "路灯 不亮&积水"),
        (None, ""),
        ("   ", ""),
    ],
)
def test_normalize_folds_widths_html_and_whitespace(raw, expected):
    assert normalize(raw) == expected


def test_message_text_joins_title_and_detail():
    assert message_text(" 小区停水 ", "\u3000已经三天") == "小区停水 已经三天"
    assert message_text("", "只有详情") == "只有详情"


def test_tokens_drop_punctuation_numbers_and_stop_words():
    words = tokens(normalize("我们小区2019年3月起一直停水，请领导尽快解决！！"))
    assert "停水" in words and "解决" in words
    assert not {"我们", "，", "2019", "年", "！"} & set(words)


def test_segmentation_matches_jieba_on_plain_sentences():
    sentence = "小区临街餐饮店深夜经营导致噪音和油烟扰民"
    assert segment(sentence) == jieba.lcut(sentence)
