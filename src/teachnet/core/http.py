"""Sending a private file (under PRIVATE_ROOT) once a view has checked who asks.

Behind nginx (PRIVATE_ACCEL_REDIRECT set) the app only names the file and nginx sends it. Otherwise Django
sends it itself, with byte ranges: a <video> seeks by asking for ranges, and Django's FileResponse (5.2) has
none. One range per request; anything else gets the whole file, as RFC 9110 allows.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe

from .services import private_resolve

_RANGE = re.compile(r"bytes=(\d*)-(\d*)", re.IGNORECASE | re.ASCII)
_UNSATISFIABLE = (-1, -1)


def serve_private_file(
    request: HttpRequest,
    relative_path: str,
    *,
    content_type: str,
    filename: str | None = None,
    as_attachment: bool = False,
) -> HttpResponseBase:
    """The file at relative_path under PRIVATE_ROOT; Http404 if it is missing or the path leads outside."""
    try:
        path = private_resolve(relative_path)
        status = path.stat()
    except (ValueError, OSError):
        raise Http404 from None
    if not stat.S_ISREG(status.st_mode):
        raise Http404
    headers = {"Content-Type": content_type, "Cache-Control": "private"}
    if disposition := content_disposition_header(as_attachment, filename or ""):
        headers["Content-Disposition"] = disposition  # RFC 5987 filename* for names beyond ASCII

    if prefix := settings.PRIVATE_ACCEL_REDIRECT:
        relative = path.relative_to(Path(settings.PRIVATE_ROOT).resolve()).as_posix()
        headers["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(relative)
        return HttpResponse(headers=headers)

    size = status.st_size
    etag = f'"{size:x}-{status.st_mtime_ns:x}"'
    headers |= {"Accept-Ranges": "bytes", "ETag": etag, "Last-Modified": http_date(status.st_mtime)}
    # Ranges are defined for GET only (RFC 9110 §14.2); HEAD describes the whole file.
    byte_range = None
    if request.method == "GET":
        byte_range = _requested_range(request, size, etag, int(status.st_mtime))
    if byte_range == _UNSATISFIABLE:
        headers.pop("Content-Disposition", None)
        headers |= {"Content-Type": "text/plain; charset=utf-8", "Content-Range": f"bytes */{size}"}
        return HttpResponse(status=416, headers=headers)
    if request.method == "HEAD":
        return HttpResponse(headers={**headers, "Content-Length": str(size)})

    file = path.open("rb")
    if byte_range is None:
        response = _PrivateFileResponse(file)
    else:
        start, end = byte_range
        file.seek(start)
        response = _PrivateFileResponse(_FileSlice(file, end - start + 1), status=206)
        headers |= {"Content-Range": f"bytes {start}-{end}/{size}", "Content-Length": str(end - start + 1)}
    # FileResponse names the file after its stored name unless told otherwise: only the caller's name counts.
    if "Content-Disposition" in response and "Content-Disposition" not in headers:
        del response["Content-Disposition"]
    for name, value in headers.items():
        response[name] = value
    return response


def _requested_range(request: HttpRequest, size: int, etag: str, modified: int) -> tuple[int, int] | None:
    """(first, last) byte asked for, _UNSATISFIABLE, or None for the whole file."""
    match = _RANGE.fullmatch(request.headers.get("Range", "").strip())
    if match is None or match.groups() == ("", ""):  # absent, malformed or several ranges
        return None
    if_range = request.headers.get("If-Range", "").strip()
    if if_range and not _if_range_holds(if_range, etag, modified):  # the file changed: send it whole
        return None
    first, last = match.groups()
    if not first:  # "-n": the last n bytes
        if int(last) == 0 or size == 0:
            return _UNSATISFIABLE
        return max(size - int(last), 0), size - 1
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        return _UNSATISFIABLE
    return start, min(int(last), size - 1) if last else size - 1


def _if_range_holds(value: str, etag: str, modified: int) -> bool:
    if value.startswith('"'):
        return value == etag  # strong comparison; a weak validator (W/"…") never matches
    if value.startswith("W/"):
        return False
    return parse_http_date_safe(value) == modified


class _PrivateFileResponse(FileResponse):
    block_size = 64 * 1024


class _FileSlice:
    """`length` bytes of an open file from where it stands; FileResponse streams it and closes the file."""

    def __init__(self, file: BinaryIO, length: int) -> None:
        self._file = file
        self._left = length

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(self._left if size < 0 else min(size, self._left))
        self._left -= len(data)
        return data

    def close(self) -> None:
        self._file.close()
