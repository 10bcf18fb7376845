"""`jianfu review FILE.json|-`: run the gate on a draft (spec/cli.md, spec/gate.md).

Exit codes: 0 pass/revise, 1 block, 2 bad input (names the file and field), 3 other.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jianfu.gate.drafts import DraftError
from jianfu.gate.service import review_draft
from jianfu.ledger.choices import Kind

VERDICT_LABELS = {"pass": "通过", "revise": "需修改", "block": "不予通过"}
SEVERITY_LABELS = {"block": "阻断", "warn": "警示", "info": "提示"}


def format_text(review: dict) -> str:
    m = review["measures"]
    kind = Kind(review["kind"]).label if review["kind"] in Kind.values else review["kind"]
    lines = [
        f"前置审核结论：{VERDICT_LABELS[review['verdict']]}（{review['verdict']}）",
        f"类型：{kind}　字数：{m['chars']}　预计负担：{m['burden_hours']} 工时"
        f"（每单位 {m['burden_hours_per_unit']} 工时，{m['target_units']} 个对象单位）",
    ]
    labels = {"plan_entry": "计划事项", "duty_entry": "清单事项", "whitelist_entry": "白名单事项"}
    for key, entry in (m.get("matched") or {}).items():
        lines.append(f"{labels.get(key, key)}：“{entry['title']}”（{entry['how']}，编号 {entry['id']}）")
    findings = review["findings"]
    if not findings:
        lines.append("未发现问题。")
    else:
        lines.append(f"发现 {len(findings)} 项问题：")
    for n, f in enumerate(findings, start=1):
        lines.append(f"{n}. 【{SEVERITY_LABELS[f['severity']]}】{f['code']}　{f['message']}")
        for ev in f["evidence"]:
            lines.append(f"   原文第 {ev['start'] + 1}–{ev['end']} 字：“{ev['text']}”")
        for r in f["related"]:
            extra = f"，相似度 {r['similarity']}" if "similarity" in r else ""
            lines.append(f"   相关事项 #{r['id']}《{r['title']}》{extra}")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "对一个事项草稿（JSON 文件，- 表示标准输入）进行前置审核。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="草稿 JSON 文件路径，- 表示从标准输入读取")
        parser.add_argument("--format", choices=("json", "text"), default="text", help="输出格式（默认 text）")

    def handle(self, *args, **options):
        source = options["file"]
        name = "标准输入" if source == "-" else source
        try:
            raw = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"无法读取文件 {name}：{exc}", returncode=2) from None
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"文件 {name} 不是有效的 JSON（第{exc.lineno}行第{exc.colno}列）：{exc.msg}", returncode=2
            ) from None
        try:
            review = review_draft(data)
        except DraftError as exc:
            raise CommandError(f"文件 {name}：{exc}", returncode=2) from None
        except Exception as exc:  # noqa: BLE001 - any other failure is exit code 3, with a message
            raise CommandError(f"审核 {name} 时出错：{exc}", returncode=3) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(review, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(format_text(review))
        if review["verdict"] == "block":
            sys.exit(1)
