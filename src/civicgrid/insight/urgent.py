"""Urgent-case warnings (急难险重): danger to life or safety, vulnerable people, mass incidents.

Two layers. A rule lexicon finds the words that show a danger, so a flag can quote a reason a dispatcher
checks in seconds; a model learned from blind readers' labels (urgent_model.py) then decides, with what the
rules saw, whether the message is flagged and whether the flag is 确定 or 疑似, and finds urgent messages the
rules have no word for (their reason quotes the sentence the model reads as most urgent). A danger
term only counts where the sentence states it as happening here and now; hypothetical ("一旦发生火灾",
"存在安全隐患", "以防…"), negated ("没有漏气"), dated to an earlier year, or reported from elsewhere
("看到重庆发生火灾的报道") it does not, because appeals use those words all the time to argue for prevention
or compensation rather than to report an emergency. Threats of self-harm count even when conditional.
Precision and recall on hand-labelled real messages: docs/insight.md.
"""

import re
from dataclasses import dataclass

from .text import normalize
from .urgent_model import decide
from .urgent_model import load_model as load_urgent_model

_SENTENCE = re.compile(r"[。！？；.!?;\n]")
# Words shortly before the danger term (same sentence) that make it a possibility, an old story or someone
# else's event rather than an emergency here and now.
_HYPOTHETICAL = re.compile(
    r"万一|一旦|一但|如果|如若|假如|若是|倘若|若|要是|如有|如(?=\d|发生|遇)|可能|容易|极易|易引发|易发生|就会|以免|以防|防止|预防|避免|"
    r"隐患|担心|不要|必要时|不幸|势必|甚至|轻则|重则|面临|"
    r"恐怕|难免|将会|会不会|是否|不排除|难道|非得等|等到|害怕|提心吊胆|风险|演练|培训|宣传|检查|排查|安全知识|"
    r"应急|下雨就|下大雨就|怕"
)
# Words shortly before the term that make it an old story or someone else's event: these hold for threats of
# self-harm too.
_PAST_OR_ELSEWHERE = re.compile(
    r"曾|以前|当年|当时|多年前|早已|长达|赔偿|补偿|理赔|之前|此前|上次|去年|前年|过去|接二连三|"
    # reports of events elsewhere, cited to argue for prevention
    r"报道|新闻|看到|联想到|又一个|全国|各地"
)
_NEGATION = re.compile(
    r"(没有|没|未|无|不|并未|不会|不能|不敢|不至于|杜绝|不准|不得|严禁|禁止)((发生|出现)过?.{0,2})?$"
)
# A modal right before the term: "肯定会塌陷", "可能倒塌" are risks, not events. Imminent ones
# ("随时可能倒塌", "快要倒塌": a 危房 people live in) are emergencies.
_MODAL = re.compile(r"(?<!随时)(会|可能|将要)$")
_YEAR = re.compile(r"((?:19|20)\d{2})年")
# Words around the evidence that say it is happening right now ("现在着火了", "正在漏气").
_IMMEDIATE = re.compile(r"正在|现在|今天|今晚|今早|刚才|刚刚|马上")
# Words right after the danger term that turn it into a risk, a condition or an old story.
_RISK_AFTER = re.compile(r"^.{0,8}?(隐患|风险|危险|可能|不堪设想|时|多年|将会|案例|现象)")


@dataclass(frozen=True)
class Danger:
    code: str
    label: str
    pattern: re.Pattern
    conditional_counts: bool = False  # True: a threat is already an emergency (self-harm)


