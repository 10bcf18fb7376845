"""Writes drafts.jsonl, the gate's labelled evaluation set.

Labels are assigned by construction, from what each sentence or setting MEANS
(never from the engine's output): every snippet below carries the codes a careful
reviewer would raise for it, near-misses and prohibitions carry none. Run:
    python tests/data/gate/build_drafts.py
"""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
OPEN = "各镇（街道）、区直有关单位：\n为切实做好相关工作，现将有关事项通知如下。\n"
CLOSE = "\n特此通知。"

# Clean frames: each reviews to no finding on its own (plan matched, lists matched).
FRAMES = {
    "document": {
        "kind": "document",
        "title": "关于做好冬季安全生产大检查工作的通知",
        "issuer": "区应急管理局",
        "targets": ["青山镇", "河西街道"],
        "date": "2025-11-20",
        "document": {"number": "东应急〔2025〕30号", "is_policy": False, "special_task": False},
    },
    "meeting": {
        "kind": "meeting",
        "title": "关于召开全区安全生产工作会议的通知",
        "issuer": "区应急管理局",
        "targets": ["青山镇"],
        "meeting": {
            "starts_at": "2025-11-25T09:00",
            "duration_minutes": 60,
            "mode": "video",
            "attendee_level": "deputy",
        },
    },
    "task": {
        "kind": "task",
        "title": "关于交办安全生产属地巡查任务的通知",
        "issuer": "区应急管理局",
        "targets": ["青山镇"],
        "date": "2025-11-20",
        "task": {"duty_entry": None, "resources": ["专项工作经费5万元", "巡查终端10台"]},
    },
    "data_request": {
        "kind": "data_request",
        "title": "关于填报安全隐患排查统计表的通知",
        "issuer": "区应急管理局",
        "targets": ["青山镇", "白沙镇"],
        "date": "2025-11-20",
        "data_request": {"fields": ["隐患点位数", "已整改隐患数"], "frequency": "monthly"},
    },
    "campus": {
        "kind": "campus",
        "title": "防溺水安全教育进校园活动",
        "issuer": "区应急管理局",
        "targets": ["东湖区实验中学"],
        "date": "2025-12-03",
        "campus": {"whitelist_entry": None},
    },
    "inspection": {
        "kind": "inspection",
        "title": "第四季度安全生产督查检查",
        "issuer": "区应急管理局",
        "targets": ["白沙镇"],
        "inspection": {"category": "检查", "starts_on": "2025-12-15", "ends_on": "2025-12-16", "method": "四不两直"},
    },
    "research": {
        "kind": "inspection",
        "title": "学校安全工作调研",
        "issuer": "区教育局",
        "targets": ["白沙镇"],
        "inspection": {"category": "调研", "starts_on": "2025-12-10", "ends_on": "2025-12-10", "method": "座谈"},
    },
    "award": {
        "kind": "award",
        "title": "2025年度文明村镇创建评选",
        "issuer": "区委宣传部",
        "targets": ["青山镇", "白沙镇", "河西街道"],
        "date": "2025-11-20",
        "award": {"basis": "区委同意（东委〔2025〕8号）"},
    },
    "app": {
        "kind": "app",
        "title": "高标准农田建设巡查小程序",
        "issuer": "区农业农村局",
        "targets": ["青山镇", "白沙镇"],
        "date": "2025-11-20",
        "app": {"platform": "mini_program", "daily_minutes": 10},
    },
}
GENERAL = ("document", "meeting", "task", "data_request")

