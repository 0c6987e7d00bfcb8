"""Urgent-case warnings (急难险重): danger to life or safety, vulnerable people, mass incidents.

A rule lexicon, not a model, decides what is flagged: every flag must come with a reason a dispatcher can
check in seconds (a small learned model only sets its level, 确定 or 疑似: urgent_level.py). A danger
term only counts where the sentence states it as happening here and now; hypothetical ("一旦发生火灾",
"存在安全隐患", "以防…"), negated ("没有漏气"), dated to an earlier year, or reported from elsewhere
("看到重庆发生火灾的报道") it does not, because appeals use those words all the time to argue for prevention
or compensation rather than to report an emergency. Threats of self-harm count even when conditional.
Precision and recall on hand-labelled real messages: docs/insight.md.
"""

import re
from dataclasses import dataclass

from .text import normalize
from .urgent_level import is_certain
from .urgent_level import load_model as load_level_model

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
        "poisoning",
        "中毒",
        re.compile(r"(食物|一氧化碳|煤气|集体|学生|工人|村民|人员)中毒|中毒.{0,4}(住院|送医|身亡|死亡)"),
    ),
)


@dataclass(frozen=True)
class UrgentAssessment:
    urgent: bool
    categories: tuple[str, ...] = ()
    reason: str = ""
    # 确定: the level model (urgent_level.py) finds it like the flags readers judged really urgent; other
    # flags (疑似) need a dispatcher's reading first.
    certain: bool = False


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


def evidence(title: str | None, detail: str | None = "", year: int | None = None) -> dict[str, str]:
    """The kinds of emergency a message reports, each with the words that show it (title first).

    `year` is the year the appeal was made; events dated in earlier years (or, without it, any dated event)
    are history rather than emergencies.
    """
    found: dict[str, str] = {}
    for text in (normalize(title), normalize(detail)):
        for sentence in _SENTENCE.split(text):
            for danger in DANGERS:
                if danger.label in found:
                    continue
                match = danger.pattern.search(sentence)
                if match and _stated_as_happening(sentence, match.start(), match.end(), danger, year):
                    found[danger.label] = sentence[max(0, match.start() - 20) : match.end() + 20].strip()
    return found


def stated_plainly(title: str | None, found: dict[str, str], year: int | None) -> bool:
    """The title itself states the danger, or the words around the evidence say it is happening right now."""
    return bool(evidence(title, "", year)) or any(_IMMEDIATE.search(words) for words in found.values())


def assess(title: str | None, detail: str | None = "", year: int | None = None) -> UrgentAssessment:
    """Whether an appeal reports an emergency, which kinds, the words that show it (in Chinese), and the
    flag's level (urgent_level.py)."""
    found = evidence(title, detail, year)
    if not found:
        return UrgentAssessment(False)
    certain = is_certain(load_level_model(), title or "", detail or "", stated_plainly(title, found, year))
    reason = "；".join(f"{label}：“{words}”" for label, words in found.items())
    return UrgentAssessment(True, tuple(found), f"{'' if certain else '疑似'}急难险重（{reason}）", certain)


@dataclass(frozen=True)
class LabelledCheck:
    """Flags against hand labels: precision and recall of all flags and of certain ones."""

    labelled: int
    urgent: int
    outcomes: dict[str, dict[str, int]]  # tier -> {"tp", "fp", "fn", "tn"}

    def precision(self, tier: str = "all") -> float:
        outcome = self.outcomes[tier]
        return outcome["tp"] / max(1, outcome["tp"] + outcome["fp"])

    def recall(self, tier: str = "all") -> float:
        return self.outcomes[tier]["tp"] / max(1, self.urgent)


def check_against_labels(labels: list[dict[str, str]]) -> LabelledCheck:
    """Rows of tests/insight/urgent_labels.csv (file, message_id, urgent) scored against the messages in the
    shared data (settings.SHARED_DATA_DIR)."""
    from .dataset import messages_by_id

    files = {name: messages_by_id(name) for name in {label["file"] for label in labels}}
    outcomes = {tier: {"tp": 0, "fp": 0, "fn": 0, "tn": 0} for tier in ("all", "certain")}
    for label in labels:
        message = files[label["file"]][label["message_id"]]
        posted = message.get("留言时间", "")
        result = assess(message.get("留言主题", ""), message["留言详情"], int(posted[:4]) if posted else None)
        gold = label["urgent"] == "1"
        for tier, hit in (("all", result.urgent), ("certain", result.certain)):
            outcomes[tier][("t" if hit == gold else "f") + ("p" if hit else "n")] += 1
    return LabelledCheck(len(labels), sum(label["urgent"] == "1" for label in labels), outcomes)
