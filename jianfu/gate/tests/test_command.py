import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run(path: str, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("review", path, *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code), out.getvalue()
    return 0, out.getvalue()


def write(tmp_path, data) -> str:
    path = tmp_path / "draft.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_json_format_prints_the_review_and_exits_0_on_revise(district, tmp_path):
    path = write(tmp_path, {"kind": "app", "title": "报名群", "issuer": "区教育局", "body": "请上传照片。"})
    code, out = run(path, "--format", "json")
    review = json.loads(out)
    assert code == 0 and review["verdict"] == "revise"
    assert [f["code"] for f in review["findings"]] == ["PHOTO_VIDEO_DEMAND"]


def test_block_exits_1_and_text_format_is_readable_chinese(district, tmp_path):
    path = write(
        tmp_path, {"kind": "document", "title": "书法比赛", "issuer": "区应急管理局", "body": "实行一票否决。"}
    )
    code, out = run(path)
    assert code == 1
    assert "前置审核结论：不予通过" in out and "【阻断】VETO_DEMAND" in out and "“一票否决”" in out


def test_pass_exits_0(district, tmp_path):
    path = write(tmp_path, {"kind": "app", "title": "报名小程序", "issuer": "区教育局", "body": "自愿使用。"})
    code, out = run(path, "--format", "json")
    assert code == 0 and json.loads(out)["verdict"] == "pass"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{not json", "不是有效的 JSON"),
        ({"kind": "document", "title": "t", "issuer": "火星局"}, "火星局"),
        ({"kind": "document", "title": "t", "issuer": "区应急管理局", "date": "昨天"}, "date"),
    ],
)
def test_bad_input_exits_2_naming_the_file_and_field(district, tmp_path, content, fragment):
    path = write(tmp_path, content)
    with pytest.raises(CommandError) as err:
        call_command("review", path)
    assert err.value.returncode == 2
    assert path in str(err.value) and fragment in str(err.value)


def test_missing_file_exits_2(db, tmp_path):
    with pytest.raises(CommandError) as err:
        call_command("review", str(tmp_path / "nope.json"))
    assert err.value.returncode == 2


def test_reads_stdin(district, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps({"kind": "app", "title": "群", "issuer": "区教育局"})))
    code, out = run("-", "--format", "json")
    assert code == 0 and json.loads(out)["kind"] == "app"
