"""The xlsx templates of GP annex 4 (REP-1): what a city or provincial lead downloads and fills."""

import re
from datetime import UTC, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from teachnet.orgs.models import Region
from teachnet.reporting.columns import (
    ETHNICITIES,
    GENDERS,
    TEACHER_TYPES,
    TITLES,
    TRAINEE_COLUMNS,
    TRAINER_COLUMNS,
)
from teachnet.reporting.roster_template import (
    DATA_SHEETS,
    INSTRUCTION_SHEET,
    OPTIONS_SHEET,
    TEMPLATE_ROWS,
    roster_template,
    template_filename,
)
from teachnet.training.catalog import GP2011_SUBJECTS, STAGES, subject_by_label

pytestmark = pytest.mark.django_db

JUNIOR_MATHS = subject_by_label("初中数学")
RANGE = re.compile(r"^=?'?(?P<sheet>[^'!]+)'?!\$(?P<col>[A-Z]+)\$(?P<first>\d+):\$(?P=col)\$(?P<last>\d+)$")


def region(code):
    return Region.objects.get(code=code)


def trainee_template(code="440100", subject=JUNIOR_MATHS, **kwargs):
    return roster_template(kind="trainee", scope=region(code), subject=subject, **kwargs)


def trainer_template(code="440000", **kwargs):
    return roster_template(kind="trainer", scope=region(code), subject=None, **kwargs)


def options_by_column(content: bytes, kind: str) -> dict[str, list[str]]:
    """For each data-sheet column with a list validation, the values its formula points to."""
    wb = load_workbook(BytesIO(content))
    data = wb[DATA_SHEETS[kind]]
    header = [c.value for c in data[1]]
    found = {}
    for dv in data.data_validations.dataValidation:
        if dv.type != "list":
            continue
        assert dv.showErrorMessage is True
        assert dv.error and dv.errorTitle
        match = RANGE.match(dv.formula1)
        assert match, dv.formula1
        source = wb[match["sheet"]]
        col, first, last = match["col"], int(match["first"]), int(match["last"])
        values = [source[f"{col}{r}"].value for r in range(first, last + 1)]
        for cell_range in dv.sqref.ranges:
            assert (cell_range.min_row, cell_range.max_row) == (2, TEMPLATE_ROWS + 1)
            assert cell_range.min_col == cell_range.max_col
            found[header[cell_range.min_col - 1]] = values
    return found


def instruction_text(content: bytes) -> str:
    rows = CalamineWorkbook.from_filelike(BytesIO(content)).get_sheet_by_name(INSTRUCTION_SHEET).to_python()
    return "\n".join(" ".join(str(v) for v in row if v != "") for row in rows)


def test_trainee_template_has_instructions_data_and_hidden_options():
    content = trainee_template()

    wb = load_workbook(BytesIO(content))
    assert wb.sheetnames == [INSTRUCTION_SHEET, "学员信息表", OPTIONS_SHEET]
    assert wb[OPTIONS_SHEET].sheet_state in ("hidden", "veryHidden")
    assert wb[INSTRUCTION_SHEET].sheet_state == "visible"
    assert wb["学员信息表"].sheet_state == "visible"

    data = wb["学员信息表"]
    assert tuple(c.value for c in data[1]) == TRAINEE_COLUMNS
    assert all(c.font.b for c in data[1])
    assert data.freeze_panes == "A2"
    assert data.merged_cells.ranges == set()
    # Nothing is pre-filled: the lead pastes the people in.
    assert all(c.value is None for row in data.iter_rows(min_row=2) for c in row)

    book = CalamineWorkbook.from_filelike(BytesIO(content))
    assert book.sheet_names == [INSTRUCTION_SHEET, "学员信息表", OPTIONS_SHEET]
    visibility = {m.name: m.visible for m in book.sheets_metadata}
    assert visibility[OPTIONS_SHEET] != SheetVisibleEnum.Visible
    assert visibility["学员信息表"] == SheetVisibleEnum.Visible
    assert book.get_sheet_by_name("学员信息表").to_python()[0] == list(TRAINEE_COLUMNS)


def test_trainee_drop_downs_offer_only_the_files_subject_and_the_citys_counties():
    options = options_by_column(trainee_template(), "trainee")

    assert set(options) == {"性别", "民族", "所在区县", "学段", "学科", "职称"}
    assert options["性别"] == list(GENDERS)
    assert options["民族"] == list(ETHNICITIES)
    assert len(options["民族"]) == 56
    assert options["学段"] == ["初中"]
    assert options["学科"] == ["数学"]
    assert options["职称"] == list(TITLES)
    # A county is given by name or by its code: the list accepts both.
    assert "天河区" in options["所在区县"]
    assert "440106" in options["所在区县"]
    assert "南山区" not in options["所在区县"]
    assert "440305" not in options["所在区县"]
    assert "广州市" not in options["所在区县"]


def test_title_is_the_only_list_that_allows_blank():
    wb = load_workbook(BytesIO(trainee_template()))
    data = wb["学员信息表"]
    header = [c.value for c in data[1]]
    blank_ok = {
        header[next(iter(dv.sqref.ranges)).min_col - 1]: dv.allow_blank
        for dv in data.data_validations.dataValidation
        if dv.type == "list"
    }
    assert blank_ok == {
        "性别": False,
        "民族": False,
        "所在区县": False,
        "学段": False,
        "学科": False,
        "职称": True,
    }


