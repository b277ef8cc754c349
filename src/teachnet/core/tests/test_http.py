"""Private files sent by Django with byte ranges (a <video> seeks with them), or by nginx (X-Accel-Redirect);
never a file outside PRIVATE_ROOT."""

import os
from pathlib import Path
from urllib.parse import quote

import pytest
from django.http import Http404
from django.utils.http import http_date

from teachnet.core.http import serve_private_file

RELATIVE = "media/courses/ab/clip.mp4"
CONTENT = bytes(range(256)) * 40  # 10 240 bytes, each position recognisable
SIZE = len(CONTENT)


@pytest.fixture
def stored(settings):
    path = Path(settings.PRIVATE_ROOT) / RELATIVE
    path.parent.mkdir(parents=True)
    path.write_bytes(CONTENT)
    return path


def serve(rf, method="get", relative_path=RELATIVE, **headers):
    request = getattr(rf, method)("/media/1", headers=headers)
    return serve_private_file(request, relative_path, content_type="video/mp4")


def body(response) -> bytes:
    try:
        return b"".join(response.streaming_content)
    finally:
        release(response)


def release(response) -> None:
    # The file only: response.close() would also fire request_finished, which touches the database.
    if getattr(response, "file_to_stream", None) is not None:
        response.file_to_stream.close()


def test_without_range_the_whole_file_is_sent_with_validators(rf, stored):
    response = serve(rf)

    assert response.status_code == 200
    assert body(response) == CONTENT
    assert response["Content-Length"] == str(SIZE)
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Cache-Control"] == "private"
    assert response["Last-Modified"] == http_date(stored.stat().st_mtime)
    assert response["ETag"].startswith('"')
    assert "Content-Disposition" not in response


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=1000-1999", 1000, 1999),
        ("bytes=10000-", 10000, SIZE - 1),  # open-ended
        ("bytes=-500", SIZE - 500, SIZE - 1),  # the last 500 bytes
        ("bytes=-99999", 0, SIZE - 1),  # more than the file holds: all of it
        ("bytes=10200-20000", 10200, SIZE - 1),  # past the end: up to the end
        ("bytes=5-5", 5, 5),
    ],
)
def test_a_single_range_is_sent_as_206(rf, stored, header, first, last):
    response = serve(rf, Range=header)

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{SIZE}"
    assert response["Content-Length"] == str(last - first + 1)
    assert body(response) == CONTENT[first : last + 1]


def test_a_large_range_is_streamed_in_chunks(rf, settings):
    path = Path(settings.PRIVATE_ROOT) / "media" / "big.bin"
    path.parent.mkdir(parents=True)
    path.write_bytes(os.urandom(300 * 1024))
    response = serve(rf, relative_path="media/big.bin", Range="bytes=1-")

    chunks = list(response.streaming_content)
    release(response)

    assert len(chunks) > 1
    assert max(len(c) for c in chunks) <= 64 * 1024
    assert b"".join(chunks) == path.read_bytes()[1:]


@pytest.mark.parametrize("header", ["bytes=10240-", "bytes=99999-100000", "bytes=-0"])
def test_a_range_beyond_the_file_is_416(rf, stored, header):
    response = serve(rf, Range=header)

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"


@pytest.mark.parametrize(
    "header", ["bytes=abc", "bytes=5-1", "bytes=0-1,5-9", "items=0-1", "bytes=-", "bytes 0-1", "bytes=0x1-2"]
)
def test_a_malformed_or_multiple_range_gets_the_whole_file(rf, stored, header):
    response = serve(rf, Range=header)

    assert response.status_code == 200
    assert body(response) == CONTENT


def test_if_range_with_the_current_etag_or_date_honours_the_range(rf, stored):
    validators = serve(rf, method="head")

    by_etag = serve(rf, Range="bytes=0-9", If_Range=validators["ETag"])
    by_date = serve(rf, Range="bytes=0-9", If_Range=validators["Last-Modified"])

    assert (by_etag.status_code, body(by_etag)) == (206, CONTENT[:10])
    assert (by_date.status_code, body(by_date)) == (206, CONTENT[:10])


@pytest.mark.parametrize("if_range", ['"another-version"', 'W/"weak"', "Mon, 01 Jan 2001 00:00:00 GMT"])
def test_if_range_for_another_version_gets_the_whole_file(rf, stored, if_range):
    response = serve(rf, Range="bytes=0-9", If_Range=if_range)

    assert response.status_code == 200
    assert body(response) == CONTENT


def test_head_describes_the_whole_file_without_a_body(rf, stored):
    response = serve(rf, method="head", Range="bytes=0-9")

    assert response.status_code == 200
    assert response["Content-Length"] == str(SIZE)
    assert response["Accept-Ranges"] == "bytes"
    assert response.content == b""


def test_a_chinese_file_name_is_sent_as_rfc_5987(rf, stored):
    request = rf.get("/media/1")
    response = serve_private_file(
        request, RELATIVE, content_type="video/mp4", filename="第一讲 导论.mp4", as_attachment=True
    )
    disposition = response["Content-Disposition"]
    release(response)

    assert disposition.startswith("attachment")
    assert f"filename*=utf-8''{quote('第一讲 导论.mp4')}" in disposition


@pytest.mark.parametrize("prefix", ["/_private/", "/_private"])
def test_behind_nginx_only_the_path_is_sent(rf, settings, prefix):
    settings.PRIVATE_ACCEL_REDIRECT = prefix
    path = Path(settings.PRIVATE_ROOT) / "media" / "课程" / "a b.mp4"
    path.parent.mkdir(parents=True)
    path.write_bytes(CONTENT)
    request = rf.get("/media/1", headers={"Range": "bytes=0-9"})

    response = serve_private_file(
        request, "media/课程/a b.mp4", content_type="video/mp4", filename="讲座.mp4"
    )

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/_private/media/%E8%AF%BE%E7%A8%8B/a%20b.mp4"
    assert response["Content-Type"] == "video/mp4"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response.content == b""


@pytest.mark.parametrize("accel", ["", "/_private/"])
@pytest.mark.parametrize(
    "relative_path",
    ["../secret.txt", "media/../../secret.txt", "/tmp/secret.txt", "", "media", "media/missing.mp4"],
)
def test_anything_but_a_file_under_private_root_is_404(rf, settings, stored, tmp_path, accel, relative_path):
    settings.PRIVATE_ACCEL_REDIRECT = accel
    (tmp_path / "secret.txt").write_text("not yours")
    if relative_path == "/tmp/secret.txt":
        relative_path = str(tmp_path / "secret.txt")

    with pytest.raises(Http404):
        serve(rf, relative_path=relative_path)


def test_a_link_leading_out_of_private_root_is_404(rf, settings, stored, tmp_path):
    (tmp_path / "secret.txt").write_text("not yours")
    (Path(settings.PRIVATE_ROOT) / "media" / "link.txt").symlink_to(tmp_path / "secret.txt")

    with pytest.raises(Http404):
        serve(rf, relative_path="media/link.txt")
