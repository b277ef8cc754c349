"""`teachnet roster check FILE …`: the roster check (REP-3) from the console, for scripts and support staff.

    teachnet roster check 学员.xlsx --kind trainee --city 440100 --subject 初中数学 [--project ID] [--json]
    teachnet roster check 培训者.xlsx --kind trainer --province 440000 [--project ID] [--json]
    … [--marked 标注.xlsx]

Exit status: 0 no errors, 1 errors found, 2 the file cannot be checked or the arguments are wrong. With
--json, stdout holds exactly {"rows": N, "errors": [{"row", "column", "code", "message"}]} — also for an
unusable file (exit 2), whose reason is the one error, at row 0; warnings then go to stderr. Needs only a
migrated database with the regions loaded; --project also needs the projects' quotas and submissions.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ObjectDoesNotExist
from django.core.management.base import BaseCommand
from django.db import DatabaseError
from django.http import Http404

from teachnet.orgs.models import Region
from teachnet.reporting.roster_check import RosterError, RosterUnusable, roster_check
from teachnet.training.catalog import GP2011_SUBJECTS, subject_by_label

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2


class Command(BaseCommand):
    help = (
        "Roster files (REP-3): `roster check FILE` checks a trainee or trainer xlsx as the upload page does."
    )
    # A reader of files and regions: it must keep working while other apps' models are being changed.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="check")
        check = actions.add_parser("check", help="check one roster file")
        check.add_argument("file", help="the .xlsx file")
        check.add_argument("--kind", required=True, choices=["trainee", "trainer"])
        check.add_argument("--city", help="6-digit code of the uploading city (trainee)")
        check.add_argument("--province", help="6-digit code of the uploading province (trainer)")
        check.add_argument("--subject", help="stage and subject of the file, e.g. 初中数学 (trainee)")
        check.add_argument(
            "--project", type=int, help="project id: also check the quota and other submissions"
        )
        check.add_argument("--json", action="store_true", help='print {"rows": N, "errors": [...]}')
        check.add_argument("--marked", help="write the marked copy (errors in red) to this .xlsx")

    def handle(self, *args, **options):
        code = self.check(options)
        if code:
            raise SystemExit(code)

    def fail(self, message: str) -> int:
        self.stderr.write(message)
        return EXIT_UNUSABLE

    def check(self, options) -> int:
        kind = options["kind"]
        path = Path(options["file"])
        if not path.is_file():
            return self.fail(f"文件不存在：{path}")
        try:
            loaded = Region.objects.exists()
        except DatabaseError:
            return self.fail(
                "数据库尚未建立：先运行 .venv/bin/teachnet migrate，再运行 .venv/bin/teachnet loadregions。"
            )
        if not loaded:
            return self.fail(
                "尚未载入行政区划：先运行 .venv/bin/teachnet loadregions（make demo 已包含这一步）。"
            )
        if kind == "trainee":
            if options["province"] or not options["city"] or not options["subject"]:
                return self.fail(
                    "学员信息表（--kind trainee）要用 --city 地市代码 和 --subject 学科，如 初中数学。"
                )
            scope = Region.objects.filter(code=options["city"], level=Region.Level.CITY).first()
            if scope is None:
                return self.fail(f"--city {options['city']}：不是地市的6位行政区划代码（如 440100 广州市）。")
            subject = subject_by_label(options["subject"])
            if subject is None:
                labels = "、".join(s.label for s in GP2011_SUBJECTS)
                return self.fail(f"--subject {options['subject']}：不是本项目的学科。学科有：{labels}。")
        else:
            if options["city"] or options["subject"] or not options["province"]:
                return self.fail(
                    "培训者信息表（--kind trainer）要用 --province 省级代码，不用 --city 和 --subject。"
                )
            scope = Region.objects.filter(code=options["province"], level=Region.Level.PROVINCE).first()
            if scope is None:
                return self.fail(
                    f"--province {options['province']}：不是省级的6位行政区划代码（如 440000 广东省）。"
                )
            subject = None

        quota, taken_elsewhere = None, None
        if options["project"]:
            context = self.project_context(options["project"], kind=kind, scope=scope, subject=subject)
            if context is None:
                return EXIT_UNUSABLE
            quota, taken_elsewhere = context

        try:
            result = roster_check(
                path=path,
                kind=kind,
                scope=scope,
                subject=subject,
                quota=quota,
                taken_elsewhere=taken_elsewhere,
            )
        except RosterUnusable as exc:
            if options["json"]:
                error = RosterError(row=0, column="", code=exc.code, message=exc.message)
                self.stdout.write(self.as_json(rows=0, errors=[error]))
            else:
                self.stderr.write(f"无法检查：{exc.message}")
            return EXIT_UNUSABLE

        if options["marked"]:
            from teachnet.reporting.roster_marked import write_marked_copy

            write_marked_copy(check=result, path_in=path, path_out=options["marked"])
        if options["json"]:
            self.stdout.write(self.as_json(rows=result.rows, errors=result.errors))
            for warning in result.warnings:
                self.stderr.write(f"提示：{warning}")
            if options["marked"]:
                self.stderr.write(f"标注副本：{options['marked']}")
        else:
            self.print_human(result, scope=scope, subject=subject, marked=options["marked"])
        return EXIT_ERRORS if result.errors else EXIT_OK

    def project_context(self, project_id: int, *, kind, scope, subject):
        """(quota, taken_elsewhere) from the project's data, or None after saying why not."""
        try:
            from teachnet.reporting.selectors import roster_check_context
        except ImportError:
            self.fail(
                "--project 需要项目的名额和已有上报数据"
                "（teachnet.reporting.selectors.roster_check_context），当前版本还没有。"
                "请不带 --project 运行。"
            )
            return None
        try:
            return roster_check_context(project_id=project_id, kind=kind, scope=scope, subject=subject)
        except (ObjectDoesNotExist, Http404, ValueError):
            self.fail(f"--project {project_id}：项目不存在。")
            return None

    @staticmethod
    def as_json(*, rows: int, errors: list[RosterError]) -> str:
        return json.dumps(
            {
                "rows": rows,
                "errors": [
                    {"row": e.row, "column": e.column, "code": e.code, "message": e.message} for e in errors
                ],
            },
            ensure_ascii=False,
        )

    def print_human(self, result, *, scope, subject, marked) -> None:
        table = f"学员信息表（{scope.name}{subject.label}）" if subject else f"培训者信息表（{scope.name}）"
        self.stdout.write(
            f"{table}，工作表“{result.sheet}”：{result.rows} 行数据，{len(result.errors)} 处错误。"
        )
        for error in result.errors:
            where = f"第{error.row}行" + (f" {error.column}" if error.column else "")
            self.stdout.write(f"{where}：{error.message} [{error.code}]")
        for warning in result.warnings:
            self.stdout.write(f"提示：{warning}")
        if not result.errors:
            self.stdout.write("没有发现错误。")
        if marked:
            self.stdout.write(f"标注副本：{marked}")
