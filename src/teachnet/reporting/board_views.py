"""The progress board (REP-7) as a page, an xlsx download and an API endpoint.

Each is a few lines: parse ?project= and ?region=, let board.py decide what the actor may see (a 404 for
anything else, as for something missing), render.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from teachnet.accounts.permissions import has_any
from teachnet.accounts.roles import Perm
from teachnet.core.rest_api.fields import IdField

from .board import Board, board_export_xlsx, board_figures, board_project

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _board(request) -> tuple[Board, list]:
    """The board asked for, and the projects the page may switch to."""
    actor = request.user
    if not has_any(actor=actor, perm=Perm.REPORT_VIEW):
        raise Http404
    project, projects = board_project(actor=actor, project_id=request.GET.get("project"))
    board = board_figures(actor=actor, project=project, region_code=request.GET.get("region") or None)
    return board, projects


def _chart(board: Board) -> dict:
    """What board.js draws: one stacked bar per row, the quota as a marker. Labels are translated here, so
    the script holds no text of its own."""
    return {
        "labels": [r.label for r in board.rows],
        "series": {
            "approved": [r.approved for r in board.rows],
            "submitted_only": [r.submitted_only for r in board.rows],
            "reported_only": [r.reported_only for r in board.rows],
            "quota": [r.quota for r in board.rows],
        },
        "names": {
            "approved": _("已通过"),
            "submitted_only": _("已提交待审核"),
            "reported_only": _("已上传未提交"),
            "quota": _("名额"),
        },
    }


@login_required
@require_GET
def board(request):
    b, projects = _board(request)
    return render(request, "reporting/board.html", {"board": b, "chart": _chart(b), "projects": projects})


@login_required
@require_GET
def board_export(request):
    b, _projects = _board(request)
    name, content = board_export_xlsx(actor=request.user, board=b)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


# --- API -------------------------------------------------------------------------------------------------


class BoardFiguresSerializer(serializers.Serializer):
    quota = serializers.IntegerField(help_text="名额")
    reported = serializers.IntegerField(help_text="已上报人数（任何状态的学员信息表）")
    submitted = serializers.IntegerField(help_text="已提交人数（已提交或已通过）")
    approved = serializers.IntegerField(help_text="已通过人数")
    percent = serializers.FloatField(allow_null=True, help_text="已通过占名额的百分比；无名额时为 null")


class BoardRowSerializer(BoardFiguresSerializer):
    key = serializers.CharField(help_text="行政区划代码，或学科 id")
    label = serializers.CharField()
    drill_region = serializers.CharField(
        allow_null=True, help_text="可下钻查看的地区代码（?region=）；无权查看或无下一级时为 null"
    )


class BoardTrainerTableSerializer(serializers.Serializer):
    region_code = serializers.CharField()
    region_name = serializers.CharField()
    state = serializers.CharField(
        allow_null=True, help_text="draft / submitted / approved / rejected；未上传为 null"
    )
    state_label = serializers.CharField()
    row_count = serializers.IntegerField()


class BoardNotReportedSerializer(serializers.Serializer):
    region_code = serializers.CharField()
    region_name = serializers.CharField()
    kind = serializers.CharField(help_text="trainee（学员信息表）或 trainer（培训者信息表）")
    kind_label = serializers.CharField()
    subject_label = serializers.CharField(allow_blank=True, help_text="学科；培训者信息表为空")


class BoardDeadlineSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="trainee 或 trainer")
    kind_label = serializers.CharField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    is_open = serializers.BooleanField()
    seconds_left = serializers.IntegerField(help_text="距截止的秒数；已截止为 0")


class ProgressBoardSerializer(serializers.Serializer):
    project = serializers.IntegerField(source="project.pk")
    project_name = serializers.CharField(source="project.name")
    region = serializers.CharField(source="region_code", allow_null=True, help_text="null：全国")
    region_name = serializers.CharField()
    level = serializers.CharField(help_text="各行是什么：nation（各省）、province（各地市）、city（各学科）")
    row_heading = serializers.CharField()
    total = BoardFiguresSerializer()
    unallocated_quota = serializers.IntegerField(help_text="按省下达、尚未分到地市的名额（计入合计）")
    rows = BoardRowSerializer(many=True)
    subjects = BoardRowSerializer(many=True, help_text="本级按学科的分项")
    trainer_tables = BoardTrainerTableSerializer(many=True)
    not_reported = BoardNotReportedSerializer(many=True)
    deadlines = BoardDeadlineSerializer(many=True)


class BoardFilter(serializers.Serializer):
    project = IdField(
        required=False, help_text="项目 id；缺省为正在上报（上报期限内）的项目，其次为有名额的最近项目"
    )
    region = serializers.RegexField(
        r"^[0-9]{6}$", required=False, help_text="省或地市的行政区划代码；缺省为本人范围"
    )


class BoardAPIView(APIView):
    @extend_schema(
        tags=["reporting"],
        summary="上报进度 (REP-7)",
        description=(
            "The reporting progress of one project: the project office sees every province, a provincial "
            "lead their cities, a city lead their subjects. A region outside the caller's scope is a 404."
        ),
        parameters=[BoardFilter],
        responses={
            200: ProgressBoardSerializer,
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="项目或地区不存在，或不在您的权限范围内。"),
        },
    )
    def get(self, request):
        # The page forgives a stray ?region=; the API says what is wrong with it.
        BoardFilter(data=request.query_params).is_valid(raise_exception=True)
        board, _projects = _board(request)
        return Response(ProgressBoardSerializer(board).data)


board_api = BoardAPIView.as_view()
