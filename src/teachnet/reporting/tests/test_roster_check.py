"""The roster check (REP-3, REP-8): every kind of bad file, every row rule with its grant and its denial."""

import datetime as dt

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from teachnet.core.identity import id_card_problem, id_check_char, validate_id_card, validate_mobile
from teachnet.core.protect import blind_index
from teachnet.orgs.models import Region
from teachnet.reporting import roster_check as engine
from teachnet.reporting.roster_check import RosterUnusable, clean_code, roster_check
from teachnet.reporting.roster_marked import write_marked_copy
from teachnet.training.catalog import subject_by_label

from . import xlsx_builders as xb

MATHS = subject_by_label("初中数学")


@pytest.fixture
def gz(db):
    return Region.objects.get(code="440100")


@pytest.fixture
def gd(db):
    return Region.objects.get(code="440000")


@pytest.fixture
def upload(tmp_path):
    """Write a roster file and return its path: upload(rows, **write_roster options)."""
    counter = iter(range(1000))

    def make(rows, **options):
        return xb.write_roster(tmp_path / f"roster{next(counter)}.xlsx", rows, **options)

    return make


def check_trainees(path, scope, **kwargs):
    return roster_check(path=path, kind="trainee", scope=scope, subject=MATHS, **kwargs)


def check_trainers(path, scope, **kwargs):
    return roster_check(path=path, kind="trainer", scope=scope, subject=None, **kwargs)


def codes(result):
    return [(e.row, e.column, e.code) for e in result.errors]


# --- a good file -------------------------------------------------------------------------------------


def test_a_valid_file_passes_with_normalized_values(upload, gz):
    # Given a Guangzhou 初中数学 file of three correct rows
    path = upload([xb.trainee_row(1), xb.trainee_row(2), xb.trainee_row(3)])

    # When it is checked
    result = check_trainees(path, gz)

    # Then nothing is wrong and every row comes back normalized
    assert result.errors == []
    assert result.rows == 3
    assert [r.row for r in result.valid_rows] == [2, 3, 4]
    first = result.valid_rows[0].values
    assert first["身份证号"] == xb.make_id(seq=1, male=True)
    assert first["region_code"] == "440106"
    assert first["id_card_index"] == blind_index("id_card", first["身份证号"])
    assert first["序号"] == "1"
    assert (first["学段"], first["学科"]) == ("初中", "数学")
    assert result.sheet == "学员信息表"
    assert result.warnings == []


def test_what_people_really_type_is_normalized(upload, gz):
    number = xb.make_id(seq=7, male=False, birth="19900101")
    number_x = _id_with_x_check_digit()
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in number)
    rows = [
        xb.trainee_row(
            1,
            male=False,
            身份证号=f"  {fullwidth} ",
            手机号码=13912345678.0,  # a phone typed as a number
            性别="女性",
            民族="汉",
            所在区县="天河",
            电子邮箱="ｌｉ＠example.com",
            姓名=" 李　四 ",
            学科="初中数学",
        ),
        xb.trainee_row(2, 身份证号=number_x.lower(), 性别=_gender_of(number_x), 所在区县="440106"),
        xb.trainee_row(3, 手机号码="+86 139-0000-0003", 所在区县="广州市番禺区"),
    ]
    result = check_trainees(upload(rows), gz)

    assert result.errors == []
    one, two, three = (r.values for r in result.valid_rows)
    assert one["身份证号"] == number
    assert one["手机号码"] == "13912345678"
    assert (one["性别"], one["民族"], one["所在区县"], one["region_code"]) == ("女", "汉族", "天河", "440106")
    assert one["电子邮箱"] == "li@example.com"
    assert one["姓名"] == "李四"
    assert one["学科"] == "数学"
    assert two["身份证号"] == number_x
    assert two["region_code"] == "440106"
    assert three["手机号码"] == "13900000003"
    assert three["region_code"] == "440113"


