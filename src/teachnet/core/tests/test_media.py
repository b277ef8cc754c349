"""Uploads checked by content (core.media): a file is what its bytes say, whatever its name; nothing refused
or abandoned is left behind, and the same content is stored once."""

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from teachnet.core.media import MediaError, MediaToolMissing, incoming_media, stored_media_delete

DATA = Path(__file__).parent / "data"


def upload(sample: str, *, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or sample, (DATA / sample).read_bytes())


def raw(content: bytes, name: str = "upload.bin") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def leftovers(settings) -> list[Path]:
    incoming = Path(settings.PRIVATE_ROOT) / "media" / "incoming"
    return sorted(incoming.iterdir()) if incoming.exists() else []


def stored_files(settings) -> list[Path]:
    root = Path(settings.PRIVATE_ROOT) / "media"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def refusal(file, kinds) -> str:
    with pytest.raises(MediaError) as error, incoming_media(file, kinds=kinds):
        pytest.fail("the upload should have been refused")
    return str(error.value)


# --- Accepted, whatever the name says -----------------------------------------------------------------------


def test_mp4_with_a_misleading_name_is_read_and_stored_under_its_hash(settings):
    content = (DATA / "lecture.mp4").read_bytes()
    sha = hashlib.sha256(content).hexdigest()

    with incoming_media(upload("lecture.mp4", name="第一讲.pdf"), kinds={"video"}) as media:
        assert (media.kind, media.mime, media.extension) == ("video", "video/mp4", ".mp4")
        assert (media.size, media.sha256) == (len(content), sha)
        assert media.video.duration_seconds == pytest.approx(3.0, abs=0.1)
        assert (media.video.width, media.video.height) == (64, 48)
        assert (media.video.video_codec, media.video.audio_codec) == ("h264", "aac")
        assert "mp4" in media.video.format_name
        relative = media.store("courses")

    assert relative == f"media/courses/{sha[:2]}/{sha}.mp4"
    assert (Path(settings.PRIVATE_ROOT) / relative).read_bytes() == content
    assert leftovers(settings) == []


def test_webm_without_sound_has_no_audio_codec(settings):
    with incoming_media(upload("clip.webm", name="clip.mp4"), kinds={"video"}) as media:
        assert (media.kind, media.mime, media.extension) == ("video", "video/webm", ".webm")
        assert media.video.video_codec == "vp9"
        assert media.video.audio_codec is None
        assert media.video.duration_seconds == pytest.approx(2.0, abs=0.1)


def test_pdf_and_docx_are_told_apart_by_content_not_name(settings):
    with incoming_media(upload("handout.pdf", name="handout.docx"), kinds={"pdf", "office"}) as media:
        assert (media.kind, media.mime, media.extension) == ("pdf", "application/pdf", ".pdf")
        assert media.video is None
    with incoming_media(upload("lesson-plan.docx", name="教案.pdf"), kinds={"pdf", "office"}) as media:
        assert (media.kind, media.extension) == ("office", ".docx")
        assert media.mime == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_pdf_header_may_follow_up_to_1024_bytes_but_no_more(settings):
    pdf = (DATA / "handout.pdf").read_bytes()
    with incoming_media(raw(b" " * 1024 + pdf), kinds={"pdf"}) as media:
        assert media.kind == "pdf"
    assert "无法识别文件类型" in refusal(raw(b" " * 1025 + pdf), {"pdf"})


@pytest.mark.parametrize(
    ("stream", "extension", "mime"),
    [
        ("WordDocument", ".doc", "application/msword"),
        ("PowerPoint Document", ".ppt", "application/vnd.ms-powerpoint"),
        ("Workbook", ".xls", "application/vnd.ms-excel"),
    ],
)
def test_legacy_office_files_are_known_by_their_main_stream(settings, stream, extension, mime):
    with incoming_media(raw(ole2(stream), "slides.docx"), kinds={"office"}) as media:
        assert (media.kind, media.extension, media.mime) == ("office", extension, mime)


def test_the_name_of_a_stream_in_the_middle_of_a_record_does_not_count(settings):
    misaligned = ole2("Root Entry")[:600] + directory_entry("WordDocument") + b"\x00" * 200
    assert "无法识别的 OLE 复合文件" in refusal(raw(misaligned), {"office"})


# --- Refused, saying what the file is and what to do --------------------------------------------------------


def test_pdf_renamed_mp4_is_refused_as_a_pdf(settings):
    message = refusal(upload("pdf-renamed.mp4"), {"video"})
    assert "文件内容是 PDF，不是视频" in message
    assert leftovers(settings) == []