def test_id_and_phone_columns_are_text():
    wb = load_workbook(BytesIO(trainee_template()))
    data = wb["学员信息表"]
    for name in ("身份证号", "手机号码", "所在区县"):
        col = TRAINEE_COLUMNS.index(name) + 1
        assert all(data.cell(r, col).number_format == "@" for r in range(2, TEMPLATE_ROWS + 2)), name
    assert data.cell(2, TRAINEE_COLUMNS.index("姓名") + 1).number_format == "General"
    lengths = {
        dv.formula1: str(dv.sqref) for dv in data.data_validations.dataValidation if dv.type == "textLength"
    }
    assert lengths == {"18": f"E2:E{TEMPLATE_ROWS + 1}", "11": f"F2:F{TEMPLATE_ROWS + 1}"}


def test_instruction_sheet_names_the_subject_city_deadline_and_rules():
    text = instruction_text(
        trainee_template(project_name="国培计划(2011)", deadline=datetime(2012, 2, 27, 18, 0))
    )

    assert "国培计划(2011) 学员信息表（广州市 · 初中数学）" in text
    assert "广州市项目负责人" in text
    assert "2012年2月27日 18:00" in text
    assert "每个学科一个文件" in text
    assert "18位" in text and "15位" in text
    assert "11位" in text
    assert "不要合并单元格" in text
    assert "440106 天河区" in text
    assert "南山区" not in text
    for column in TRAINEE_COLUMNS:
        assert column in text


def test_deadline_is_left_out_when_not_given():
    assert "截止时间" not in instruction_text(trainee_template())


def test_aware_deadline_is_shown_in_local_time(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    text = instruction_text(trainee_template(deadline=datetime(2012, 2, 27, 15, 59, tzinfo=UTC)))
    assert "2012年2月27日 23:59" in text


def test_trainer_template_for_a_province_lists_its_cities_and_all_subjects():
    content = trainer_template(project_name="国培计划(2011)")

    wb = load_workbook(BytesIO(content))
    assert wb.sheetnames == [INSTRUCTION_SHEET, "培训者信息表", OPTIONS_SHEET]
    assert wb[OPTIONS_SHEET].sheet_state in ("hidden", "veryHidden")
    data = wb["培训者信息表"]
    assert tuple(c.value for c in data[1]) == TRAINER_COLUMNS
    for name in ("身份证号", "手机号码"):
        col = TRAINER_COLUMNS.index(name) + 1
        assert data.cell(2, col).number_format == "@"
        assert data.cell(TEMPLATE_ROWS + 1, col).number_format == "@"

    options = options_by_column(content, "trainer")
    assert set(options) == {"性别", "民族", "所在地市", "学段", "学科", "职称", "教师类型"}
    assert {"广州市", "深圳市", "440100", "440300"} <= set(options["所在地市"])
    assert "天河区" not in options["所在地市"]
    assert "北京市" not in options["所在地市"]
    assert options["教师类型"] == list(TEACHER_TYPES) == ["一线教师", "教研员"]
    assert options["学段"] == list(STAGES)
    assert options["学科"] == list(dict.fromkeys(s.name for s in GP2011_SUBJECTS))
    assert len(options["学科"]) == 13

    text = instruction_text(content)
    assert "国培计划(2011) 培训者信息表（广东省）" in text
    assert "一个文件" in text
    assert "440300 深圳市" in text
    assert "一线教师、教研员" in text


def test_beijing_trainer_and_trainee_templates():
    trainer = options_by_column(trainer_template("110000"), "trainer")
    assert trainer["所在地市"] == ["北京市", "110100"]

    trainee_content = trainee_template("110100", subject=subject_by_label("小学语文"))
    trainee = options_by_column(trainee_content, "trainee")
    assert {"海淀区", "110108", "东城区"} <= set(trainee["所在区县"])
    assert trainee["学段"] == ["小学"]
    assert trainee["学科"] == ["语文"]
    assert "北京市 · 小学语文" in instruction_text(trainee_content)


def test_city_without_counties_offers_the_city_itself():
    content = trainee_template("441900")
    options = options_by_column(content, "trainee")
    assert options["所在区县"] == ["东莞市", "441900"]
    assert "本市不设区县" in instruction_text(content)


def test_scope_must_match_the_kind_of_table():
    with pytest.raises(ValueError):
        roster_template(kind="trainee", scope=region("440000"), subject=JUNIOR_MATHS)
    with pytest.raises(ValueError):
        roster_template(kind="trainee", scope=region("440100"), subject=None)
    with pytest.raises(ValueError):
        roster_template(kind="trainer", scope=region("440100"), subject=None)


def test_filled_template_keeps_the_header_the_check_engine_expects():
    wb = load_workbook(BytesIO(trainee_template()))
    data = wb["学员信息表"]
    people = [
        [1, "张三", "男", "汉族", "11010519491231002X", "13800138000", "zs@example.com", "天河区",
         "广州市天河中学", "初中", "数学", "一级教师", "", ""],
        [2, "李四", "女", "壮族", "440106198001010012", "13900139000", "", "440106",
         "广州市天河中学", "初中", "数学", "", "教研组长", ""],
    ]  # fmt: skip
    for r, person in enumerate(people, start=2):
        for c, value in enumerate(person, start=1):
            data.cell(r, c, value)
    out = BytesIO()
    wb.save(out)

    rows = CalamineWorkbook.from_filelike(BytesIO(out.getvalue())).get_sheet_by_name("学员信息表").to_python()
    assert tuple(rows[0]) == TRAINEE_COLUMNS
    assert rows[1][4] == "11010519491231002X"
    assert rows[2][5] == "13900139000"
    assert rows[2][7] == "440106"
    # The text-formatted but empty rows below the people do not reach the reader.
    assert len(rows) == 3


def test_template_filename():
    assert (
        template_filename(kind="trainee", scope=region("440100"), subject=JUNIOR_MATHS)
        == "学员信息表-广州市-初中数学.xlsx"
    )
    assert (
        template_filename(kind="trainer", scope=region("440000"), subject=None) == "培训者信息表-广东省.xlsx"
    )