def _id_with_x_check_digit():
    for seq in range(1, 999):
        first17 = f"44010619800101{seq:03d}"
        if id_check_char(first17) == "X":
            return first17 + "X"
    raise AssertionError("no X check digit found")


def _gender_of(number):
    return "男" if int(number[16]) % 2 else "女"


def test_blank_rows_are_skipped_and_row_numbers_stay_excels(upload, gz):
    rows = [xb.trainee_row(1), ["", "  ", None], xb.trainee_row(2, 手机号码="12345")]
    result = check_trainees(upload(rows), gz)
    assert result.rows == 2
    assert codes(result) == [(4, "手机号码", "phone_format")]


# --- each row rule: the denial (the grant is the valid file above) -----------------------------------


@pytest.mark.parametrize(
    ("overrides", "column", "code", "words"),
    [
        ({"姓名": ""}, "姓名", "required", "不能为空"),
        ({"工作单位": "  "}, "工作单位", "required", "不能为空"),
        ({"身份证号": "440106850312001"}, "身份证号", "id_15_digits", "15位"),
        ({"身份证号": "44010619850312"}, "身份证号", "id_format", "18位"),
        ({"身份证号": "440106198502300011"}, "身份证号", "id_birth_date", "出生日期"),
        ({"身份证号": "440106198503120010"}, "身份证号", "id_checksum", "校验位"),
        ({"性别": "男"}, "性别", "gender_mismatch", "第17位"),
        ({"性别": "M"}, "性别", "gender_value", "男"),
        ({"民族": "火星族"}, "民族", "ethnicity_value", "汉族"),
        ({"手机号码": "0201234567"}, "手机号码", "phone_format", "11位"),
        ({"手机号码": "1391234567"}, "手机号码", "phone_format", "11位"),
        ({"电子邮箱": "teacher@"}, "电子邮箱", "email_format", "name@example.com"),
        ({"所在区县": "南山区"}, "所在区县", "region_not_in_scope", "广州市"),
        ({"所在区县": "440305"}, "所在区县", "region_not_in_scope", "6位行政区划代码"),
        ({"学段": "小学"}, "学段", "stage_mismatch", "初中数学"),
        ({"学科": "语文"}, "学科", "subject_mismatch", "数学"),
        ({"姓名": "张" * 31}, "姓名", "too_long", "30"),
    ],
)
def test_each_bad_value_is_named_with_excels_row_and_the_header(upload, gz, overrides, column, code, words):
    # Given a good row 2 and a row 3 with one mistake
    path = upload([xb.trainee_row(1), xb.trainee_row(2, **overrides)])

    result = check_trainees(path, gz)

    assert codes(result) == [(3, column, code)]
    assert words in result.errors[0].message
    assert [r.row for r in result.valid_rows] == [2]


def test_an_id_stored_as_a_number_has_lost_digits_and_says_so(upload, gz):
    result = check_trainees(upload([xb.trainee_row(1, 身份证号=440106198503120011)]), gz)
    assert codes(result) == [(2, "身份证号", "id_format")]
    assert "文本" in result.errors[0].message


@pytest.mark.parametrize(("column", "code"), [("手机号码", "phone_format"), ("身份证号", "id_format")])
def test_a_date_in_the_id_or_phone_column_is_refused(upload, gz, column, code):
    result = check_trainees(upload([xb.trainee_row(1, **{column: dt.date(2020, 1, 2)})]), gz)
    assert codes(result) == [(2, column, code)]
    assert "日期" in result.errors[0].message


def test_a_date_in_a_text_column_reads_as_the_date(upload, gz):
    result = check_trainees(upload([xb.trainee_row(1, 备注=dt.date(2011, 9, 1))]), gz)
    assert result.errors == []
    assert result.valid_rows[0].values["备注"] == "2011-09-01"