DANGERS = (
    Danger(
        "gas",
        "燃气泄漏",
        re.compile(r"(燃气|煤气|天然气|液化气)(管道)?(泄漏|泄露|外泄|漏气)|闻到.{0,4}(燃气|煤气)味|漏气"),
    ),
    Danger(
        "fire",
        "火灾",
        re.compile(
            r"(着火(?!车)|起火|失火|发生火灾|突发大火|火情|烧起来|(发生|突发|引起|导致)了?爆炸|爆炸事故)(?!等)"
        ),
    ),
    Danger(
        "falling",
        "高空坠物",
        re.compile(
            # Falling facade tiles count only next to people at risk: as one item in a list of building
            # defects they are a quality complaint, not an emergency.
            r"高空(坠物|抛物)|砸(伤|死)|砸中(人|车)|(外墙|墙皮|瓷砖|玻璃|广告牌|招牌|树枝|窗户).{0,4}(脱落|掉落|坠落|掉下)"
            r"(?=.{0,20}(砸|伤|行人|路人|险些|差点|过往|危及))"
        ),
    ),
    Danger(
        "electric",
        "触电",
        re.compile(r"触电|电死|漏电|(电线|电缆|高压线).{0,6}(裸露|掉落|垂落|断落|拖地|破损)"),
    ),
    Danger(
        "self_harm",
        "自伤自杀",
        re.compile(
            r"((?<!慢性)(?<!引起)(?<!导致)自杀|(?<!减)轻生|跳楼(?!价)|跳河|喝农药|割腕|不想活|活不下去|以死相逼|寻死)"
            r"(?!.{0,3}(等|现象|的人|事件|也有))"
        ),
        conditional_counts=True,
    ),
    Danger(
        "wage_arrears",
        "拖欠多名工人工资",
        re.compile(
            r"(拖欠|欠|克扣|未发|没发|不发).{0,12}(农民工?|(\d{2,}|几十|数十|上百|数百|多)(名|位|个)?(工人|员工|职工|工友)|"
            r"全体(员工|职工|工人)).{0,6}(工资|薪|血汗钱)|"
            r"(农民工|工人们|员工们|职工们).{0,12}(工资|薪水|血汗钱).{0,8}(拖欠|被欠|未发|没发|讨不到|拿不到)|"
            # "we" the workers: 拖欠我们8万多工资, 我们两个多月工资没发
            r"(拖欠|克扣)我们.{0,10}(工资|血汗钱)|我们.{0,10}(工资|血汗钱).{0,4}(没发|未发|没有发|被拖欠)"
        ),
    ),
    Danger(
        "vulnerable",
        "独居老人或弱势群体处境危险",
        re.compile(
            r"(独居|孤寡|空巢|孤身|瘫痪|失能|高龄)(老人|老年人)?.{0,15}(无人照|没人管|无人管|生病|病重|摔|饿|断水|断电|"
            r"冻|生活不能自理|无法自理|去世)|(老人|儿童|小孩|孩子|孕妇|残疾人|精神病人?).{0,6}(走失|失踪|被困|被打|受伤|"
            r"无人照顾|流落街头)|留守儿童.{0,10}(无人|危险)"
        ),
    ),
    Danger(
        "mass_incident",
        "群体性事件",
        re.compile(
            r"(?<!的)(?<!等)群体性事件|(欲|要|会|准备|将要|即将|正在|打算|扬言|组织|计划|经常|常常)(去|发生)?.{0,10}集体上访|"
            r"我们(将|要|会|准备|就)(直接|集体|一起)?(越级)?上访|围堵(政府|大门|办公|工地)|聚集.{0,6}(维权|讨薪|上访)|打砸|械斗|大规模聚集"
        ),
    ),
    Danger(
        "collapse",
        "坍塌",
        re.compile(
            r"坍塌|(?<!道德)塌陷|(?<!早已)倒塌|垮塌|塌方(?!式)|地陷(?!阱)|(房屋|楼房|楼栋|挡土墙).{0,6}倾斜|"
            r"随时.{0,4}(倒塌|塌|垮)"
        ),
    ),
    Danger(
        "flood",
        "水淹内涝",
        re.compile(
            r"内涝|被淹|淹水|水淹(?!死)|决堤|溃坝|溃堤|山洪|泥石流|(积水|洪水|雨水|污水|粪水|河水).{0,6}(进屋|漫进|淹到|齐腰|没过(膝|腰|脚|小腿|车))"
        ),
    ),
    Danger(
        "violence",
        "人身伤害威胁",
        # Group violence or threats to kill: a single past assault is a police matter, not an emergency.
        re.compile(
            r"(纠集|伙同|雇佣|雇凶|带领|召集|叫了|指使|授意).{0,20}(殴打|打伤|打人|砍伤|砍人)|聚众殴打|群殴|持刀|砍刀|"
            r"打砸抢|家暴(?!征)|家庭暴力(?!方面|问题)|扬言.{0,6}(杀|砍|弄死)"
        ),
    ),
    Danger(
        "life_threat",
        "危及生命安全",
        # Stated as already happening: "已经危及到行人的生命安全", "生命安全受到威胁". Risks
        # ("存在…隐患，危及…") are filtered like any other term.
        re.compile(r"(已经?|正在|严重)危及.{0,8}生命|生命安全(已经?|正)?受到(严重)?威胁"),
    ),
    Danger(
        "lift",
        "电梯坠落",
        # A lift in use that drops or overshoots floors (readers judged 9 of the 11 they met urgent); a lift
        # that breaks down or traps people is a service complaint.
        re.compile(
            r"电梯.{0,12}(下坠|坠落|急坠|溜梯|冲顶|蹲底|失控|下滑|掉了?.{0,3}层|往下掉|直接掉)|溜梯|冲顶|蹲底"
        ),
    ),
    Danger(
        "poisoning",
        "中毒",
        re.compile(r"(食物|一氧化碳|煤气|集体|学生|工人|村民|人员)中毒|中毒.{0,4}(住院|送医|身亡|死亡)"),
    ),
)


@dataclass(frozen=True)
class UrgentAssessment:
    urgent: bool
    categories: tuple[str, ...] = ()  # the rules' dangers; empty when the model alone flags the message
    reason: str = ""
    # 确定: stated plainly, or the model is sure (urgent_model.py); 疑似 flags need a dispatcher's reading.
    certain: bool = False
    probability: float = 0.0  # the model's


