"""Chinese names the report and the dashboard use for figures, kinds and finding codes."""

from jianfu.ledger.choices import Kind

KIND_LABELS = dict(Kind.choices)

FIGURE_LABELS = {
    "documents": "发文数",
    "policy_documents": "政策性文件数",
    "short_document_share": "短文占比（%）",
    "meetings": "会议数",
    "meeting_avg_minutes": "平均会议时长（分钟）",
    "video_meeting_share": "视频会议占比（%）",
    "coordination_body_reduction": "议事协调机构精简率（%）",
    "inspections": "督查检查考核数",
    "merged_items": "整合归并事项数",
    "data_requests": "报表数",
    "data_request_fields": "报表字段数",
    "shared_fields": "共享获取字段数",
    "off_list_tasks_blocked": "清单外事项拦截数",
    "campus_activities": "进校园活动数",
    "apps_live": "政务应用数",
    "reviews": "前置审核事项数",
    "burden_hours": "基层负担工时（小时）",
    "burden_hours_per_unit": "单位平均负担工时（小时）",
    "channel_reports_received": "监测点反映数",
    "channel_reports_resolved": "监测点反映办结数",
    "reviews_revised": "审核后修改事项数",
    "review_block_share": "审核不予通过占比（%）",
    "apps_live_change_since_year_start": "政务应用较年初增减",
    "short_documents": "3000字以内文件数",
    "video_meetings": "视频会议数",
    "bodies_active": "期末议事协调机构数",
    "tasks": "属地任务数",
    "awards": "评比创建数",
    "channel_hidden_items": "监测点发现隐形事项数",
    "channel_on_time_rate": "监测点反映按时办结率（%）",
}

FIGURE_GROUPS = {
    "精文减会": ["documents", "policy_documents", "short_documents", "short_document_share", "meetings",
                 "meeting_avg_minutes", "video_meetings", "video_meeting_share", "coordination_body_reduction",
                 "bodies_active"],
    "督查检查考核": ["inspections", "merged_items"],
    "报表与数据共享": ["data_requests", "data_request_fields", "shared_fields"],
    "清单与准入": ["off_list_tasks_blocked", "campus_activities", "apps_live", "apps_live_change_since_year_start",
                   "tasks", "awards"],
    "前置审核": ["reviews", "reviews_revised", "review_block_share"],
    "基层负担工时": ["burden_hours", "burden_hours_per_unit"],
    "监测点直报": ["channel_reports_received", "channel_reports_resolved", "channel_on_time_rate",
                   "channel_hidden_items"],
}  # fmt: skip

CODE_LABELS = {
    "NOT_IN_PLAN": "计划外发起",
    "QUOTA_EXCEEDED": "超出年度总量",
    "NEAR_DUPLICATE": "与已发事项高度重复",
    "TRACE_DEMAND": "过度留痕",
    "PHOTO_VIDEO_DEMAND": "要求拍照视频留痕",
    "CHECKIN_DEMAND": "要求打卡签到",
    "INSTANT_REPLY_DEMAND": "要求秒回即时回复",
    "RANKING_DEMAND": "排名通报打分",
    "TIGHT_DEADLINE": "时限过紧",
    "HIGH_FREQUENCY": "报送频次过高",
    "MATERIAL_DEMAND": "要求汇报材料PPT展板",
    "PLEDGE_DEMAND": "要求签订责任书",
    "VETO_DEMAND": "设置一票否决",
    "LEVEL_UP_DEMAND": "层层加码",
    "EVASIVE_FORM": "变相发文",
    "DOC_TOO_LONG": "文件篇幅超长",
    "COPIES_UPPER_DOC": "以文件落实文件",
    "DEMANDS_IMPLEMENTATION_REPORT": "要求报送贯彻落实情况",
    "MEETING_TOO_LONG": "会议时长超标",
    "ONSITE_WHEN_VIDEO": "可改视频会议",
    "MEETING_MERGEABLE": "会议可合并",
    "PRINCIPAL_ATTENDANCE": "要求主要负责人参会",
    "BODY_ABOLISHED": "以已撤并机构名义开会",
    "INSPECTION_OVERLAP": "督查检查扎堆",
    "INSPECTION_CAP": "超出检查频次上限",
    "DISGUISED_INSPECTION": "以调研之名行督查之实",
    "MATERIAL_BASED_ASSESSMENT": "以材料论英雄",
    "DATA_ALREADY_SHARED": "重复填报已共享数据",
    "DATA_REQUEST_OVERLAP": "报表内容重复",
    "OFF_LIST_TASK": "清单外事项转嫁基层",
    "UNFUNDED_TASK": "权责利不统一",
    "CAMPUS_NOT_WHITELISTED": "未列入进校园白名单",
    "CAMPUS_CAP": "超出进校园次数上限",
    "APP_DUPLICATE_FUNCTION": "政务应用功能重复",
}

VERDICT_LABELS = {"pass": "通过", "revise": "需修改", "block": "不予通过"}


def figure_label(key: str) -> str:
    return FIGURE_LABELS.get(key, key)


def code_label(code: str) -> str:
    return CODE_LABELS.get(code, code)


PARAM_LABELS = {
    "document_read_hours": ("发文", "阅读、传达一份文件（小时）"),
    "document_hours_per_1000_chars": ("发文", "每千字增加（小时）"),
    "document_report_back_hours": ("发文", "要求书面报送贯彻落实情况（小时）"),
    "meeting_travel_minutes_onsite": ("会议", "现场会议往返路程（分钟）"),
    "meeting_materials_hours": ("会议", "要求准备汇报材料（小时）"),
    "inspection_preparation_hours": ("督查检查考核", "迎检准备（小时）"),
    "inspection_hours_per_onsite_day": ("督查检查考核", "每个现场检查日（小时）"),
    "inspection_default_onsite_days": ("督查检查考核", "未填现场天数时按（天）"),
    "data_request_hours_per_field": ("报表", "每个字段（小时，0.05即3分钟）"),
    "task_hours_if_missing": ("属地任务", "发起单位未填预计工时时按（小时）"),
    "campus_hours": ("进校园", "每次活动（小时）"),
    "award_hours": ("评比创建", "每个周期（小时）"),
    "app_working_days_per_year": ("政务应用", "每年工作日（天），每日占用分钟÷60×工作日，按期间折算"),
}