def test_a_city_without_counties_accepts_the_city_itself(upload, db):
    dongguan = Region.objects.get(code="441900")
    result = check_trainees(upload([xb.trainee_row(1, 所在区县="东莞市")]), dongguan)
    assert result.errors == []
    assert result.valid_rows[0].values["region_code"] == "441900"


def test_values_outside_the_template_columns_are_an_error(upload, gz):
    row = [*xb.trainee_row(1).values(), "多写的一格"]
    result = check_trainees(upload([row]), gz)
    assert codes(result) == [(2, "", "extra_value")]
    assert "第O列" in result.errors[0].message


# --- repeats, other submissions, quota ---------------------------------------------------------------


def test_each_repeated_id_and_phone_names_the_first_row(upload, gz):
    first = xb.trainee_row(1)
    rows = [
        first,
        xb.trainee_row(2),
        xb.trainee_row(3, 身份证号=first["身份证号"]),
        xb.trainee_row(4, 手机号码=first["手机号码"]),
        xb.trainee_row(5, 身份证号=first["身份证号"], 手机号码=first["手机号码"]),
    ]
    result = check_trainees(upload(rows), gz)

    assert codes(result) == [
        (4, "身份证号", "duplicate_id"),
        (5, "手机号码", "duplicate_phone"),
        (6, "身份证号", "duplicate_id"),
        (6, "手机号码", "duplicate_phone"),
    ]
    assert all("第2行" in e.message for e in result.errors)
    assert [r.row for r in result.valid_rows] == [2, 3]


def test_ids_in_another_submission_are_flagged_without_revealing_it(upload, gz):
    rows = [xb.trainee_row(1), xb.trainee_row(2), xb.trainee_row(3, 身份证号="bad")]
    taken = blind_index("id_card", rows[1]["身份证号"])
    calls = []

    def taken_elsewhere(hashes):
        calls.append(list(hashes))
        return {taken}

    result = check_trainees(upload(rows), gz, taken_elsewhere=taken_elsewhere)

    # One call, with keyed hashes of the valid numbers only, never the numbers themselves
    assert len(calls) == 1
    assert sorted(calls[0]) == sorted(blind_index("id_card", r["身份证号"]) for r in rows[:2])
    assert codes(result) == [(3, "身份证号", "id_in_other_submission"), (4, "身份证号", "id_format")]
    message = result.errors[0].message
    assert "省级项目负责人" in message
    for secret in (rows[1]["身份证号"], "深圳", "城市", "行"):
        assert secret not in message


def test_rows_beyond_the_quota_are_each_an_error_naming_it(upload, gz):
    rows = [xb.trainee_row(i) for i in range(1, 5)]
    result = check_trainees(upload(rows), gz, quota=2)
    assert codes(result) == [(4, "", "over_quota"), (5, "", "over_quota")]
    message = result.errors[0].message
    assert "名额为2人" in message and "多了2人" in message and "第4行" in message
    assert [r.row for r in result.valid_rows] == [2, 3]


def test_a_file_within_the_quota_passes(upload, gz):
    result = check_trainees(upload([xb.trainee_row(1), xb.trainee_row(2)]), gz, quota=2)
    assert result.errors == []


def test_the_check_writes_nothing(upload, gz):
    path = upload([xb.trainee_row(1), xb.trainee_row(2, 手机号码="1")])
    with CaptureQueriesContext(connection) as queries:
        check_trainees(path, gz)
    assert queries.captured_queries
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)


# --- the trainer table -------------------------------------------------------------------------------


def test_a_valid_trainer_file_passes(upload, gd):
    rows = [
        xb.trainer_row(1),
        xb.trainer_row(2, 所在地市="深圳", 学段="小学", 学科="品德与社会", 教师类型="教研员"),
        xb.trainer_row(3, 所在地市="440300", 学科="思品"),
    ]
    result = check_trainers(upload(rows, kind="trainer", title="培训者信息表"), gd)
    assert result.errors == []
    values = [r.values for r in result.valid_rows]
    assert [v["region_code"] for v in values] == ["440100", "440300", "440300"]
    assert (values[1]["学段"], values[1]["学科"]) == ("小学", "品德与生活")
    assert values[2]["学科"] == "思想品德"


