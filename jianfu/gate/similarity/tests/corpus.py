"""Deterministic, realistic-looking notices for the similarity tests.

Every notice wears the same stock opening and closing (各镇（街道）…现将有关事项
通知如下…请认真贯彻落实…特此通知, contact line, date), and its body is built
from sentence templates shared by all topics, filled with topic words. So
unrelated notices look alike the way real ones do, and only the topic differs.
"""

import random

TOPICS = {
    "安全生产": ["危险化学品", "建筑施工", "有限空间作业", "特种设备", "烟花爆竹", "粉尘涉爆企业"],
    "防汛抗旱": ["水库塘坝", "山洪灾害", "地质灾害隐患点", "低洼易涝区", "堤防险段", "排涝泵站"],
    "森林防火": ["林区野外用火", "祭祀用火", "护林员巡山", "防火隔离带", "瞭望监测", "扑火物资"],
    "垃圾分类": ["厨余垃圾", "可回收物", "分类投放点", "清运车辆", "督导员", "积分兑换"],
    "食品安全": ["校园食堂", "农村集体聚餐", "小作坊", "冷链食品", "农药残留", "餐饮油烟"],
    "燃气安全": ["瓶装液化气", "餐饮场所燃气", "燃气管道", "报警装置", "老旧软管", "违规充装"],
    "医保参保": ["城乡居民医保", "参保缴费", "困难群众资助", "异地就医备案", "门诊慢特病", "医保电子凭证"],
    "人居环境": ["农村厕所改造", "生活污水治理", "村庄清洁行动", "乱堆乱放", "庭院整治", "绿化美化"],
    "消防安全": ["高层建筑", "电动自行车充电", "九小场所", "消防通道", "微型消防站", "电气线路"],
    "征兵工作": ["兵役登记", "应征青年", "体格检查", "政治考核", "大学生士兵", "优待金发放"],
    "禁毒宣传": ["吸毒人员", "易制毒化学品", "毒品原植物", "社区戒毒", "禁毒志愿者", "校园禁毒"],
    "秸秆禁烧": ["秸秆综合利用", "田间焚烧", "还田机械", "网格巡查", "收储点", "卫星火点"],
}

# Shared sentence frames, as departments reuse them; a notice uses a few.
TEMPLATES = [
    "要对辖区内{a}开展全面排查，逐一建立问题清单，限期整改到位。",
    "重点围绕{a}和{b}两个方面，组织专门力量进行拉网式检查。",
    "对发现的{a}问题，要立即督促责任单位落实整改措施。",
    "加强对{a}的日常监管，定期通报{b}整治进展。",
    "将{a}纳入网格员日常巡查内容，发现{b}苗头及时上报处置。",
    "统筹用好{a}专项资金，优先保障{b}方面的必要支出。",
]

# Sentences only a notice on that topic would contain (the bulk of a real notice).
_VERBS = [
    "摸清{a}底数",
    "落实{a}台账销号管理",
    "开展{a}应急演练",
    "组织{a}专题培训",
    "细化{a}处置预案",
    "完善{a}巡查制度",
    "推行{a}分级分类",
    "强化{a}源头管控",
    "压实{a}包保责任",
    "配齐{a}专兼职力量",
    "建立{a}联席会议制度",
    "规范{a}审批流程",
    "健全{a}考核激励",
    "落实{a}信息公开",
    "畅通{a}投诉渠道",
    "探索{a}智慧监管",
    "推动{a}标准化建设",
    "加大{a}执法力度",
    "做好{a}舆情应对",
    "开展{a}警示教育",
]

OPENING = (
    "各镇（街道），区直各有关单位：\n为深入贯彻落实上级关于{topic}工作的部署要求，"
    "切实做好{topic}各项工作，经研究决定，开展{topic}专项行动。现将有关事项通知如下：\n"
)
CLOSING = (
    "\n请各单位高度重视，加强组织领导，明确责任分工，确保各项工作取得实效。请认真贯彻落实。\n"
    "联系人：张明，联系电话：0571-8765{n:04d}。\n特此通知。\n区应急管理局\n2025年{m}月{d}日"
)


def make_notice(topic: str, seed: int, sentences: int = 24) -> tuple[str, str]:
    """(title, body) of a notice on `topic`; the seed varies wording and order."""
    rng = random.Random(f"{topic}-{seed}")
    words = TOPICS[topic]
    lines = []
    for i in range(sentences):
        a, b = rng.sample(words, 2)
        if rng.random() < 0.25:
            sentence = rng.choice(TEMPLATES).format(a=a, b=b)
        else:
            v1, v2 = rng.sample(_VERBS, 2)
            area = rng.choice(["工作", "领域", "方面"])
            outcome = rng.choice(["取得新进展", "短板加快补齐", "风险有效化解", "群众满意度提升"])
            sentence = f"{v1.format(a=a)}，{v2.format(a=b)}，{topic}{area}{outcome}。"
        lines.append(f"（{i + 1}）{sentence}")
    body = (
        OPENING.format(topic=topic)
        + "\n".join(lines)
        + CLOSING.format(n=rng.randrange(10000), m=rng.randint(1, 12), d=rng.randint(1, 28))
    )
    return f"关于开展{topic}专项整治行动的通知（{seed}）", body


_FILLER = (
    "在推进过程中坚持问题导向和目标导向相统一注重从源头上查找原因既抓当前突出问题又建立健全长效管理制度"
    "形成上下联动部门协同社会参与的良好局面不断巩固提升整治成果让人民群众有实实在在的获得感"
)


def rewrite(text: str, share: float, seed: int) -> str:
    """Rewrite about `share` of the characters of `text` in short stretches
    (4–12 characters replaced by other wording), as an editor would."""
    rng = random.Random(seed)
    chars = list(text)
    target = int(len(chars) * share)
    touched = [False] * len(chars)
    done = 0
    while done < target:
        length = rng.randint(4, 12)
        start = rng.randrange(0, max(1, len(chars) - length))
        if any(touched[start : start + length]):
            continue
        offset = rng.randrange(0, len(_FILLER) - length)
        for k in range(length):
            chars[start + k] = _FILLER[offset + k]
            touched[start + k] = True
        done += length
    return "".join(chars)
