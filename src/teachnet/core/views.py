"""The shell: the home page each role lands on, and the progress bar and download of long jobs."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from teachnet.accounts.selectors import home_overview

from .selectors import task_progress_for_owner


@login_required
def home(request):
    return render(request, "core/home.html", home_overview(actor=request.user))


@login_required
def task_progress(request, pk):
    task = task_progress_for_owner(actor=request.user, progress_id=pk)
    # A page whose content the job changes (an upload's errors, a table's rows) asks to be reloaded once the
    # job is finished, so the person sees the outcome without pressing F5.
    reload_when_done = request.GET.get("reload") == "1"
    response = render(request, "core/_progress.html", {"task": task, "reload_when_done": reload_when_done})
    if reload_when_done and task.finished:
        response["HX-Refresh"] = "true"
    return response


@login_required
def task_download(request, pk):
    task = task_progress_for_owner(actor=request.user, progress_id=pk)
    path = (Path(settings.PRIVATE_ROOT) / task.result_path).resolve()
    if (
        not task.result_path
        or not path.is_file()
        or Path(settings.PRIVATE_ROOT).resolve() not in path.parents
    ):
        raise Http404
    return FileResponse(open(path, "rb"), as_attachment=True, filename=task.result_name)  # noqa: SIM115


def page_not_found(request, exception=None):
    """The API answers in JSON even for a path no route matches; pages get the 404 page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("对象不存在，或不在您的权限范围内。")}, status=404)
    return render(request, "404.html", status=404)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: send them to the icon (resolved per request, so
    the manifest of collected files is read when it exists, not when the URLs are imported)."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("teachnet/favicon.svg"))