@pytest.mark.parametrize(
    ("overrides", "column", "code"),
    [
        ({"所在地市": "长沙市"}, "所在地市", "region_not_in_scope"),
        ({"所在地市": "天河区"}, "所在地市", "region_not_in_scope"),
        ({"学段": "高中"}, "学段", "stage_value"),
        ({"学段": "小学", "学科": "物理"}, "学科", "subject_value"),
        ({"教师类型": "校长"}, "教师类型", "teacher_type_value"),
        ({"教师类型": ""}, "教师类型", "required"),
    ],
)
def test_each_bad_trainer_value_is_named(upload, gd, overrides, column, code):
    path = upload([xb.trainer_row(1, **overrides)], kind="trainer")
    result = check_trainers(path, gd)
    assert codes(result) == [(2, column, code)]


def test_a_county_level_city_under_the_province_counts_as_a_city(upload, db):
    hubei = Region.objects.get(code="420000")
    row = xb.trainer_row(1, 所在地市="仙桃市", 身份证号=xb.make_id(area="429004"))
    result = check_trainers(upload([row], kind="trainer"), hubei)
    assert result.errors == []
    assert result.valid_rows[0].values["region_code"] == "429004"


# --- bad files: each gets its message ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "code", "words"),
    [
        (xb.renamed_csv, "not_xlsx", "CSV"),
        (xb.renamed_xls, "not_xlsx", ".xls"),
        (xb.docx_like, "not_xlsx", "Word"),
        (xb.corrupt_xlsx, "corrupt", "损坏"),
        (xb.garbled_sheet_xlsx, "corrupt", "损坏"),
        (xb.zip_bomb, "zip_bomb", "解压后异常巨大"),
        (xb.empty_workbook, "empty", "空的"),
    ],
)
def test_a_bad_file_is_unusable_with_a_clear_message(tmp_path, gz, build, code, words):
    path = build(tmp_path / "upload.xlsx")
    with pytest.raises(RosterUnusable) as exc:
        check_trainees(path, gz)
    assert exc.value.code == code
    assert words in exc.value.message


def test_an_xlsx_named_otherwise_is_read_by_its_content(upload, gz):
    path = upload([xb.trainee_row(1)])
    renamed = path.rename(path.with_name("学员.xls"))
    assert check_trainees(renamed, gz).errors == []


def test_a_zero_byte_file_is_empty(tmp_path, gz):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    with pytest.raises(RosterUnusable) as exc:
        check_trainees(path, gz)
    assert exc.value.code == "empty"


def test_a_file_over_the_size_limit_is_refused(upload, gz):
    path = upload([xb.trainee_row(1)])
    with pytest.raises(RosterUnusable) as exc:
        check_trainees(path, gz, max_bytes=1024)
    assert exc.value.code == "too_large"


def test_a_sheet_that_inflates_past_the_limit_is_stopped_while_reading(upload, gz, monkeypatch):
    # The zip directory can lie about sizes; the scan counts what it really inflates.
    path = upload([xb.trainee_row(i) for i in range(1, 50)])
    monkeypatch.setattr(engine, "MAX_UNCOMPRESSED_BYTES", 20_000)
    monkeypatch.setattr(engine, "_open_archive", lambda path, max_bytes: __import__("zipfile").ZipFile(path))
    with pytest.raises(RosterUnusable) as exc:
        check_trainees(path, gz)
    assert exc.value.code == "zip_bomb"


def test_a_header_without_data_is_empty(upload, gz):
    with pytest.raises(RosterUnusable) as exc:
        check_trainees(upload([]), gz)
    assert exc.value.code == "empty"
    assert "没有数据行" in exc.value.message


