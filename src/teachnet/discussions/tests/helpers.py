"""Uploads for the discussions tests: a real small PNG, and files that only claim to be images."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile


def png(name="场地.png", size=(40, 30)) -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 60)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf_named_png(name="照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="image/png"
    )


def cut_png(name="半张.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png().read()[:60], content_type="image/png")