# (sentence, codes it should raise). Real phrasing from DOMAIN.md where possible.
SNIPPETS = [
    # TRACE_DEMAND
    ("各镇（街道）要建立专项工作台账，做到有据可查。", {"TRACE_DEMAND"}),
    ("检查结束后，请各村提供整改佐证材料。", {"TRACE_DEMAND"}),
    ("各村要加强痕迹管理，做到全程留痕。", {"TRACE_DEMAND"}),
    ("请于12月10日前报送工作台账和支撑材料。", {"TRACE_DEMAND"}),
    ("請建立工作臺賬並報送佐證材料。", {"TRACE_DEMAND"}),
    ("请各村建立　工作 台账。", {"TRACE_DEMAND"}),
    ("不得要求基层拍照留痕、提供佐证材料。", set()),
    ("严禁以留痕多少评价基层工作。", set()),
    ("坚决纠正过度留痕问题。", set()),
    ("工作中要注重实效，不搞痕迹管理。", set()),
    # PHOTO_VIDEO_DEMAND
    ("请于活动结束后上传活动照片不少于5张。", {"PHOTO_VIDEO_DEMAND"}),
    ("紧急通知，今晚前报5张活动照片。", {"PHOTO_VIDEO_DEMAND", "TIGHT_DEADLINE"}),
    ("各项工作开展情况须拍照留痕。", {"PHOTO_VIDEO_DEMAND", "TRACE_DEMAND"}),
    ("请将现场视频资料发至指定邮箱。", {"PHOTO_VIDEO_DEMAND"}),
    ("请将宣传转发情况截图后发送至联络员。", {"PHOTO_VIDEO_DEMAND"}),
    ("請上傳活動照片。", {"PHOTO_VIDEO_DEMAND"}),
    ("各点位须拍　照上传。", {"PHOTO_VIDEO_DEMAND"}),
    ("入户走访后要与群众合影。", {"PHOTO_VIDEO_DEMAND"}),
    ("不得要求拍照留痕。", set()),
    ("走访过程无需提供照片。", set()),
    ("不再要求上传照片、视频。", set()),
    ("严禁要求基层录制视频、上传截图。", set()),
    # CHECKIN_DEMAND
    ("网格员每天上岗须打卡签到。", {"CHECKIN_DEMAND"}),
    ("巡查人员须开启实时定位，在线时长不少于6小时。", {"CHECKIN_DEMAND"}),
    ("参训人员须按时在线签到。", {"CHECKIN_DEMAND"}),
    ("严禁打卡签到。", set()),
    ("取消打卡、实时定位等要求。", set()),
    ("不以在线时长考核网格员。", set()),
    ("要精准定位问题根源，推动整改落实。", set()),
    ("各地可结合实际打造一批乡村旅游网红打卡点。", set()),
    # INSTANT_REPLY_DEMAND
    ("@所有人 收到请回复。", {"INSTANT_REPLY_DEMAND"}),
    ("请各村在10分钟内回复确认。", {"INSTANT_REPLY_DEMAND"}),
    ("群内消息须第一时间回复。", {"INSTANT_REPLY_DEMAND"}),
    ("工作群通知要求秒回。", {"INSTANT_REPLY_DEMAND"}),
    ("收到，请回复！", {"INSTANT_REPLY_DEMAND"}),
    ("不得要求基层“秒回”。", set()),
    ("工作群消息无需逐条回复“收到”。", set()),
    ("请于12月15日前反馈意见。", set()),
    # RANKING_DEMAND
    ("学习情况将按点赞数、转发量进行排名。", {"RANKING_DEMAND"}),
    ("各镇工作进度每月排名通报。", {"RANKING_DEMAND"}),
    ("对工作进度滞后的单位予以通报批评。", {"RANKING_DEMAND"}),
    ("学习时长纳入年度考核。", {"RANKING_DEMAND"}),
    ("不得以点赞数、转发量作为考核依据。", set()),
    ("本次工作不搞排名通报。", set()),
    # TIGHT_DEADLINE
    ("请于今天下班前报送。", {"TIGHT_DEADLINE"}),
    ("接通知后请立即上报。", {"TIGHT_DEADLINE"}),
    ("请于2小时内报送核查结果。", {"TIGHT_DEADLINE"}),
    ("明早8点开网格会，带齐3类台账。", {"TIGHT_DEADLINE", "TRACE_DEMAND"}),
    ("请于12月10日前报送。", set()),
    ("不得要求当日报送。", set()),
    ("如遇突发险情，须立即处置并按程序报告。", set()),
    # HIGH_FREQUENCY
    ("各镇每日上报工作进展。", {"HIGH_FREQUENCY"}),
    ("实行一周一报制度。", {"HIGH_FREQUENCY"}),
    ("请每周五下班前报送本周工作情况。", {"HIGH_FREQUENCY"}),
    ("文化站长每天要在群里跟读朗诵。", {"HIGH_FREQUENCY"}),
    ("不再实行每日上报。", set()),
    ("有关情况每月报送一次。", set()),
    ("各村每日巡查，每月报送汇总情况。", set()),
    # MATERIAL_DEMAND
    ("汇报时须准备PPT。", {"MATERIAL_DEMAND"}),
    ("汇报时须准备ＰＰＴ。", {"MATERIAL_DEMAND"}),
    ("请各镇报送经验材料和汇报材料。", {"MATERIAL_DEMAND"}),
    ("要制作专题宣传片和展板。", {"MATERIAL_DEMAND"}),
    ("已报送的报表每月还须打印一份纸质件，找领导签字、盖公章。", {"MATERIAL_DEMAND"}),
    ("不要求准备汇报材料和PPT。", set()),
    ("不得要求基层制作展板。", set()),
    # PLEDGE_DEMAND
    ("各村须与镇签订安全生产责任书。", {"PLEDGE_DEMAND"}),
    ("组织辖区经营户签署承诺书。", {"PLEDGE_DEMAND"}),
    ("镇村两级层层签订目标责任状。", {"PLEDGE_DEMAND", "LEVEL_UP_DEMAND"}),
    ("不得要求基层签订责任书。", set()),
    ("严禁层层签订责任状。", set()),
    # VETO_DEMAND
    ("对发生较大事故的实行一票否决。", {"VETO_DEMAND"}),
    ("该项工作列为年度考核一票否决事项。", {"VETO_DEMAND"}),
    ("不得随意设置一票否决事项。", set()),
    ("清理规范一票否决事项。", set()),
    # LEVEL_UP_DEMAND
    ("各镇要层层加码，确保提前完成任务。", {"LEVEL_UP_DEMAND"}),
    ("排查要做到全覆盖无死角。", {"LEVEL_UP_DEMAND"}),
    ("将任务层层分解到村组。", {"LEVEL_UP_DEMAND"}),
    ("杜绝层层加码。", set()),
    ("防止层层加码、层层转嫁。", set()),
    # EVASIVE_FORM
    ("本通知以便笺形式印发。", {"EVASIVE_FORM"}),
    ("有关要求以工作群通知形式下发，不再另行发文。", {"EVASIVE_FORM"}),
    ("本次将三项工作多文合一。", {"EVASIVE_FORM"}),
    ("严禁以便笺代替正式发文。", set()),
    ("不得以会议纪要形式印发文件。", set()),
    # mixed (real press excerpts)
    ("未开始调研先签到，入户后再合影。", {"CHECKIN_DEMAND", "PHOTO_VIDEO_DEMAND"}),
    ("集体备课要拍照留痕，并每日上传。", {"PHOTO_VIDEO_DEMAND", "TRACE_DEMAND", "HIGH_FREQUENCY"}),
    ("请各单位认真组织实施，确保各项任务落到实处。", set()),
    ("会议以视频会议形式召开，不要求到会场。", set()),
]

DOC_ONLY = [
    ("请于12月31日前将贯彻落实情况书面报送区应急管理局。", {"DEMANDS_IMPLEMENTATION_REPORT"}),
    ("各单位学习贯彻情况请报区委办公室。", {"DEMANDS_IMPLEMENTATION_REPORT"}),
    ("本文件落实情况请于月底前报送。", {"DEMANDS_IMPLEMENTATION_REPORT"}),
    ("无需报送贯彻落实情况。", set()),
    ("不要求基层报送落实情况。", set()),
    ("请于11月20日前报送检查发现的重大隐患。", {"TIGHT_DEADLINE"}),
    ("请于11月21日18:00前报送。", {"TIGHT_DEADLINE"}),
    ("请于11月28日前报送。", set()),
]