def test_more_rows_than_the_maximum_is_refused(upload, gz):
    path = upload([xb.trainee_row(i) for i in range(1, 4)])
    with pytest.raises(RosterUnusable) as exc:
        check_trainees(path, gz, max_rows=2)
    assert exc.value.code == "too_many_rows"
    assert "2行" in exc.value.message


def test_the_maximum_comes_from_settings(upload, gz, settings):
    settings.ROSTER_MAX_ROWS = 1
    with pytest.raises(RosterUnusable):
        check_trainees(upload([xb.trainee_row(1), xb.trainee_row(2)]), gz)


def test_a_header_typo_names_the_header_it_probably_meant(upload, gz):
    header = list(engine.TRAINEE_COLUMNS)
    header[4] = "身份正号"
    with pytest.raises(RosterUnusable) as exc:
        check_trainees(upload([xb.trainee_row(1)], header=header), gz)
    assert exc.value.code == "header"
    assert "第E列表头“身份正号”应为“身份证号”" in exc.value.message
    assert exc.value.details == ["第E列表头“身份正号”应为“身份证号”。"]


def test_a_missing_and_an_extra_column_are_each_named(upload, gz):
    header = [c for c in engine.TRAINEE_COLUMNS if c != "手机号码"] + ["QQ号"]
    with pytest.raises(RosterUnusable) as exc:
        check_trainees(upload([], header=header), gz)
    message = exc.value.message
    assert "缺少“手机号码”列（模板中在第F列）" in message
    assert "第N列“QQ号”不是模板中的列" in message


def test_columns_out_of_order_are_named(upload, gz):
    header = list(engine.TRAINEE_COLUMNS)
    header[1], header[2] = header[2], header[1]
    with pytest.raises(RosterUnusable) as exc:
        check_trainees(upload([], header=header), gz)
    assert "位置不对" in exc.value.message or "应为" in exc.value.message


def test_required_star_marks_in_the_header_are_accepted(upload, gz):
    header = [f"*{c}" if c in engine.TRAINEE_REQUIRED else c for c in engine.TRAINEE_COLUMNS]
    assert check_trainees(upload([xb.trainee_row(1)], header=header), gz).errors == []


def test_a_title_row_above_the_header_is_named(upload, gz):
    with pytest.raises(RosterUnusable) as exc:
        check_trainees(upload([xb.trainee_row(1)], before=[["广州市初中数学学员信息表"]]), gz)
    assert exc.value.code == "header"
    assert "第2行" in exc.value.message


def test_a_sheet_that_is_not_a_roster_lists_the_expected_header(upload, gz):
    with pytest.raises(RosterUnusable) as exc:
        check_trainees(upload([["a", "b"]], header=["商品", "价格"]), gz)
    assert "序号、姓名、性别" in exc.value.message


# --- structure: sheets, formulas, merged and hidden cells --------------------------------------------


def test_the_roster_sheet_is_found_and_other_sheets_are_named_as_ignored(upload, gz):
    path = upload(
        [xb.trainee_row(1)],
        extra_first=True,
        extra_sheets={"说明": [["请按模板填写"]], "Sheet3": []},
        hidden_sheets={"旧数据": [["x"]]},
    )
    result = check_trainees(path, gz)
    assert result.errors == []
    assert result.sheet == "学员信息表"
    assert result.warnings == [
        "工作表“说明”不是学员信息表，未读取，已忽略。",
        "隐藏的工作表“旧数据”未读取，已忽略。",
    ]


def test_formulas_are_read_by_their_saved_values_never_evaluated(upload, gz):
    path = upload(
        [xb.trainee_row(1, 序号=None, 姓名=None)],
        formulas={"A2": ("ROW()-1", 1), "B2": ('"张"&"三"', "张三")},
    )
    result = check_trainees(path, gz)
    assert result.errors == []
    assert result.valid_rows[0].values["姓名"] == "张三"
    assert result.valid_rows[0].values["序号"] == "1"
    assert "2个公式" in result.warnings[0]