def test_text_renamed_pdf_is_refused_as_unrecognised(settings):
    message = refusal(upload("text-renamed.pdf"), {"pdf"})
    assert "无法识别文件类型" in message
    assert "PDF" in message


def test_docx_offered_as_a_video_is_named_as_an_office_document(settings):
    assert "文件内容是 Office 文档，不是视频" in refusal(upload("lesson-plan.docx", name="a.mp4"), {"video"})


def test_avi_gets_advice_to_convert(settings):
    message = refusal(raw(b"RIFF\x00\x10\x00\x00AVI LIST" + b"\x00" * 100, "a.mp4"), {"video"})
    assert "AVI 视频" in message
    assert "MP4" in message


def test_encrypted_office_file_asks_for_the_password_to_be_removed(settings):
    assert "密码" in refusal(raw(ole2("EncryptedPackage"), "a.docx"), {"office"})


def test_corrupt_mp4_is_refused_with_what_ffprobe_found(settings):
    message = refusal(upload("corrupt.mp4"), {"video"})
    assert "视频文件已损坏或无法读取（ffprobe 无法解析）" in message
    assert leftovers(settings) == []
    assert stored_files(settings) == []


def test_mp4_with_sound_only_is_refused(settings):
    assert "没有视频画面" in refusal(upload("sound-only.mp4"), {"video"})


def test_pdf_cut_short_is_refused_as_incomplete(settings):
    truncated = (DATA / "handout.pdf").read_bytes().replace(b"%%EOF", b"")
    assert "PDF 文件不完整" in refusal(raw(truncated, "a.pdf"), {"pdf"})


def test_empty_file_is_refused(settings):
    assert "文件是空的" in refusal(raw(b""), {"pdf"})


# --- Size limits --------------------------------------------------------------------------------------------


class EndlessUpload:
    """An upload whose declared size is unknown and whose content never ends: only the limit stops it."""

    size = None

    def __init__(self) -> None:
        self.chunks_read = 0

    def chunks(self, chunk_size=None):
        while self.chunks_read < 1000:
            self.chunks_read += 1
            yield b"\x00\x00\x00\x20ftypisom" + b"x" * 4084  # 4 KiB


def test_reading_stops_as_soon_as_the_limit_is_passed(settings):
    settings.MEDIA_MAX_BYTES = {**settings.MEDIA_MAX_BYTES, "video": 8 * 1024}
    endless = EndlessUpload()

    message = refusal(endless, {"video"})

    assert endless.chunks_read == 3
    assert "8 KB" in message
    assert leftovers(settings) == []


def test_declared_size_over_the_limit_is_refused_before_reading(settings):
    settings.MEDIA_MAX_BYTES = {**settings.MEDIA_MAX_BYTES, "video": 2 * 1024**3}
    file = upload("lecture.mp4")
    file.size = 2 * 1024**3 + 1

    assert "2 GB" in refusal(file, {"video"})
    assert leftovers(settings) == []


def test_each_kind_has_its_own_limit(settings):
    settings.MEDIA_MAX_BYTES = {"video": 10**9, "pdf": 100, "office": 10**9}
    assert "100 B" in refusal(upload("handout.pdf"), {"video", "pdf"})
    with incoming_media(upload("lecture.mp4"), kinds={"video", "pdf"}) as media:
        assert media.kind == "video"


# --- Nothing half-stored ------------------------------------------------------------------------------------


def test_an_error_inside_the_block_leaves_nothing_behind(settings):
    with pytest.raises(RuntimeError), incoming_media(upload("handout.pdf"), kinds={"pdf"}) as media:
        assert media.path.exists()
        temporary = media.path
        raise RuntimeError("the caller failed before storing")
    assert not temporary.exists()
    assert leftovers(settings) == []
    assert stored_files(settings) == []


def test_leaving_without_storing_keeps_nothing(settings):
    with incoming_media(upload("handout.pdf"), kinds={"pdf"}):
        pass
    assert stored_files(settings) == []


def test_same_content_uploaded_twice_is_stored_once(settings):
    with incoming_media(upload("lecture.mp4", name="a.mp4"), kinds={"video"}) as media:
        first = media.store("courses")
    inode = (Path(settings.PRIVATE_ROOT) / first).stat().st_ino
    with incoming_media(upload("lecture.mp4", name="b.mov"), kinds={"video"}) as media:
        second = media.store("courses")

    assert first == second
    assert (Path(settings.PRIVATE_ROOT) / first).stat().st_ino == inode  # kept, not written again
    assert stored_files(settings) == [Path(settings.PRIVATE_ROOT) / first]


