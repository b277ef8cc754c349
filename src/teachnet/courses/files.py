"""Sending a course resource's stored file: PDFs and media open in the browser (with ranges for seeking),
other documents download under their original name."""

from teachnet.core.http import serve_private_file


def resource_file_response(request, *, file: str, kind: str, mime: str, file_name: str):
    return serve_private_file(
        request,
        file,
        content_type=mime or "application/octet-stream",
        filename=file_name or None,
        as_attachment=kind == "document" and mime != "application/pdf",
    )


def snapshot_file_response(request, entry: dict):
    """The file a version's snapshot names for a resource (a dict as CourseVersion.snapshot holds it)."""
    return resource_file_response(
        request,
        file=entry["file"],
        kind=entry["kind"],
        mime=entry.get("mime", ""),
        file_name=entry.get("file_name", ""),
    )