def test_a_formula_without_a_saved_value_says_so(upload, gz):
    path = upload([xb.trainee_row(1, 姓名=None)], formulas={"B2": ('"张"&"三"', None)})
    result = check_trainees(path, gz)
    assert codes(result) == [(2, "姓名", "formula_no_value")]
    assert "保存" in result.errors[0].message


def test_a_formula_that_computed_an_error_says_so(upload, gz):
    path = upload([xb.trainee_row(1, 工作单位=None)], formulas={"I2": ("VLOOKUP(B2,学校!A:B,2,0)", "#N/A")})
    result = check_trainees(path, gz)
    assert codes(result) == [(2, "工作单位", "formula_error")]
    assert "#N/A" in result.errors[0].message


def test_a_merged_cell_across_data_rows_names_the_range(upload, gz):
    path = upload([xb.trainee_row(1), xb.trainee_row(2, 所在区县="")], merged=["H2:H3"])
    result = check_trainees(path, gz)
    assert (2, "所在区县", "merged_cells") in codes(result)
    merged = next(e for e in result.errors if e.code == "merged_cells")
    assert "H2:H3" in merged.message and "取消合并" in merged.message


def test_a_hidden_row_with_data_must_be_unhidden_and_checked(upload, gz):
    path = upload([xb.trainee_row(1), xb.trainee_row(2)], hidden_rows=[3])
    result = check_trainees(path, gz)
    assert codes(result) == [(3, "", "hidden_row")]
    assert "取消隐藏" in result.errors[0].message
    assert [r.row for r in result.valid_rows] == [2]


def test_an_empty_hidden_row_is_harmless(upload, gz):
    path = upload([xb.trainee_row(1), [], xb.trainee_row(2)], hidden_rows=[3])
    assert check_trainees(path, gz).errors == []


def test_a_hidden_template_column_is_an_error(upload, gz):
    result = check_trainees(upload([xb.trainee_row(1)], hidden_columns=["E"]), gz)
    assert codes(result) == [(1, "身份证号", "hidden_column")]


# --- normalization, for any input --------------------------------------------------------------------

FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789Xx"}


def _valid_ids():
    def build(area_birth_seq):
        first17 = area_birth_seq
        return first17 + id_check_char(first17)

    births = st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2005, 12, 31))
    return st.builds(
        lambda area, born, seq: build(f"{area}{born:%Y%m%d}{seq:03d}"),
        st.sampled_from(["440106", "440305", "110108", "429004"]),
        births,
        st.integers(0, 999),
    )


@settings(max_examples=200)
@given(
    number=_valid_ids(),
    full_width=st.lists(st.booleans(), min_size=18, max_size=18),
    lower_x=st.booleans(),
    pad=st.sampled_from(["", " ", "\u3000", "\t", " \u00a0"]),
)
def test_any_valid_id_however_typed_normalizes_to_the_same_number(number, full_width, lower_x, pad):
    typed = "".join(
        FULL_WIDTH[c.lower() if (c == "X" and lower_x) else c] if wide else (c.lower() if lower_x else c)
        for c, wide in zip(number, full_width, strict=True)
    )
    # The engine's path: the cell's text, cleaned, upper-cased, then the fast check
    normalized = clean_code(engine.cell_text(pad + typed[:9] + pad + typed[9:] + pad)).upper()
    assert normalized == number
    assert id_card_problem(normalized, today=dt.date.today()) is None


@settings(max_examples=200)
@given(
    phone=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    form=st.sampled_from(["float", "full_width", "spaces", "dashes", "plus86"]),
)
def test_any_mobile_however_typed_normalizes_to_its_11_digits(phone, form):
    typed = {
        "float": float(phone),
        "full_width": "".join(FULL_WIDTH[c] for c in phone),
        "spaces": f" {phone[:3]} {phone[3:7]} {phone[7:]} ",
        "dashes": f"{phone[:3]}-{phone[3:7]}-{phone[7:]}",
        "plus86": f"+86{phone}",
    }[form]
    assert validate_mobile(clean_code(engine.cell_text(typed))) == phone


