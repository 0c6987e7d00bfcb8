from civicgrid.insight.places import canonical_names, describe_location, numbered_names, places


def test_compounds_schools_and_roads_are_found_without_the_district_code():
    found = {
        (p.name, p.kind) for p in places("投诉A5区魅力之城小区楼下餐馆太吵，另外A市经济学院的学生也有意见")
    }
    assert ("魅力之城小区", "compound") in found
    assert ("经济学院", "school") in found


def test_generic_words_are_not_places():
    assert places("这个小区的物业公司和学校都不管") == []


def test_a_count_before_a_name_is_no_part_of_it():
    assert [p.name for p in places("K9县一个高端别墅小区违建")] == ["高端别墅小区"]


def test_spellings_of_one_place_share_a_canonical_name():
    mapping = canonical_names({"万科魅力之城小区", "魅力之城小区", "魅力之城"})
    assert set(mapping.values()) == {"魅力之城"}


def test_a_fragment_with_a_generic_core_joins_no_places():
    mapping = canonical_names({"丽发新城小区", "山水新城小区", "新城小区"})
    assert mapping == {name: name for name in mapping}


def test_location_puts_district_first_and_group_after_a_school():
    texts = ["A市经济学院安排学生寒假进厂", "反映A市经济学院要求学生去外地实训"]
    assert describe_location(texts) == "A市经济学院学生"


def test_bus_routes_and_bracketed_words_are_not_roads():
    assert places("建议优化公交线路，增加一条线路") == []
    assert [p.name for p in places("【含光路】路面破损")] == ["含光路"]


def test_location_is_the_place_most_appeals_name_and_a_compound_wins_a_tie_with_its_road():
    road_issue = [
        "A市三一大道全线快速化改造何时启动",
        "三一大道快速化改造进度，财富名园小区居民很关心",
        "三一大道改造请尽快",
        "财富名园小区旁三一大道拥堵",
    ]
    assert describe_location(road_issue) == "A市三一大道"
    compound_issue = ["A5区劳动东路魅力之城小区油烟扰民", "魅力之城小区楼下餐馆油烟，地址劳动东路"]
    assert describe_location(compound_issue) == "A5区魅力之城小区"


def test_location_keeps_the_characters_every_writer_puts_before_a_name_jieba_cut_short():
    # jieba tags 丽发 (of 丽发新城) as a verb, so each message alone yields 新城小区.
    issue = ["我是A2区丽发新城小区的一名业主", "丽发新城小区旁边建搅拌站", "A市万家丽南路丽发新城小区扰民"]
    assert describe_location(issue) == "A2区丽发新城小区"
    # Writers who disagree on what comes before (在, 万科, nothing) leave the name as found.
    mixed = ["住在魅力之城小区", "万科魅力之城小区油烟", "魅力之城小区噪音"]
    assert describe_location(mixed) == "魅力之城小区"


def test_a_numbered_name_needs_several_reporters_and_no_unit():
    titles = [
        ("U1", "A市58车贷恶性退出立案半年无进展"),
        ("U2", "严惩58车贷诈骗案保护伞"),
        ("U3", "请关注58车贷案件进展"),
        ("U1", "地铁7号线何时开通"),
        ("U1", "地铁7号线站点设置"),
        ("U1", "地铁7号线出口"),
        ("U2", "2018年度补贴未发"),
        ("U3", "2018年度补贴"),
        ("U4", "2018年度补贴何时发"),
    ]
    # 7号线: one reporter three times; 2018年度: a date
    assert numbered_names(titles) == {"58车贷"}


def test_a_numbered_name_is_a_place_but_not_inside_a_longer_number():
    assert ("58车贷", "named") in {(p.name, p.kind) for p in places("我是58车贷的受害人", {"58车贷"})}
    assert places("地铁11号线施工", {"1号线"}) == []


def test_location_of_a_numbered_name_names_its_people():
    texts = ["A市58车贷受害人请求通报案情", "A市58车贷案件立案半年，受害人无人理会"]
    assert describe_location(texts, {"58车贷"}) == "A市58车贷受害人"


def test_words_of_position_or_contact_before_a_name_are_no_part_of_it():
    found = [p.name for p in places("我家地处时代倾城小区，多次联系自来水公司无果，对面小区也停水")]
    assert found == ["时代倾城小区", "自来水公司"]


def test_a_kind_of_place_is_not_a_place_unless_asked_for():
    text = "A7县开展城镇小区配套幼儿园治理，住宅小区旁的高速公路噪音大"
    assert places(text) == []
    # A reply that takes up 高速公路 still answers the appeal: reply relevance asks for kinds of place.
    assert [p.name for p in places(text, kinds_of_place=True)] == ["城镇小区", "住宅小区", "高速公路"]
