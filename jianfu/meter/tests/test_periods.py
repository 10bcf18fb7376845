import datetime as dt

import pytest

from jianfu.meter.periods import PeriodError, describe, parse_period

D = dt.date


@pytest.mark.parametrize(
    ("text", "start", "end", "previous"),
    [
        ("2025", D(2025, 1, 1), D(2025, 12, 31), "2024"),
        ("2025Q4", D(2025, 10, 1), D(2025, 12, 31), "2024Q4"),
        ("2025q1", D(2025, 1, 1), D(2025, 3, 31), "2024Q1"),
        ("2025H1", D(2025, 1, 1), D(2025, 6, 30), "2024H1"),
        ("2025H2", D(2025, 7, 1), D(2025, 12, 31), "2024H2"),
        ("2025-10-01..2025-12-31", D(2025, 10, 1), D(2025, 12, 31), "2024-10-01..2024-12-31"),
        (" 2024-02-01 .. 2024-02-29 ", D(2024, 2, 1), D(2024, 2, 29), "2023-02-01..2023-02-28"),
    ],
)
def test_periods_parse_and_know_the_same_period_a_year_earlier(text, start, end, previous):
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)
    assert period.year_earlier().label == previous


def test_a_quarter_a_year_earlier_has_the_same_days():
    prev = parse_period("2025Q4").year_earlier()
    assert (prev.start, prev.end) == (D(2024, 10, 1), D(2024, 12, 31))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "未指定"),
        ("2025Q5", "无法识别"),
        ("2025H3", "无法识别"),
        ("25Q4", "无法识别"),
        ("2025-13-01..2025-12-31", "日期无效"),
        ("2025-12-31..2025-10-01", "早于开始日期"),
        ("0001", "不合理"),
        ("2010-01-01..2025-12-31", "超过5年"),
    ],
)
def test_bad_periods_are_refused_with_a_chinese_message(text, words):
    with pytest.raises(PeriodError, match=words):
        parse_period(text)


def test_periods_are_described_in_report_words():
    assert describe(parse_period("2025Q4")) == "2025年第四季度"
    assert describe(parse_period("2025H1")) == "2025年上半年"
    assert describe(parse_period("2025")) == "2025年"
    assert describe(parse_period("2025-10-01..2025-11-15")) == "2025年10月1日至2025年11月15日"