FILLER = (
    "秸秆综合利用是推进农业绿色发展的重要举措。各镇要结合本地实际，因地制宜推广秸秆还田、"
    "饲料化、基料化和能源化利用技术，培育秸秆收储运服务主体，完善收储网络，提高秸秆综合利用水平。"
)


def merge(base: dict, **over) -> dict:
    out = json.loads(json.dumps(base))
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key].update(value)
        else:
            out[key] = value
    return out


def body(*sentences: str) -> str:
    return OPEN + "\n".join(sentences) + CLOSE


def cases():
    n = 0
    for i, (sentence, codes) in enumerate(SNIPPETS):
        frame = GENERAL[i % len(GENERAL)]
        n += 1
        yield f"s{n:03d}", f"{frame}：{sentence}", codes, merge(FRAMES[frame], body=body(sentence))
    for sentence, codes in DOC_ONLY:
        n += 1
        yield f"s{n:03d}", f"document：{sentence}", codes, merge(FRAMES["document"], body=body(sentence))
    # two demands in one draft, in frames other than the first pass
    pairs = [(0, 10), (22, 30), (38, 52), (59, 67), (71, 75), (77, 83), (2, 45), (11, 24)]
    for a, b in pairs:
        (s1, c1), (s2, c2) = SNIPPETS[a], SNIPPETS[b]
        frame = GENERAL[(a + b + 1) % len(GENERAL)]
        n += 1
        yield f"s{n:03d}", f"{frame}：{s1}{s2}", c1 | c2, merge(FRAMES[frame], body=body(s1, s2))


