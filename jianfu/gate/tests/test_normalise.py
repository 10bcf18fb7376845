from jianfu.gate.normalise import normalise, normalise_key, normalise_phrase


def test_full_width_letters_and_case_fold_to_plain_lower_case():
    assert normalise("ＰＰＴ").text == "ppt"


def test_spaces_and_punctuation_inside_a_phrase_are_dropped_but_remembered():
    body = "请 上传，照片"
    norm = normalise(body)
    assert norm.text == "请上传照片"
    start, end = norm.span(3, 5)
    assert body[start:end] == "照片"
    start, end = norm.span(1, 5)
    assert body[start:end] == "上传，照片"


def test_traditional_characters_map_to_simplified():
    assert normalise("請建立工作臺賬").text == "请建立工作台账"


def test_sentence_and_clause_numbers_follow_the_punctuation():
    norm = normalise("不得拍照，上传视频。打卡")
    assert norm.sentence[0] == norm.sentence[5] != norm.sentence[-1]
    assert norm.clause[0] != norm.clause[5]


def test_expanding_characters_keep_every_offset_inside_the_body():
    body = "㍻元年㈱上传照片"
    norm = normalise(body)
    assert all(0 <= i < len(body) for i in norm.origin)
    assert len(norm.origin) == len(norm.text)


def test_phrase_markers_survive_phrase_normalisation():
    assert normalise_phrase("上传……照片") == "上传…照片"
    assert normalise_phrase("#分钟内 回复") == "#分钟内回复"
    assert normalise_key(" 户籍 人口（人）") == "户籍人口人"


def test_the_table_driven_path_gives_what_the_per_character_loop_gives():
    from jianfu.gate.normalise import _normalise_fast, _normalise_loop

    body = "各镇（街道）：\n  请于11月20日前上传ＰＰＴ和簽到照片，收到請回复！不得要求“拍 照 留 痕”；谢谢。"
    assert _normalise_fast(body) == _normalise_loop(body)
    # "﹐" (small comma) and "ﬁ" (a ligature) normalise to a break or to several
    # characters: the exact loop handles those bodies.
    for odd in ("收到﹐请回复。", "ﬁle上传照片"):
        assert _normalise_fast(odd) is None
        assert normalise(odd) == _normalise_loop(odd)
    n = normalise("收到﹐请回复")
    assert n.text == "收到请回复" and n.clause[1] != n.clause[2]


def test_characters_beyond_the_basic_plane_take_the_exact_loop():
    from jianfu.gate.normalise import _normalise_fast, _normalise_loop

    body = "请上传😀照片，𠀀打卡。"
    assert _normalise_fast(body) is None
    assert normalise(body) == _normalise_loop(body)
    assert normalise("").text == ""