def test_the_same_video_is_probed_once(settings, monkeypatch):
    # Given a process that has probed no video yet, counting its ffprobe runs
    from teachnet.core import media as media_module

    monkeypatch.setattr(media_module, "_PROBED", {})
    runs = []
    real_run = media_module.subprocess.run
    monkeypatch.setattr(media_module.subprocess, "run", lambda *a, **kw: runs.append(a) or real_run(*a, **kw))

    # When the same recording is uploaded twice, under two names
    durations = []
    for name in ("第一讲.mp4", "第一讲（重传）.mov"):
        with incoming_media(upload("lecture.mp4", name=name), kinds={"video"}) as media:
            durations.append(media.video.duration_seconds)

    # Then ffprobe read it once, and both read the same
    assert len(runs) == 1
    assert durations[0] == durations[1] == pytest.approx(3.0, abs=0.1)


def test_missing_ffprobe_is_an_operator_problem_not_the_uploaders(settings, tmp_path):
    settings.FFPROBE = str(tmp_path / "no-such-ffprobe")
    with pytest.raises(MediaToolMissing) as error, incoming_media(upload("lecture.mp4"), kinds={"video"}):
        pass
    assert not isinstance(error.value, MediaError)
    assert "apt-get install ffmpeg" in str(error.value)
    assert leftovers(settings) == []


def test_unknown_kind_is_a_programming_error(settings):
    with pytest.raises(ValueError, match="kinds"), incoming_media(upload("handout.pdf"), kinds={"audio"}):
        pass


# --- Deleting -----------------------------------------------------------------------------------------------


def test_stored_file_is_deleted_once(settings):
    with incoming_media(upload("handout.pdf"), kinds={"pdf"}) as media:
        relative = media.store("courses")
    assert stored_media_delete(relative_path=relative) is True
    assert stored_media_delete(relative_path=relative) is False
    assert stored_files(settings) == []


@pytest.mark.parametrize("relative_path", ["../outside.pdf", "/etc/passwd", "media/../exports/x.xlsx", ""])
def test_delete_refuses_paths_outside_stored_media(settings, tmp_path, relative_path):
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"keep me")
    with pytest.raises(ValueError):
        stored_media_delete(relative_path=relative_path)
    assert outside.exists()


def ole2(stream: str) -> bytes:
    """An OLE2 compound file header and a directory sector naming the root and one stream."""
    header = bytes.fromhex("D0CF11E0A1B11AE1").ljust(512, b"\x00")
    return header + directory_entry("Root Entry") + directory_entry(stream) + b"\x00" * 256


def directory_entry(name: str) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    return encoded.ljust(64, b"\x00") + len(encoded).to_bytes(2, "little") + b"\x00" * 62


# --- Images (posts, homework attachments) -------------------------------------------------------------------


def _image_bytes(fmt: str, size=(64, 48)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    ("fmt", "mime", "extension"),
    [("PNG", "image/png", ".png"), ("JPEG", "image/jpeg", ".jpg"), ("GIF", "image/gif", ".gif"),
     ("WEBP", "image/webp", ".webp")],
)  # fmt: skip
def test_images_are_known_by_content_and_decoded(settings, fmt, mime, extension):
    with incoming_media(raw(_image_bytes(fmt), name="photo.pdf"), kinds={"image"}) as media:
        got = (media.kind, media.mime, media.extension, media.image_size)
    assert got == ("image", mime, extension, (64, 48))


def test_an_image_cut_short_is_refused_as_broken(settings):
    data = _image_bytes("PNG", size=(400, 300))
    assert "图片文件已损坏或不完整" in refusal(raw(data[: len(data) // 2], name="a.png"), {"image"})
    assert leftovers(settings) == []


def test_an_image_too_large_to_decode_safely_is_refused(settings):
    settings.MEDIA_MAX_IMAGE_PIXELS = 1000
    assert "图片尺寸过大（64 × 48 像素）" in refusal(raw(_image_bytes("PNG"), name="a.png"), {"image"})


def test_a_pdf_named_png_is_refused_as_a_pdf_and_an_image_offered_as_a_video_is_named(settings):
    assert "文件内容是 PDF，不是图片" in refusal(upload("pdf-renamed.mp4", name="photo.png"), {"image"})
    assert "文件内容是 图片，不是视频" in refusal(raw(_image_bytes("JPEG"), name="a.mp4"), {"video"})