def structural():
    f = FRAMES
    yield "p01", "clean document", set(), merge(f["document"], body=body("请各单位认真组织实施。"))
    yield "p02", "clean meeting", set(), merge(f["meeting"], body="会议传达上级精神，部署冬季安全生产工作。")
    yield "p03", "clean inspection", set(), merge(f["inspection"], body="采取四不两直方式实地查看企业安全生产状况。")
    yield "p04", "clean award", set(), merge(f["award"], body="按照区委批准的评选办法组织开展。")
    yield "p05", "clean app", set(), merge(f["app"], body="用于记录高标准农田建设项目巡查情况，自愿使用。")
    yield "p06", "clean campus", set(), merge(f["campus"], body="组织专业救援人员为学生讲授防溺水知识。")
    yield "p07", "clean task", set(), merge(f["task"], body="请各镇按清单职责开展日常巡查。")
    yield "p08", "clean data request", set(), merge(f["data_request"], body="请按表格填报。")
    # NOT_IN_PLAN
    yield (
        "n01",
        "no plan entry matches",
        {"NOT_IN_PLAN"},
        merge(f["document"], title="关于举办应急管理系统书法比赛的通知", body=body("欢迎踊跃报名。")),
    )
    yield (
        "n02",
        "outside plan with justification (warn)",
        {"NOT_IN_PLAN"},
        merge(
            f["document"],
            title="关于举办应急管理系统书法比赛的通知",
            justification="上级临时部署",
            body=body("欢迎报名。"),
        ),
    )
    yield (
        "n03",
        "named plan entry exists",
        set(),
        merge(
            f["document"],
            title="关于印发工作要点的通知",
            plan_entry="冬季安全生产大检查",
            body=body("请认真组织实施。"),
        ),
    )
    yield (
        "n04",
        "named plan entry missing",
        {"NOT_IN_PLAN"},
        merge(f["document"], plan_entry="不存在的计划事项", body=body("请认真组织实施。")),
    )
    yield (
        "n05",
        "issuer has no plan for kind",
        {"NOT_IN_PLAN"},
        merge(f["meeting"], issuer="区民政局", title="全区社会救助工作会议", body="部署社会救助工作。"),
    )
    yield (
        "n06",
        "data request matches by keyword in body",
        set(),
        merge(
            f["data_request"],
            issuer="区民政局",
            title="关于填报相关统计表的通知",
            body=body("请填报困难群众救助情况。"),
            data_request={"fields": ["临时救助人次"], "frequency": "monthly"},
        ),
    )
    yield (
        "n07",
        "award without plan",
        {"NOT_IN_PLAN"},
        merge(f["award"], issuer="区农业农村局", title="最美庭院评选", body="按评选办法组织开展。"),
    )
    yield "n08", "alias of issuer resolves", set(), merge(f["document"], issuer="应急局", body=body("请认真组织实施。"))
    # QUOTA_EXCEEDED
    yield (
        "q01",
        "quota reached",
        {"QUOTA_EXCEEDED"},
        merge(
            f["document"],
            issuer="区市场监管局",
            title="关于加强校园周边食品安全监管的通知",
            body=body("请加强日常检查。"),
        ),
    )
    yield "q02", "quota not reached", set(), merge(f["document"], body=body("请加强日常检查。"))
    # NEAR_DUPLICATE
    forest = (HERE / "forest_fire.txt").read_text(encoding="utf-8")
    rewritten = (
        forest.replace("切实做好", "扎实做好")
        .replace("十分严峻", "不容乐观")
        .replace("严格落实", "全面落实")
        .replace("加强协作配合", "密切协作")
        .replace("补充扑火机具和物资", "储备扑火物资")
        .replace("保持通信畅通", "确保通信畅通")
    )
    yield (
        "d01",
        "rewritten copy of an issued document",
        {"NEAR_DUPLICATE"},
        merge(f["document"], title="关于进一步做好秋冬季森林防火工作的通知", body=rewritten),
    )
    yield (
        "d02",
        "different document on the same topic",
        set(),
        merge(
            f["document"],
            title="关于开展森林防火宣传月活动的通知",
            body=body(
                "决定在全区开展森林防火宣传月活动，通过广播、标语、入户宣讲等方式普及防火知识，增强群众防火意识。"
            ),
        ),
    )
    upper = (HERE / "upper_safety.txt").read_text(encoding="utf-8")
    # COPIES_UPPER_DOC
    yield (
        "u01",
        "district document copies the upper-level document",
        {"COPIES_UPPER_DOC"},
        merge(
            f["document"],
            title="关于强化安全生产责任落实的通知",
            body="各镇（街道）：\n现将有关要求转发如下，请结合实际认真贯彻。\n" + upper.split("\n", 1)[1],
        ),
    )
    yield (
        "u02",
        "document quotes one sentence of the upper document",
        set(),
        merge(
            f["document"],
            title="关于冬季安全生产大检查的通知",
            body=body(
                "按照管行业必须管安全的要求，各有关部门对本行业领域开展一次检查。",
                "各镇要组织力量对辖区内小餐饮、小作坊、出租房等场所开展消防安全排查。",
            ),
        ),
    )

    # DOC_TOO_LONG
    def long_body(n_chars: int) -> str:
        text = ""
        while len(text) < n_chars:
            text += FILLER
        return text[:n_chars]

    agri = merge(f["document"], issuer="区农业农村局", title="关于做好秸秆综合利用工作的通知")
    yield "l01", "3500 characters", {"DOC_TOO_LONG"}, merge(agri, body=long_body(3500))
    yield "l02", "5200 characters", {"DOC_TOO_LONG"}, merge(agri, body=long_body(5200))
    yield (
        "l03",
        "special task at 4200",
        {"DOC_TOO_LONG"},
        merge(agri, body=long_body(4200), document={"special_task": True}),
    )
    yield "l04", "2900 characters", set(), merge(agri, body=long_body(2900))
    yield (
        "l05",
        "2990 characters plus white space",
        set(),
        merge(agri, body=" \n".join(long_body(2990)[i : i + 100] for i in range(0, 2990, 100))),
    )
    # meetings
    m = f["meeting"]
    yield "m01", "120 minutes", {"MEETING_TOO_LONG"}, merge(m, meeting={"duration_minutes": 120}, body="部署工作。")
    yield "m02", "90 minutes", set(), merge(m, meeting={"duration_minutes": 90}, body="部署工作。")
    yield (
        "m03",
        "onsite with grassroots",
        {"ONSITE_WHEN_VIDEO"},
        merge(m, meeting={"mode": "onsite"}, body="部署工作。"),
    )
    yield (
        "m04",
        "onsite with site visit",
        set(),
        merge(m, meeting={"mode": "onsite"}, body="会议安排现场观摩企业安全生产标准化建设。"),
    )
    yield (
        "m05",
        "onsite, departments only",
        set(),
        merge(m, meeting={"mode": "onsite"}, targets=["区教育局", "区民政局"], body="部署工作。"),
    )
    yield (
        "m06",
        "same day, same township",
        {"MEETING_MERGEABLE"},
        merge(
            m, meeting={"starts_at": "2025-11-12T15:00"}, title="安全生产工作会议（青山镇）", body="部署燃气安全工作。"
        ),
    )
    yield (
        "m07",
        "same day, other units",
        set(),
        merge(m, meeting={"starts_at": "2025-11-12T15:00"}, targets=["河西街道"], body="部署燃气安全工作。"),
    )
    yield (
        "m08",
        "same week, same topic, other units",
        {"MEETING_MERGEABLE", "NEAR_DUPLICATE"},
        merge(
            m,
            meeting={"starts_at": "2025-11-14T09:00"},
            targets=["河西街道"],
            title="全区安全生产工作推进会议",
            body="会议传达学习全省安全生产电视电话会议精神，通报全区前三季度安全生产形势，部署冬季安全生产大检查、"
            "森林防火和燃气安全专项整治工作，研究解决重点行业领域安全监管中的突出问题。",
        ),
    )
    yield (
        "m09",
        "principal attendance level",
        {"PRINCIPAL_ATTENDANCE"},
        merge(m, meeting={"attendee_level": "principal"}, body="部署工作。"),
    )
    yield "m10", "principal in text", {"PRINCIPAL_ATTENDANCE"}, merge(m, body="请各镇主要负责人参加。")
    yield "m11", "principal not required", set(), merge(m, body="不要求主要负责人参加，请分管负责同志参会。")
    heal = merge(m, issuer="区卫生健康委", title="爱国卫生工作会议", body="部署冬春季爱国卫生运动。")
    yield (
        "m12",
        "abolished body",
        {"BODY_ABOLISHED"},
        merge(heal, meeting={"coordination_body": "区创建国家卫生城市工作领导小组"}),
    )
    yield (
        "m13",
        "body before abolition",
        set(),
        merge(heal, meeting={"coordination_body": "区创建国家卫生城市工作领导小组", "starts_at": "2025-02-10T09:00"}),
    )
    yield "m14", "active body", set(), merge(heal, meeting={"coordination_body": "区爱国卫生运动委员会"})
    yield (
        "m15",
        "merged body",
        {"BODY_ABOLISHED", "NOT_IN_PLAN"},
        merge(
            m,
            issuer="区市场监管局",
            title="食品安全委员会全体会议",
            meeting={"coordination_body": "区食品安全委员会"},
            body="研究食品安全工作。",
        ),
    )
    # inspections
    i = f["inspection"]
    yield (
        "i01",
        "same township within 30 days",
        {"INSPECTION_OVERLAP"},
        merge(
            i,
            targets=["青山镇"],
            inspection={"starts_on": "2025-11-25", "ends_on": "2025-11-26"},
            body="检查企业安全。",
        ),
    )
    yield (
        "i02",
        "same township 43 days later",
        set(),
        merge(
            i,
            targets=["青山镇"],
            inspection={"starts_on": "2025-12-20", "ends_on": "2025-12-20"},
            body="检查企业安全。",
        ),
    )
    yield (
        "i03",
        "third inspection in a quarter",
        {"INSPECTION_CAP"},
        merge(
            i,
            targets=["河西街道"],
            inspection={"starts_on": "2025-12-20", "ends_on": "2025-12-20"},
            body="检查企业安全。",
        ),
    )
    yield (
        "i04",
        "next quarter",
        set(),
        merge(
            i,
            targets=["河西街道"],
            year=2025,
            inspection={"starts_on": "2026-01-15", "ends_on": "2026-01-15"},
            body="检查企业安全。",
        ),
    )
    yield (
        "i05",
        "overlap and cap together",
        {"INSPECTION_OVERLAP", "INSPECTION_CAP"},
        merge(
            i,
            targets=["河西街道"],
            inspection={"starts_on": "2025-10-20", "ends_on": "2025-10-21"},
            body="检查企业安全。",
        ),
    )
    yield "i06", "judged by ledgers", {"MATERIAL_BASED_ASSESSMENT"}, merge(i, body="检查以查阅台账为主。")
    yield "i07", "judged by files", {"MATERIAL_BASED_ASSESSMENT"}, merge(i, body="主要查看档案资料评定等次。")
    yield "i08", "not by materials", set(), merge(i, body="不以材料多少论英雄，注重实地查看。")
    yield (
        "i09",
        "approved assessment may score",
        set(),
        merge(i, title="安全生产年度考核", inspection={"category": "考核"}, body="按评分细则打分排名。"),
    )
    r = f["research"]
    yield (
        "r01",
        "research that ranks",
        {"DISGUISED_INSPECTION", "RANKING_DEMAND"},
        merge(r, body="调研结束后将对各镇打分排名。"),
    )
    yield (
        "r02",
        "research asks for materials",
        {"DISGUISED_INSPECTION", "MATERIAL_DEMAND"},
        merge(r, body="请各镇提前准备汇报材料。"),
    )
    yield (
        "r03",
        "research with problem list",
        {"DISGUISED_INSPECTION"},
        merge(r, body="调研中发现的问题形成问题清单，限期整改。"),
    )
    yield (
        "r04",
        "research that only talks",
        set(),
        merge(r, body="调研采取座谈交流方式，不打分、不排名、不要求准备材料。"),
    )
    yield (
        "r05",
        "research flagged as needing materials",
        {"DISGUISED_INSPECTION"},
        merge(r, inspection={"materials_required": True}, body="了解学校安全工作情况。"),
    )
    yield (
        "r06",
        "guidance in title",
        {"DISGUISED_INSPECTION"},
        merge(
            i,
            title="安全生产工作指导",
            inspection={"category": "supervision"},
            body="指导结束后对各镇逐项检查并通报结果。",
        ),
    )
    # data requests
    d = f["data_request"]
    yield (
        "t01",
        "fields in the shared catalog",
        {"DATA_ALREADY_SHARED"},
        merge(d, data_request={"fields": ["户籍人口数", "低保户数", "隐患点位数"]}),
    )
    yield (
        "t02",
        "synonym in the catalog",
        {"DATA_ALREADY_SHARED"},
        merge(d, data_request={"fields": ["常住人口数", "隐患点位数"]}),
    )
    yield (
        "t03",
        "spaced variant",
        {"DATA_ALREADY_SHARED"},
        merge(d, data_request={"fields": ["户籍 人口", "隐患点位数"]}),
    )
    yield "t04", "fields not shared", set(), merge(d, data_request={"fields": ["流动人口数", "低保户走访次数"]})
    yield "t05", "weekly form", {"HIGH_FREQUENCY"}, merge(d, data_request={"frequency": "weekly"})
    yield "t06", "daily form", {"HIGH_FREQUENCY"}, merge(d, data_request={"frequency": "daily"})
    yield "t07", "quarterly form", set(), merge(d, data_request={"frequency": "quarterly"})
    agri_req = merge(d, issuer="区农业农村局", title="关于填报农户生产情况的通知")
    yield (
        "t08",
        "fields already requested",
        {"DATA_REQUEST_OVERLAP"},
        merge(agri_req, data_request={"fields": ["农户数", "种植面积", "养殖户数", "农机保有量"]}),
    )
    yield (
        "t09",
        "one field in common",
        set(),
        merge(agri_req, data_request={"fields": ["农户数", "农机保有量", "合作社数量"]}),
    )
    # tasks
    t = f["task"]
    yield (
        "k01",
        "off-list task",
        {"OFF_LIST_TASK", "UNFUNDED_TASK"},
        merge(
            t,
            issuer="区市场监管局",
            title="关于开展药品安全专项检查的通知",
            task={"resources": []},
            body="请各社区对辖区药店开展专项检查。",
        ),
    )
    yield "k02", "listed task without resources", {"UNFUNDED_TASK"}, merge(t, task={"resources": []}, body="开展巡查。")
    yield (
        "k03",
        "listed task by name",
        set(),
        merge(t, title="关于做好冬季防火工作的通知", task={"duty_entry": "森林防火宣传"}, body="开展防火宣传。"),
    )
    yield (
        "k04",
        "named entry not on the list",
        {"OFF_LIST_TASK"},
        merge(t, task={"duty_entry": "城市道路养护"}, body="开展巡查。"),
    )
    yield (
        "k05",
        "auto-matched by keyword",
        set(),
        merge(t, title="关于开展农村垃圾分类工作的通知", issuer="区农业农村局", body="推进农村垃圾分类。"),
    )
    # campus
    c = f["campus"]
    yield (
        "c01",
        "activity not on the whitelist",
        {"CAMPUS_NOT_WHITELISTED"},
        merge(c, title="校园周边交通文明宣传进校园", body="组织交通文明宣传。"),
    )
    yield (
        "c02",
        "named whitelist entry",
        set(),
        merge(c, title="宪法宣传周活动", campus={"whitelist_entry": "法治进校园"}, body="宣讲宪法知识。"),
    )
    yield (
        "c03",
        "school over its semester cap",
        {"CAMPUS_CAP"},
        merge(c, targets=["东湖区第一小学", "东湖区实验中学"], body="讲授防溺水知识。"),
    )
    yield "c04", "school at five activities", set(), merge(c, targets=["东湖区实验中学"], body="讲授防溺水知识。")
    yield (
        "c05",
        "next semester",
        set(),
        merge(c, targets=["东湖区第一小学"], date="2026-03-10", year=2025, body="讲授防溺水知识。"),
    )
    # apps
    a = f["app"]
    yield (
        "a01",
        "forced download and usage rate",
        {"APP_FORCED_USE"},
        merge(a, body="全体网格员必须下载注册，使用率纳入月度考核。"),
    )
    yield "a02", "daily login", {"APP_FORCED_USE"}, merge(a, body="各村干部每日登录学习。")
    yield "a03", "voluntary use", set(), merge(a, body="不得强制下载，不以使用情况考核基层。")
    yield (
        "a04",
        "same issuer, same function",
        {"APP_DUPLICATE_FUNCTION"},
        merge(a, issuer="区卫生健康委", title="健康随访管理小程序", body="为签约居民提供随访预约和结果查询。"),
    )
    yield (
        "a05",
        "same issuer, different group",
        set(),
        merge(
            a,
            issuer="区卫生健康委",
            title="冬季流感防控工作群",
            app={"platform": "wechat_group"},
            body="用于发布流感防控工作通知。",
        ),
    )
    yield (
        "a06",
        "similar app from another issuer",
        {"APP_DUPLICATE_FUNCTION", "NEAR_DUPLICATE"},
        merge(
            a,
            issuer="区民政局",
            title="健康随访小程序",
            app={"platform": "mini_program"},
            body="用于家庭医生对慢性病患者开展健康随访、记录随访结果。",
        ),
    )
    # awards
    w = f["award"]
    yield "w01", "award judged by materials", {"MATERIAL_BASED_ASSESSMENT"}, merge(w, body="以材料多少评定等次。")
    yield "w02", "award with approved scoring", set(), merge(w, body="按评选办法打分排名。")
    yield "w03", "award without basis ranks", {"RANKING_DEMAND"}, merge(w, award={"basis": ""}, body="按得票数排名。")


