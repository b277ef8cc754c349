"""Build the quota files the tests upload (REP-8): the layout of the download, good rows and bad ones."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from teachnet.training.services_projects import QUOTA_COLUMNS


def write_quotas(
    path: Path, rows: Sequence[Sequence[object]], *, header: Sequence[object] = QUOTA_COLUMNS
) -> Path:
    """A quota file: the header on row 1, then `rows` (地区代码, 地区, 学段, 学科, 名额) from row 2."""
    wb = Workbook()
    sheet = wb.active
    sheet.title = "名额"
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    wb.save(path)
    return path


GOOD_ROWS = [
    ("440000", "广东省", "初中", "数学", 300),
    ("440100", "广州市", "初中", "数学", 120),
    ("440300", "深圳市", "初中", "数学", 80),
    ("440100", "广州市", "小学", "语文", 60),
    ("110000", "北京市", "初中", "物理", 50),
]
