"""Uploaded media (video, PDF, Office documents, images), checked by content before anything is stored.

A file's name says nothing reliable about it: a PDF renamed .mp4 or a damaged recording must be refused at
upload, with a message that says what is wrong and what to do, not discovered later by a learner whose player
stays black. So the upload is streamed to a temporary file (the size limit enforced as it arrives), its first
bytes say what it is, ffprobe reads every video, and only then may the caller store it, under its SHA-256,
so the same content uploaded twice is kept once.

    with incoming_media(request.FILES["file"], kinds={"video"}) as media:
        relative_path = media.store("courses")

Leaving the block always removes the temporary file: nothing half-stored remains.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import subprocess
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from .services import private_path, private_resolve

logger = logging.getLogger(__name__)

KINDS = frozenset({"video", "pdf", "office", "image"})
CHUNK_BYTES = 1024 * 1024
PROBE_TIMEOUT_SECONDS = 60
_AREA = re.compile(r"[a-z0-9_-]+")


class MediaError(ValueError):
    """An upload refused; str(error) tells the uploader, in their language, what is wrong and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MediaToolMissing(ImproperlyConfigured):
    """ffprobe is not installed: the operator's problem, never to be reported to the uploader as theirs."""


@dataclass(frozen=True)
class VideoInfo:
    duration_seconds: float
    width: int
    height: int
    video_codec: str
    audio_codec: str | None
    format_name: str


@dataclass
class IncomingMedia:
    """An upload that passed every check, still in its temporary file until store() moves it."""

    path: Path
    kind: str
    mime: str
    extension: str
    size: int
    sha256: str
    video: VideoInfo | None = None
    image_size: tuple[int, int] | None = None  # width, height of an image, as Pillow decoded it
    stored_path: str | None = None

    def store(self, area: str) -> str:
        """Move the file to media/<area>/<sha[:2]>/<sha><ext> under PRIVATE_ROOT; return that relative path.

        Content already stored there (the same file uploaded again) is kept as it is.
        """
        if self.stored_path is not None:
            raise RuntimeError("this upload has already been stored")
        if not _AREA.fullmatch(area):
            raise ValueError(f"area must be a plain folder name: {area!r}")
        destination = private_path("media", area, self.sha256[:2], f"{self.sha256}{self.extension}")
        if not destination.exists():
            # mkstemp makes the file 0600; nginx, running as its own user, sends it (X-Accel-Redirect), so it
            # gets the mode of any other file written here. PRIVATE_ROOT's directories keep others out.
            os.chmod(self.path, 0o644)
            # Same file system (both under PRIVATE_ROOT): the file appears whole or not at all.
            os.replace(self.path, destination)
        self.stored_path = destination.relative_to(Path(settings.PRIVATE_ROOT)).as_posix()
        return self.stored_path