# Whole notices written as departments write them, labelled before the gate ever saw them.
REALISTIC = [
    (
        "document",
        "关于开展冬季安全生产大检查“回头看”的通知",
        "各镇（街道）：\n为巩固冬季安全生产大检查成果，区安委办决定开展“回头看”。现将有关事项通知如下：\n"
        "一、检查范围。辖区内危化品经营、建筑施工、人员密集场所。\n"
        "二、工作要求。各镇（街道）要对照问题清单逐项销号，每处整改点位须拍摄整改前后对比照片，"
        "并于每周一上午报送整改进度表。\n三、请于12月20日前将“回头看”工作总结报区应急管理局。",
        {"PHOTO_VIDEO_DEMAND", "HIGH_FREQUENCY"},
    ),
    (
        "document",
        "关于做好岁末年初安全生产工作的通知",
        "各镇（街道）：\n岁末年初是生产安全事故易发多发期。各镇要督促企业落实主体责任，加强重点时段值班值守，"
        "严格执行领导带班制度。检查工作要坚持“四不两直”，不打招呼、不听汇报，直奔现场，"
        "严禁以查阅资料代替现场检查，不得要求基层填报各类表格。",
        set(),
    ),
    (
        "document",
        "关于冬季安全生产大检查的补充通知",
        "各镇（街道）：\n请各镇于今日17时前将辖区检查情况报区安委办，同时将检查现场图片发至“区安全生产工作群”。"
        "逾期未报的，将在全区予以通报。",
        {"TIGHT_DEADLINE", "PHOTO_VIDEO_DEMAND", "RANKING_DEMAND"},
    ),
    (
        "document",
        "关于印发冬季安全生产大检查实施方案的通知",
        "各镇（街道）：\n现将《冬季安全生产大检查实施方案》印发给你们，请认真贯彻执行。"
        "各镇要成立以党委书记为组长的领导小组，层层签订安全生产责任书，确保责任落实到人。",
        {"LEVEL_UP_DEMAND", "PLEDGE_DEMAND"},
    ),
    (
        "document",
        "关于冬季安全生产大检查有关事项的说明",
        "各镇（街道）：\n根据基层反映，现明确如下：一是检查中不再要求提供纸质台账，相关数据由区里从系统中直接调取；"
        "二是取消各类打卡、签到和拍照上传要求；三是工作群仅用于发布通知，不要求逐一回复。",
        set(),
    ),
    (
        "meeting",
        "关于召开全区安全生产工作推进会的通知",
        "会议以视频形式召开，各镇（街道）在分会场参会。请各镇分管负责同志参加，会前无需准备汇报材料。",
        set(),
    ),
    (
        "meeting",
        "关于召开安全生产专题调度会的通知",
        "请各镇（街道）党政主要负责同志准时参加，不得请假。会上各镇逐一汇报，每镇汇报不超过5分钟，请提前制作汇报PPT。",
        {"PRINCIPAL_ATTENDANCE", "MATERIAL_DEMAND"},
    ),
    (
        "meeting",
        "关于召开安全生产工作会议的通知",
        "参会人员请提前15分钟到场签到，会议全程录像。",
        {"CHECKIN_DEMAND", "PHOTO_VIDEO_DEMAND"},
    ),
    (
        "data_request",
        "关于报送安全隐患排查统计情况的通知",
        "请各镇（街道）于每月5日前通过“区安全生产信息系统”填报上月隐患排查数据，系统已有的数据不再重复填报。",
        set(),
    ),
    (
        "data_request",
        "关于报送安全隐患排查统计情况的通知",
        "因工作需要，请各村（社区）每天下午4点前报送当日隐患排查数，同时附排查现场照片。",
        {"HIGH_FREQUENCY", "PHOTO_VIDEO_DEMAND"},
    ),
    (
        "task",
        "关于交办安全生产隐患巡查任务的通知",
        "请各镇将辖区安全生产隐患巡查纳入网格员日常工作，巡查时须开启APP定位打卡，每日巡查轨迹上传系统。",
        {"CHECKIN_DEMAND", "HIGH_FREQUENCY"},
    ),
    (
        "task",
        "关于交办安全生产属地巡查任务的通知",
        "区应急管理局将安排2名执法人员下沉各镇，配套巡查经费，并提供巡查APP技术支持，巡查不设打卡要求。",
        set(),
    ),
    (
        "app",
        "高标准农田建设巡查小程序",
        "为提高巡查效率，各村网格员务必于本周内完成下载注册，区里将每月通报各镇注册率和活跃度。",
        {"APP_FORCED_USE", "RANKING_DEMAND"},
    ),
    (
        "app",
        "高标准农田建设巡查小程序",
        "小程序用于项目巡查记录，由施工监理单位使用，不向镇村干部推广，不统计使用情况。",
        set(),
    ),
    (
        "campus",
        "防溺水安全教育进校园活动",
        "活动由区应急管理局专业人员授课，每校1课时，学校无需准备场地布置和宣传展板，不要求学生拍照打卡。",
        set(),
    ),
    (
        "campus",
        "防溺水安全教育进校园活动",
        "请各校组织学生观看防溺水宣传片并撰写观后感，学校须将活动照片和学生观后感装订成册报区应急管理局。",
        {"MATERIAL_DEMAND", "PHOTO_VIDEO_DEMAND"},
    ),
    (
        "inspection",
        "第四季度安全生产督查检查",
        "督查组采取暗访暗查方式，随机抽查企业，现场反馈问题，不召开汇报会，不要求被检查单位提供汇报材料。",
        set(),
    ),
    (
        "inspection",
        "第四季度安全生产督查检查",
        "检查组到各镇后先听取汇报，再查阅近三年安全生产工作台账，根据台账完整程度打分。",
        {"MATERIAL_BASED_ASSESSMENT", "RANKING_DEMAND", "TRACE_DEMAND"},
    ),
    (
        "award",
        "2025年度文明村镇创建评选",
        "评选以实地测评和群众满意度调查为主，不以材料多少评定等次，不要求参评村镇报送展板和宣传片。",
        set(),
    ),
    (
        "document",
        "关于秋冬季森林防火工作的紧急通知",
        "各镇（街道）：\n近期火险等级居高不下。请各镇接此通知后2小时内将防火检查站设置情况报区森林防火指挥部，"
        "防火期内24小时值班，各检查站每天将值守照片发工作群。",
        {"TIGHT_DEADLINE", "PHOTO_VIDEO_DEMAND", "HIGH_FREQUENCY"},
    ),
]
REALISTIC += [
    (
        "document",
        "关于进一步规范安全生产检查工作的通知",
        "各镇（街道）：\n为切实减轻基层负担，现就规范检查工作通知如下：检查前不得要求基层准备汇报材料，"
        "检查中不搞层层陪同，检查后不要求报送整改照片，不以台账多少评价工作成效。",
        set(),
    ),
    (
        "document",
        "关于开展冬季安全生产大检查宣传工作的通知",
        "各镇（街道）：\n请各镇在微信公众号发布宣传信息，宣传稿件阅读量将作为年度考核的重要参考。",
        {"RANKING_DEMAND"},
    ),
    (
        "document",
        "关于冬季安全生产大检查工作安排的通知",
        "各镇（街道）：\n本通知不另行印发正式文件，以本工作提示为准，各镇参照执行。",
        {"EVASIVE_FORM"},
    ),
    (
        "meeting",
        "关于召开安全生产工作视频调度会的通知",
        "请各镇在本镇视频会议室参会，会后无需报送会议贯彻情况，不需要拍摄会场照片。",
        set(),
    ),
    (
        "meeting",
        "关于召开全区安全生产工作会议的通知",
        "请各镇（街道）书记、镇长务必参会，并于会前提交书面汇报材料一式三份。",
        {"MATERIAL_DEMAND", "PRINCIPAL_ATTENDANCE"},
    ),
    (
        "data_request",
        "关于填报安全隐患排查统计表的通知",
        "请各村于收到本通知后立即填报，30分钟内回复“已填报”。",
        {"TIGHT_DEADLINE", "INSTANT_REPLY_DEMAND"},
    ),
    (
        "task",
        "关于交办安全生产属地巡查任务的通知",
        "巡查工作实行日报告制度，巡查记录须经村支部书记签字、盖章后扫描上传。",
        {"HIGH_FREQUENCY"},
    ),
    (
        "app",
        "高标准农田建设巡查小程序",
        "各村干部须每日登录小程序完成学习任务，学习积分排名靠后的在全镇通报。",
        {"APP_FORCED_USE", "RANKING_DEMAND"},
    ),
    (
        "inspection",
        "第四季度安全生产督查检查",
        "请被检查企业提前准备近一年的安全培训记录、隐患排查台账等佐证资料，供检查组查阅。",
        {"TRACE_DEMAND", "MATERIAL_BASED_ASSESSMENT"},
    ),
    (
        "campus",
        "防溺水安全教育进校园活动",
        "各校要确保全覆盖无死角，每名学生签订防溺水安全承诺书。",
        {"LEVEL_UP_DEMAND", "PLEDGE_DEMAND"},
    ),
]
# Third batch: words of the lexicon used in ordinary, harmless senses (precision).
REALISTIC += [
    (
        "document",
        "关于做好冬季安全生产大检查工作的通知",
        "各镇（街道）：\n区应急管理局已建立全区隐患排查信息系统，检查发现的问题由检查组直接录入，基层无需另行建立台账。",
        set(),
    ),
    (
        "document",
        "关于冬季安全生产大检查宣传工作的通知",
        "各镇（街道）：\n区融媒体中心将拍摄安全生产公益宣传片，拍摄工作由其自行组织，不占用基层工作时间。",
        set(),
    ),
    (
        "meeting",
        "关于召开安全生产工作会议的通知",
        "会议议程：一、通报前三季度全区安全生产形势；二、部署冬季安全生产大检查；三、区领导讲话。",
        set(),
    ),
    (
        "data_request",
        "关于填报安全隐患排查统计表的通知",
        "本表由区统计局按季度从系统中汇总，各镇仅需核对本镇数据，发现错误的于月底前告知区应急管理局。",
        set(),
    ),
    (
        "task",
        "关于交办安全生产属地巡查任务的通知",
        "巡查发现重大隐患的，巡查人员应立即报告镇安监站并设置警示标志，防止事故发生。",
        set(),
    ),
    (
        "document",
        "关于做好冬季安全生产大检查工作的通知",
        "各镇（街道）：\n检查中发现的违法行为，由区应急管理局依法处理并向社会公开，对相关企业不再进行排名。",
        set(),
    ),
    (
        "inspection",
        "第四季度安全生产督查检查",
        "检查组将现场查看企业消防设施和应急预案演练情况，检查结果当场反馈企业，不向镇村要材料。",
        set(),
    ),
    (
        "meeting",
        "关于召开全区安全生产工作会议的通知",
        "会议请各镇提前一天报送参会人员名单，会议材料会上统一发放，不需要各镇准备。",
        set(),
    ),
    (
        "document",
        "关于冬季安全生产大检查的通知",
        "各镇（街道）：\n请各镇于12月15日前完成自查，自查报告附现场照片3至5张。",
        {"PHOTO_VIDEO_DEMAND"},
    ),
    (
        "task",
        "关于交办安全生产属地巡查任务的通知",
        "请网格员每周巡查一次，巡查情况每周五前在系统中报送。",
        {"HIGH_FREQUENCY"},
    ),
]
# Fourth batch: mixed demands in the way press reports quote them.
REALISTIC += [
    (
        "document",
        "关于做好冬季安全生产大检查工作的通知",
        "各镇（街道）：\n各镇要于每周一上午10点前通过工作群报送上周检查情况，并附检查人员与企业负责人合影。",
        {"HIGH_FREQUENCY", "PHOTO_VIDEO_DEMAND"},
    ),
    (
        "document",
        "关于做好冬季安全生产大检查工作的通知",
        "各镇（街道）：\n对检查中发现重大隐患未及时整改的，实行“一票否决”，取消年度评优评先资格。",
        {"VETO_DEMAND"},
    ),
    (
        "meeting",
        "关于召开全区安全生产工作会议的通知",
        "会议时间半天，请各镇（街道）党（工）委书记参会并作表态发言，发言材料请于会前报送。",
        {"PRINCIPAL_ATTENDANCE", "MATERIAL_DEMAND"},
    ),
    (
        "data_request",
        "关于填报安全隐患排查统计表的通知",
        "各村（社区）请于每日18时前在“安全隐患排查”小程序填报当日排查情况，填报率将纳入月度考核排名。",
        {"HIGH_FREQUENCY", "RANKING_DEMAND"},
    ),
    (
        "task",
        "关于交办安全生产属地巡查任务的通知",
        "各镇要与辖区企业逐一签订安全生产承诺书，签订率达到100%。",
        {"PLEDGE_DEMAND"},
    ),
    (
        "inspection",
        "第四季度安全生产督查检查",
        "督查组将随机抽取3家企业实地查看，不提前通知，不需镇村陪同，督查结束后向被督查镇反馈问题清单。",
        set(),
    ),
    (
        "research",
        "学校安全工作调研",
        "调研组将对各校安全工作进行量化评分，并将评分结果在全区教育系统通报。",
        {"DISGUISED_INSPECTION", "RANKING_DEMAND"},
    ),
    (
        "app",
        "高标准农田建设巡查小程序",
        "小程序上线后，请各村巡查员每天至少登录一次并完成巡查签到，系统自动统计在线时长。",
        {"APP_FORCED_USE", "CHECKIN_DEMAND"},
    ),
    (
        "campus",
        "防溺水安全教育进校园活动",
        "请各校在活动后三日内通过邮件报送活动开展情况简报，简报不超过300字，不需附照片。",
        set(),
    ),
    (
        "document",
        "关于冬季安全生产大检查的通知",
        "各镇（街道）：\n本次检查的具体要求已在“区安全生产工作群”中发布，请各镇按群内通知执行，本文不再重复。",
        {"EVASIVE_FORM"},
    ),
]


def realistic():
    for n, (frame, title, text, codes) in enumerate(REALISTIC, start=1):
        yield f"x{n:02d}", f"{frame}：{title}", codes, merge(FRAMES[frame], title=title, body=text)


def main() -> None:
    rows = []
    for case_id, note, codes, draft in list(cases()) + list(structural()) + list(realistic()):
        rows.append({"id": case_id, "note": note, "expected": sorted(codes), "draft": draft})
    with (HERE / "drafts.jsonl").open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(len(rows), "drafts")


if __name__ == "__main__":
    main()