def _stated_as_happening(sentence: str, start: int, end: int, danger: Danger, year: int | None) -> bool:
    before = sentence[max(0, start - 20) : start]
    if _NEGATION.search(before[-6:]) or _PAST_OR_ELSEWHERE.search(before):
        return False
    if any(
        year is None or int(mentioned) < year
        for mentioned in _YEAR.findall(sentence[max(0, start - 30) : start])
    ):
        return False  # an event dated in an earlier year is history, whatever it was
    if danger.conditional_counts:
        return True
    return (
        not _HYPOTHETICAL.search(before)
        and not _MODAL.search(before)
        and not _RISK_AFTER.search(sentence[end:])
    )


def _scan(title: str | None, detail: str | None, year: int | None) -> tuple[dict[str, str], set[str]]:
    """(danger label -> words that show it as happening, labels of dangers only mentioned)."""
    found: dict[str, str] = {}
    mentioned: set[str] = set()
    for text in (normalize(title), normalize(detail)):
        for sentence in _SENTENCE.split(text):
            for danger in DANGERS:
                if danger.label in found:
                    continue
                match = danger.pattern.search(sentence)
                if match and _stated_as_happening(sentence, match.start(), match.end(), danger, year):
                    found[danger.label] = sentence[max(0, match.start() - 20) : match.end() + 20].strip()
                elif match:
                    mentioned.add(danger.label)
    return found, mentioned - set(found)


def evidence(title: str | None, detail: str | None = "", year: int | None = None) -> dict[str, str]:
    """The kinds of emergency a message reports, each with the words that show it (title first).

    `year` is the year the appeal was made; events dated in earlier years (or, without it, any dated event)
    are history rather than emergencies.
    """
    return _scan(title, detail, year)[0]


@dataclass(frozen=True)
class RuleReading:
    """What the rules see in a message, for the model: the dangers stated as happening (label -> words), those
    only mentioned (hypothetical, negated, dated, elsewhere), and whether one is stated plainly."""

    found: dict[str, str]
    dismissed: frozenset[str]
    plainly: bool


def read_rules(title: str | None, detail: str | None = "", year: int | None = None) -> RuleReading:
    found, mentioned = _scan(title, detail, year)
    return RuleReading(found, frozenset(mentioned), bool(found) and stated_plainly(title, found, year))


def stated_plainly(title: str | None, found: dict[str, str], year: int | None) -> bool:
    """The title itself states the danger, or the words around the evidence say it is happening right now."""
    return bool(evidence(title, "", year)) or any(_IMMEDIATE.search(words) for words in found.values())


def assess(title: str | None, detail: str | None = "", year: int | None = None) -> UrgentAssessment:
    """Whether an appeal reports an emergency, which kinds, the words that show it (in Chinese), and the
    flag's level."""
    return assess_many([(title, detail, year)])[0]


def assess_many(messages: list[tuple[str | None, str | None, int | None]]) -> list[UrgentAssessment]:
    """assess for (title, detail, year) triples, with the model run once over all of them (batch files)."""
    if not messages:
        return []
    texts = [(title or "", detail or "") for title, detail, _ in messages]
    readings = [
        read_rules(title, detail, year) for (title, detail), (_, _, year) in zip(texts, messages, strict=True)
    ]
    model = load_urgent_model()
    probabilities = model.probabilities(texts, readings)
    return [
        _assessment(model, title, detail, reading, float(probability))
        for (title, detail), reading, probability in zip(texts, readings, probabilities, strict=True)
    ]


def _assessment(model, title: str, detail: str, reading: RuleReading, probability: float) -> UrgentAssessment:
    flagged, certain = decide(probability, bool(reading.found), reading.plainly)
    if not flagged:
        return UrgentAssessment(False, probability=round(probability, 3))
    if reading.found:
        words = "；".join(f"{label}：“{quoted}”" for label, quoted in reading.found.items())
    else:
        words = f"模型判断：“{model.strongest_words(title, detail)}”"
    level = "" if certain else "疑似"
    return UrgentAssessment(
        True, tuple(reading.found), f"{level}急难险重（{words}）", certain, round(probability, 3)
    )


@dataclass(frozen=True)
class RulesCheck:
    """The rules' evidence alone against hand labels. The model's figures are cross-validated instead
    (urgent_model.cross_validate): it is trained on these labels."""

    labelled: int
    urgent: int
    flagged: int
    right: int

    @property
    def precision(self) -> float:
        return self.right / max(1, self.flagged)

    @property
    def recall(self) -> float:
        return self.right / max(1, self.urgent)


def check_rules_against_labels(labels: list[dict[str, str]]) -> RulesCheck:
    """Rows of tests/insight/urgent_labels.csv (file, message_id, urgent) scored against the messages in the
    shared data (settings.SHARED_DATA_DIR)."""
    from .dataset import messages_by_id

    files = {name: messages_by_id(name) for name in {label["file"] for label in labels}}
    flagged = right = 0
    for label in labels:
        message = files[label["file"]][label["message_id"]]
        posted = message.get("留言时间", "")
        if evidence(message.get("留言主题", ""), message["留言详情"], int(posted[:4]) if posted else None):
            flagged += 1
            right += label["urgent"] == "1"
    return RulesCheck(len(labels), sum(label["urgent"] == "1" for label in labels), flagged, right)