@contextmanager
def incoming_media(upload: File, *, kinds: Iterable[str]) -> Iterator[IncomingMedia]:
    """Take an upload into a temporary file and check it is one of `kinds`; raises MediaError if not."""
    kinds = frozenset(kinds)
    if not kinds or not kinds <= KINDS:
        raise ValueError(f"kinds must be some of {sorted(KINDS)}, not {sorted(kinds)}")
    limit = max(settings.MEDIA_MAX_BYTES[kind] for kind in kinds)
    declared = getattr(upload, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise MediaError(_too_large(limit))
    incoming = private_path("media", "incoming")
    incoming.mkdir(exist_ok=True)
    handle, name = tempfile.mkstemp(prefix="upload-", suffix=".part", dir=incoming)
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            size, sha256 = _copy_within(upload, out, limit=limit)
        yield _inspect(path, size=size, sha256=sha256, kinds=kinds)
    finally:
        path.unlink(missing_ok=True)


def stored_media_delete(*, relative_path: str) -> bool:
    """Delete a file store() put under media/; False if it was already gone.

    Stored files are shared by content: delete one only when no row refers to relative_path any more.
    Raises ValueError for a path outside PRIVATE_ROOT/media.
    """
    path = private_resolve(relative_path)
    if Path(settings.PRIVATE_ROOT).resolve() / "media" not in path.parents:
        raise ValueError(f"not a stored media file: {relative_path!r}")
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def probe_video(path: Path | str) -> VideoInfo:
    """A video's duration, size and codecs, read by ffprobe; MediaError if it is damaged or has no picture."""
    command = [
        settings.FFPROBE,
        "-v",
        "error",
        # Only ever the local file itself: no playlists or references reaching out to the network.
        "-protocol_whitelist",
        "file",
        "-print_format",
        "json",
        "-show_format",
        "-show_streams",
        f"file:{path}",
    ]
    try:
        result = subprocess.run(  # noqa: S603 - no shell; the path is our own temporary file
            command, capture_output=True, timeout=PROBE_TIMEOUT_SECONDS, check=False
        )
    except OSError as error:
        raise MediaToolMissing(
            f"Cannot run ffprobe ({settings.FFPROBE!r}: {error}). Video uploads need Debian's ffmpeg: "
            "apt-get install ffmpeg (or `make media-tools`), or set FFPROBE to its path."
        ) from error
    except subprocess.TimeoutExpired as error:
        raise MediaError(
            _("检查视频文件超时，文件可能已损坏。请用播放器确认能正常播放后重新上传。")
        ) from error
    corrupt = _(
        "视频文件已损坏或无法读取（ffprobe 无法解析）。请用播放器确认能正常播放，"
        "或重新导出为 MP4（H.264 视频、AAC 音频）后再上传。"
    )
    if result.returncode != 0:
        logger.info("ffprobe refused %s: %s", path, result.stderr.decode(errors="replace")[:500])
        raise MediaError(corrupt)
    try:
        data = json.loads(result.stdout)
        streams, container = data["streams"], data["format"]
        video = next(
            (
                s
                for s in streams
                if s.get("codec_type") == "video" and not s.get("disposition", {}).get("attached_pic")
            ),
            None,
        )
        audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
        duration = _number(container.get("duration")) or _number(video.get("duration") if video else None)
        width, height = (int(video.get("width") or 0), int(video.get("height") or 0)) if video else (0, 0)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise MediaError(corrupt) from error
    if video is None or not width or not height:
        raise MediaError(_("文件中没有视频画面（可能只有声音）。请上传带画面的视频文件。"))
    if not duration or duration <= 0:
        raise MediaError(_("无法读取视频时长，文件可能不完整。请重新导出视频后再上传。"))
    return VideoInfo(
        duration_seconds=duration,
        width=width,
        height=height,
        video_codec=str(video.get("codec_name", "")),
        audio_codec=str(audio["codec_name"]) if audio and audio.get("codec_name") else None,
        format_name=str(container.get("format_name", "")),
    )


# --- What a file is, from its content -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Content:
    label: Promise | str  # what the content is, for messages: "PDF", "图片"
    kind: str | None = None  # one of KINDS when it may be accepted as such
    mime: str = ""
    extension: str = ""
    # Content nearly of a kind asked for (an AVI when a video is asked for): what the uploader should do.
    near: str | None = None
    advice: Promise | str | None = None


_VIDEO_LABEL = pgettext_lazy("file content", "视频")
_OFFICE_LABEL = pgettext_lazy("file content", "Office 文档")
_EXPECTED = {
    "video": gettext_lazy("视频（MP4 或 WebM）"),
    "pdf": gettext_lazy("PDF"),
    "office": gettext_lazy("Office 文档（Word、PowerPoint 或 Excel）"),
    "image": gettext_lazy("图片（JPEG、PNG、GIF 或 WebP）"),
}
_IMAGE_LABEL = pgettext_lazy("file content", "图片")
_CONVERT_VIDEO = gettext_lazy(
    "文件内容是 %(actual)s，网页上无法直接播放。请转换为 MP4（H.264 视频、AAC 音频）后重新上传。"
)
_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")
_ISO_IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"mif1", b"msf1", b"avif", b"avis"}
_ISO_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "}
_OOXML = {
    "word/": (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "ppt/": (".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "xl/": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
# The main stream of each legacy Office format, as its CFB directory entry names it (UTF-16LE).
_OLE2_STREAMS = {
    "WordDocument": (".doc", "application/msword"),
    "PowerPoint Document": (".ppt", "application/vnd.ms-powerpoint"),
    "Workbook": (".xls", "application/vnd.ms-excel"),
}
# Recognised only to say what a refused file is.
_OTHERS = [
    (b"ID3", gettext_lazy("音频"), None),
    (b"fLaC", gettext_lazy("音频"), None),
    (b"Rar!\x1a\x07", gettext_lazy("RAR 压缩包"), None),
    (b"7z\xbc\xaf\x27\x1c", gettext_lazy("7z 压缩包"), None),
    (b"\x1f\x8b", gettext_lazy("压缩包"), None),
    (b"MZ", gettext_lazy("程序文件"), None),
    (b"\x7fELF", gettext_lazy("程序文件"), None),
    (b"FLV\x01", gettext_lazy("FLV 视频"), "video"),
    (bytes.fromhex("3026B2758E66CF11"), gettext_lazy("WMV 视频"), "video"),
    (b"\x00\x00\x01\xba", gettext_lazy("MPEG 视频"), "video"),
]


def _inspect(path: Path, *, size: int, sha256: str, kinds: frozenset[str]) -> IncomingMedia:
    with path.open("rb") as f:
        head = f.read(4096)
    content = _identify(path, head, kinds)
    limit = settings.MEDIA_MAX_BYTES[content.kind]
    if size > limit:
        raise MediaError(_too_large(limit))
    if content.kind == "pdf":
        with path.open("rb") as f:
            f.seek(max(size - 2048, 0))
            if b"%%EOF" not in f.read():
                raise MediaError(
                    _("PDF 文件不完整（缺少文件结尾），可能没有保存或上传完整。请重新导出 PDF 后再上传。")
                )
    return IncomingMedia(
        path=path,
        kind=content.kind,
        mime=content.mime,
        extension=content.extension,
        size=size,
        sha256=sha256,
        video=_probe_by_content(path, sha256) if content.kind == "video" else None,
        image_size=_decode_image(path) if content.kind == "image" else None,
    )


def _decode_image(path: Path) -> tuple[int, int]:
    """Decode the whole image with Pillow: a truncated or forged file, or one too large to decode safely, is
    refused here rather than shown broken to every reader."""
    from PIL import Image, UnidentifiedImageError

    broken = _("图片文件已损坏或不完整，无法显示。请重新保存图片后再上传。")
    try:
        with Image.open(path) as image:
            width, height = image.size
            if width * height > settings.MEDIA_MAX_IMAGE_PIXELS:
                raise MediaError(
                    _("图片尺寸过大（%(w)d × %(h)d 像素）。请缩小到 4000 万像素以内后再上传。")
                    % {"w": width, "h": height}
                )
            image.load()
    except MediaError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise MediaError(broken) from error
    return width, height


# What ffprobe read of a video, by content (and by the ffprobe that read it). The same bytes always read the
# same, and the same recording is often uploaded again (a course built again for another project: the demo's
# two courses are 68 uploads of two files), so a process probes each content once: ffprobe is most of an
# upload's check (about 0.1 s a start). Only videos that passed are kept; a refused file is probed anew.
_PROBED: dict[tuple[str, str], VideoInfo] = {}
_PROBED_KEPT = 256


def _probe_by_content(path: Path, sha256: str) -> VideoInfo:
    key = (str(settings.FFPROBE), sha256)
    info = _PROBED.get(key)
    if info is None:
        info = probe_video(path)
        if len(_PROBED) >= _PROBED_KEPT:
            _PROBED.clear()
        _PROBED[key] = info
    return info


def _identify(path: Path, head: bytes, kinds: frozenset[str]) -> _Content:
    expected = pgettext("list separator", "、").join(str(_EXPECTED[k]) for k in sorted(kinds))
    content = _sniff(path, head, look_inside_ole2="office" in kinds)
    if content is None:
        raise MediaError(
            _(
                "无法识别文件类型：文件内容不是%(expected)s（文件类型由内容决定，与扩展名无关）。"
                "请确认文件完整，或另存为%(expected)s后重新上传。"
            )
            % {"expected": expected}
        )
    if content.kind in kinds:
        return content
    if content.near in kinds and content.advice:
        raise MediaError(str(content.advice) % {"actual": content.label})
    raise MediaError(
        _("文件内容是 %(actual)s，不是%(expected)s。请选择正确的文件后重新上传。")
        % {"actual": content.label, "expected": expected}
    )


def _sniff(path: Path, head: bytes, *, look_inside_ole2: bool) -> _Content | None:
    if head[4:8] == b"ftyp":  # ISO base media file format: MP4, MOV, M4V (and images, audio)
        brand = head[8:12]
        if brand in _ISO_IMAGE_BRANDS:
            return _Content(gettext_lazy("图片"))
        if brand in _ISO_AUDIO_BRANDS:
            return _Content(gettext_lazy("音频"))
        if brand == b"qt  ":
            return _Content(_VIDEO_LABEL, "video", "video/quicktime", ".mov")
        if brand.startswith(b"M4V"):
            return _Content(_VIDEO_LABEL, "video", "video/x-m4v", ".m4v")
        return _Content(_VIDEO_LABEL, "video", "video/mp4", ".mp4")
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: Matroska, whose DocType "webm" marks WebM
        if b"webm" in head[:64]:
            return _Content(_VIDEO_LABEL, "video", "video/webm", ".webm")
        return _Content(_VIDEO_LABEL, "video", "video/x-matroska", ".mkv")
    if head.find(b"%PDF-", 0, 1024 + 5) != -1:  # the header may follow up to 1024 bytes of anything
        return _Content(gettext_lazy("PDF"), "pdf", "application/pdf", ".pdf")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(path)
    if head.startswith(_OLE2):
        return _sniff_ole2(path) if look_inside_ole2 else _Content(_OFFICE_LABEL)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _Content(_IMAGE_LABEL, "image", "image/png", ".png")
    if head.startswith(b"\xff\xd8\xff"):
        return _Content(_IMAGE_LABEL, "image", "image/jpeg", ".jpg")
    if head.startswith((b"GIF87a", b"GIF89a")):
        return _Content(_IMAGE_LABEL, "image", "image/gif", ".gif")
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return _Content(_IMAGE_LABEL, "image", "image/webp", ".webp")
    if head.startswith(b"RIFF"):
        form = head[8:12]
        if form == b"AVI ":
            return _Content(gettext_lazy("AVI 视频"), near="video", advice=_CONVERT_VIDEO)
        return _Content(gettext_lazy("音频"))
    for magic, label, near in _OTHERS:
        if head.startswith(magic):
            return _Content(label, near=near, advice=_CONVERT_VIDEO if near else None)
    if len(head) > 376 and head[0] == head[188] == head[376] == 0x47:  # MPEG transport stream packets
        return _Content(gettext_lazy("MPEG 视频"), near="video", advice=_CONVERT_VIDEO)
    return None


def _sniff_zip(path: Path) -> _Content:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return _Content(
            gettext_lazy("已损坏的 ZIP 压缩包"),
            near="office",
            advice=gettext_lazy(
                "Office 文件已损坏或不完整，无法读取。请用 Office 打开确认后另存一份再上传。"
            ),
        )
    if "[Content_Types].xml" in names:
        for prefix, (extension, mime) in _OOXML.items():
            if any(name.startswith(prefix) for name in names):
                return _Content(_OFFICE_LABEL, "office", mime, extension)
    if "mimetype" in names:
        return _Content(
            gettext_lazy("OpenDocument 文档"),
            near="office",
            advice=gettext_lazy(
                "文件内容是 %(actual)s（WPS、LibreOffice 的格式）。请另存为 Word、PowerPoint 或 Excel 格式"
                "（.docx、.pptx、.xlsx）后重新上传。"
            ),
        )
    return _Content(gettext_lazy("ZIP 压缩包"))


def _sniff_ole2(path: Path) -> _Content:
    """Which legacy Office format an OLE2 compound file is, from its directory entries.

    Directory entries are 128-byte records at 128-byte boundaries: a UTF-16LE name, zero padding, and at
    offset 64 the name's length in bytes with its terminator. The main stream nearest the start wins (an
    embedded object has its own streams, further on).
    """
    wanted = {name: name.encode("utf-16-le") + b"\x00\x00" for name in (*_OLE2_STREAMS, "EncryptedPackage")}
    found: dict[str, int] = {}
    offset = 0
    with path.open("rb") as f:
        while len(found) < len(wanted) and (block := f.read(CHUNK_BYTES)):  # CHUNK_BYTES: a multiple of 128
            for name, pattern in wanted.items():
                at = block.find(pattern)
                while name not in found and at != -1:
                    if at % 128 == 0 and block[at + 64 : at + 66] == len(pattern).to_bytes(2, "little"):
                        found[name] = offset + at
                    at = block.find(pattern, at + 1)
            offset += len(block)
    if "EncryptedPackage" in found:
        return _Content(
            gettext_lazy("加密的 Office 文档"),
            near="office",
            advice=gettext_lazy("Office 文件设置了打开密码，无法检查。请去除密码后另存一份再上传。"),
        )
    streams = sorted((at, name) for name, at in found.items())
    if not streams:
        return _Content(gettext_lazy("无法识别的 OLE 复合文件"))
    extension, mime = _OLE2_STREAMS[streams[0][1]]
    return _Content(_OFFICE_LABEL, "office", mime, extension)


# --- Helpers ------------------------------------------------------------------------------------------------


def _copy_within(upload: File, out, *, limit: int) -> tuple[int, str]:
    """Copy the upload to `out`, stopping as soon as it passes `limit`; return its size and SHA-256."""
    digest = hashlib.sha256()
    size = 0
    for chunk in upload.chunks(CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            raise MediaError(_too_large(limit))
        digest.update(chunk)
        out.write(chunk)
    if size == 0:
        raise MediaError(_("文件是空的，请重新选择文件上传。"))
    return size, digest.hexdigest()


def _too_large(limit: int) -> str:
    message = _("文件超过了 %(limit)s 的上限。请压缩或分成几个文件后重新上传。")
    return message % {"limit": _format_bytes(limit)}


def _format_bytes(n: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} B"


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
