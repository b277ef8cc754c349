"""`teachnet roster check` (REP-3): exit status 0/1/2 and the exact JSON shape."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from teachnet.core.protect import blind_index

from . import xlsx_builders as xb

TEACHNET = Path(sys.executable).with_name("teachnet")


def roster(*args):
    """Run the command as the console would; return (exit status, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("roster", "check", *map(str, args), stdout=out, stderr=err)
        status = 0
    except SystemExit as exc:
        status = exc.code
    return status, out.getvalue(), err.getvalue()


TRAINEE = ("--kind", "trainee", "--city", "440100", "--subject", "初中数学")


@pytest.fixture
def good(tmp_path, db):
    return xb.write_roster(tmp_path / "good.xlsx", [xb.trainee_row(1), xb.trainee_row(2)])


@pytest.fixture
def bad(tmp_path, db):
    return xb.write_roster(tmp_path / "bad.xlsx", [xb.trainee_row(1), xb.trainee_row(2, 手机号码="12345")])


def test_a_clean_file_exits_0_with_no_errors(good):
    status, out, _err = roster(good, *TRAINEE, "--json")
    assert status == 0
    assert json.loads(out) == {"rows": 2, "errors": []}


def test_errors_exit_1_with_row_header_code_and_message(bad):
    status, out, _err = roster(bad, *TRAINEE, "--json")
    assert status == 1
    data = json.loads(out)
    assert list(data) == ["rows", "errors"]
    assert data["rows"] == 2
    (error,) = data["errors"]
    assert list(error) == ["row", "column", "code", "message"]
    assert (error["row"], error["column"], error["code"]) == (3, "手机号码", "phone_format")
    assert "11位" in error["message"]


def test_without_json_the_errors_are_listed_for_a_person(bad):
    status, out, _err = roster(bad, *TRAINEE)
    assert status == 1
    assert "2 行数据，1 处错误" in out
    assert "第3行 手机号码：" in out


def test_an_unusable_file_exits_2_and_says_why(tmp_path, db):
    path = xb.renamed_csv(tmp_path / "names.xlsx")
    status, out, _err = roster(path, *TRAINEE, "--json")
    assert status == 2
    data = json.loads(out)
    assert data["rows"] == 0
    assert [(e["row"], e["column"], e["code"]) for e in data["errors"]] == [(0, "", "not_xlsx")]
    assert "CSV" in data["errors"][0]["message"]

    status, out, err = roster(path, *TRAINEE)
    assert status == 2 and out == ""
    assert "不是Excel工作簿" in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--kind", "trainee", "--city", "999900", "--subject", "初中数学"), "--city 999900"),
        (("--kind", "trainee", "--city", "440000", "--subject", "初中数学"), "--city 440000"),
        (("--kind", "trainee", "--city", "440100", "--subject", "高中数学"), "初中数学"),
        (("--kind", "trainee", "--city", "440100"), "--subject"),
        (("--kind", "trainer", "--province", "440100"), "--province 440100"),
        (("--kind", "trainer", "--city", "440100"), "--province"),
    ],
)
def test_wrong_arguments_exit_2_with_a_message(good, args, words):
    status, out, err = roster(good, *args, "--json")
    assert status == 2
    assert out == ""
    assert words in err


def test_a_missing_file_exits_2(tmp_path, db):
    status, _out, err = roster(tmp_path / "nowhere.xlsx", *TRAINEE)
    assert status == 2
    assert "文件不存在" in err


def test_a_trainer_file_is_checked_against_the_province(tmp_path, db):
    path = xb.write_roster(tmp_path / "trainers.xlsx", [xb.trainer_row(1)], kind="trainer")
    status, out, _err = roster(path, "--kind", "trainer", "--province", "440000", "--json")
    assert (status, json.loads(out)) == (0, {"rows": 1, "errors": []})


def test_marked_writes_the_marked_copy(bad, tmp_path):
    marked = tmp_path / "marked.xlsx"
    status, _out, err = roster(bad, *TRAINEE, "--json", "--marked", marked)
    assert status == 1
    assert openpyxl.load_workbook(marked).sheetnames == ["错误汇总", "学员信息表"]
    assert str(marked) in err


def test_project_adds_the_quota_and_other_submissions(good, monkeypatch):
    from teachnet.reporting import selectors

    taken = blind_index("id_card", xb.trainee_row(2)["身份证号"])
    seen = {}

    def context(*, project_id, kind, scope, subject):
        seen.update(project_id=project_id, kind=kind, scope=scope.code, subject=subject.label)
        return 1, lambda hashes: {taken} & set(hashes)

    monkeypatch.setattr(selectors, "roster_check_context", context, raising=False)
    status, out, _err = roster(good, *TRAINEE, "--project", "7", "--json")

    assert status == 1
    assert seen == {"project_id": 7, "kind": "trainee", "scope": "440100", "subject": "初中数学"}
    assert [(e["row"], e["code"]) for e in json.loads(out)["errors"]] == [
        (3, "over_quota"),
        (3, "id_in_other_submission"),
    ]


def test_project_without_the_projects_data_exits_2(good, monkeypatch):
    # Until the reporting models exist, importing the selector fails: say so instead of a traceback.
    monkeypatch.setitem(sys.modules, "teachnet.reporting.selectors", None)
    status, out, err = roster(good, *TRAINEE, "--project", "1", "--json")
    assert status == 2
    assert out == ""
    assert "roster_check_context" in err


def test_an_unknown_project_exits_2(good, monkeypatch):
    from django.core.exceptions import ObjectDoesNotExist

    from teachnet.reporting import selectors

    def context(**kwargs):
        raise ObjectDoesNotExist

    monkeypatch.setattr(selectors, "roster_check_context", context, raising=False)
    status, _out, err = roster(good, *TRAINEE, "--project", "999", "--json")
    assert status == 2
    assert "项目不存在" in err


def test_the_console_command_exits_2_on_bad_usage(tmp_path):
    # Argument errors are argparse's, before any database is opened.
    env = {**os.environ, "TEACHNET_TESTING": "1"}
    done = subprocess.run(
        [str(TEACHNET), "roster", "check", str(tmp_path / "x.xlsx")],
        capture_output=True,
        env=env,
        check=False,
    )
    assert done.returncode == 2
    assert b"--kind" in done.stderr
