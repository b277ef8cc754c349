"""The class's study table as an xlsx (班级学习情况): what the tutor sees, in the order and with the filter
they chose. It names people, so every export is recorded: who took which class's table, when."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from teachnet.core.services import audit_record

from .selectors import ClassStudy


def class_records_xlsx(
    *, actor, training_class, study: ClassStudy, sort: str, behind_only: bool
) -> tuple[str, bytes]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    sheet = wb.create_sheet(_("班级学习情况"))
    sheet.append([str(training_class), str(training_class.project)])
    sheet.append(
        [
            _("学员"),
            _("学时"),
            _("应修学时"),
            _("上网学时"),
            _("上网学时（小时）"),
            _("计划完成"),
            _("逾期未完成"),
            _("即将到期"),
            _("研修日志"),
            _("正在学习"),
        ]
    )
    for r in study.rows:
        hours = WriteOnlyCell(sheet, value=round(r.seconds / 3600, 2))
        hours.number_format = "0.00"
        sheet.append(
            [
                r.name,
                r.units,
                r.required,
                r.seconds_display,
                hours,
                f"{r.plan_done}/{r.plan_total}",
                r.overdue,
                r.due_soon,
                r.journal,
                _("是") if r.studying_now else "",
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    audit_record(
        actor=actor,
        verb="learning.class_records_exported",
        target=training_class,
        data={"rows": len(study.rows), "sort": sort, "behind_only": behind_only},
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    return f"{_('班级学习情况')}-{training_class.name}-{stamp}.xlsx", buffer.getvalue()