@given(st.integers(min_value=0, max_value=10**6))
def test_whole_numbers_read_as_floats_lose_their_point_zero(n):
    assert engine.cell_text(float(n)) == str(n)


def test_column_letters():
    assert [engine.column_letter(i) for i in (0, 13, 25, 26, 27, 701, 702)] == [
        "A", "N", "Z", "AA", "AB", "ZZ", "AAA",
    ]  # fmt: skip


@settings(max_examples=300)
@given(st.one_of(_valid_ids(), st.text(alphabet="0123456789Xx", min_size=14, max_size=19)))
def test_the_fast_id_check_agrees_with_validate_id_card(number):
    number = number.upper()
    today = dt.date.today()
    try:
        validate_id_card(number, today=today)
        expected = None
    except ValidationError as exc:
        expected = exc.code
    assert id_card_problem(number, today=today) == expected


# --- the marked copy -------------------------------------------------------------------------------------


def test_the_marked_copy_marks_each_wrong_cell_and_lists_every_error(upload, gz, tmp_path):
    # Given a checked file with a bad phone on row 3, a row over the quota, and text that looks like a formula
    rows = [xb.trainee_row(1), xb.trainee_row(2, 手机号码="12345"), xb.trainee_row(3)]
    path = upload(rows, text_cells={"N2": '=HYPERLINK("http://x")'})
    result = check_trainees(path, gz, quota=2)
    out = tmp_path / "marked.xlsx"

    # When the marked copy is written
    write_marked_copy(check=result, path_in=path, path_out=out)

    # Then the summary comes first and lists every error; the sheet keeps its values and marks the errors
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["错误汇总", "学员信息表"]
    summary = [[c.value for c in row] for row in book["错误汇总"].iter_rows(min_row=2)]
    assert [(r[0], r[1]) for r in summary] == [(3, "手机号码"), (4, "（整行）")]
    sheet = book["学员信息表"]
    assert [c.value for c in sheet[1]] == list(engine.TRAINEE_COLUMNS)
    phone = sheet["F3"]
    assert phone.value == "12345"
    assert phone.fill.fgColor.rgb.endswith("FFC7CE")
    assert "11位" in phone.comment.text
    assert sheet["A3"].fill.fgColor.rgb.endswith("FFC7CE")  # the row's 序号 too
    assert "手机号码" in sheet["A3"].comment.text
    assert "名额" in sheet["A4"].comment.text
    assert sheet["A2"].comment is None and sheet["F2"].fill.fill_type is None
    assert sheet["E2"].value == rows[0]["身份证号"]
    assert sheet["A2"].value == 1
    assert sheet["N2"].value == '=HYPERLINK("http://x")' and sheet["N2"].data_type == "s"


def test_the_marked_copy_can_be_fixed_and_checked_again(upload, gz, tmp_path):
    path = upload([xb.trainee_row(1), xb.trainee_row(2, 民族="火星族")])
    out = tmp_path / "marked.xlsx"
    write_marked_copy(check=check_trainees(path, gz), path_in=path, path_out=out)

    again = check_trainees(out, gz)

    assert codes(again) == [(3, "民族", "ethnicity_value")]
    assert again.warnings == ["工作表“错误汇总”不是学员信息表，未读取，已忽略。"]


def test_a_clean_file_gets_a_summary_saying_so(upload, gz, tmp_path):
    path = upload([xb.trainee_row(1)])
    out = tmp_path / "marked.xlsx"
    write_marked_copy(check=check_trainees(path, gz), path_in=path, path_out=out)
    assert openpyxl.load_workbook(out)["错误汇总"]["C2"].value == "没有发现错误。"
