"""Pages of Q&A sessions (ACT-5): the sessions of one's subjects with their standing against the rule,
scheduling, the live room (its feed is qa.live), the archived transcript, attendance. The room's actions
answer JSON for its script (static/teachnet/qa-room.js)."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from teachnet.core.forms import add_service_errors
from teachnet.training.models import ProviderSubject

from . import board, live, rules, selectors, services
from .forms import SessionForm
from .models import QaMessage, QaSession


def _verdict(session: QaSession) -> rules.Verdict:
    return rules.verdict(session, host_roles=[h.role for h in session.hosts.all()])


@login_required
def index(request):
    subjects = (
        selectors.provider_subjects_visible(actor=request.user)
        .select_related("project", "subject", "provider")
        .order_by("-project__year", "subject_id", "provider_id")
    )
    chosen = request.GET.get("subject", "")
    if chosen.isdigit():
        subjects = subjects.filter(pk=int(chosen))
    schedulable = set(selectors.schedulable_subjects(actor=request.user).values_list("pk", flat=True))
    seen = selectors.sessions_visible(actor=request.user)
    blocks = []
    for ps in subjects:
        sessions = list(
            seen.filter(provider_subject=ps).prefetch_related("hosts").order_by("starts_at", "id")
        )
        rows = [{"s": s, "state": selectors.state(s), "verdict": _verdict(s)} for s in sessions]
        blocks.append(
            {
                "ps": ps,
                "rows": rows,
                "standing": rules.standing_for(ps, sessions),
                "may_schedule": ps.pk in schedulable,
            }
        )
    return render(request, "qa/index.html", {"blocks": blocks, "rule": rules.RULE})


def _schedule_form(request, *, ps: ProviderSubject, session: QaSession | None):
    initial = SessionForm.initial_for(session) if session else {}
    form = SessionForm(request.POST or None, initial=initial, provider_subject=ps)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "title": data["title"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "host_ids": [int(h) for h in data["hosts"]],
            "description": data["description"],
            "video_url": data["video_url"],
        }
        try:
            if session is None:
                session = services.session_schedule(actor=request.user, provider_subject=ps, **fields)
                messages.success(request, _("已安排答疑。"))
            else:
                services.session_update(
                    actor=request.user,
                    session=session,
                    version=parse_datetime(data["version"] or ""),
                    **fields,
                )
                messages.success(request, _("已保存修改。"))
            return redirect("qa:session", session.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "qa/schedule.html", {"form": form, "ps": ps, "session": session})


@login_required
def schedule(request, ps_id):
    ps = get_object_or_404(ProviderSubject.objects.select_related("project", "subject", "provider"), pk=ps_id)
    if not selectors.may_schedule(actor=request.user, provider_subject=ps):
        raise Http404
    return _schedule_form(request, ps=ps, session=None)


@login_required
def edit(request, session_id):
    session, _access = selectors.session_access(actor=request.user, session_id=session_id, need="manage")
    return _schedule_form(request, ps=session.provider_subject, session=session)


@login_required
@require_POST
def cancel(request, session_id):
    session, _access = selectors.session_access(actor=request.user, session_id=session_id, need="manage")
    try:
        services.session_cancel(actor=request.user, session=session, reason=request.POST.get("reason", ""))
        messages.success(request, _("已取消这场答疑。"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("qa:session", session.pk)


@login_required
def session(request, session_id):
    session, access = selectors.session_access(actor=request.user, session_id=session_id)
    state = selectors.state(session)
    hosts = list(session.hosts.all())
    context = {
        "session": session,
        "access": access,
        "state": state,
        "hosts": hosts,
        "verdict": _verdict(session),
        "opens_at": selectors.opens_at(session),
    }
    if state == selectors.State.ENDED:
        context.update(
            transcript=selectors.transcript(session=session),
            figures=selectors.figures(session=session),
            may_move=board.mover() is not None and (access.host or access.manage),
        )
        return render(request, "qa/transcript.html", context)
    if state in (selectors.State.OPEN, selectors.State.LIVE):
        context["room"] = {
            "session": session.pk,
            "feed": reverse("qa:live", args=[session.pk]),
            "pass": live.pass_issue(session_id=session.pk, user_id=request.user.pk),
            "poll_ms": int(settings.QA_POLL_SECONDS * 1000),
            "ping_ms": settings.QA_PRESENCE_PING_SECONDS * 1000,
            "ask": reverse("qa:ask", args=[session.pk]),
            "presence": reverse("qa:live_presence", args=[session.pk]),
            "message_base": reverse("qa:vote", args=[0]).replace("/0/vote/", "/"),
            "can_ask": access.ask,
            "is_host": access.host,
            "counts_presence": access.ask or access.host,
            "my_votes": sorted(selectors.my_votes(user=request.user, session=session)),
            "ends_at": session.ends_at.isoformat(),
        }
    return render(request, "qa/room.html", context)


def live_feed(request, session_id):
    """The feed through Django (the dev server, tests): the same answer the lean route gives."""
    viewer = live.pass_check(request.headers.get("X-QA-Pass"), session_id=session_id)
    if viewer is None:
        selectors.session_access(actor=request.user, session_id=session_id)
    since = live._since(request.META.get("QUERY_STRING", ""))
    if since is None:
        raise Http404
    status, payload = live.feed_answer(session_id, since)
    return HttpResponse(payload, status=status, content_type="application/json; charset=utf-8")


@csrf_exempt  # the credential is the pass in a custom header, which another site cannot send
@require_POST
def live_presence(request, session_id):
    """Presence through Django (the dev server, tests): the same answer the lean route gives."""
    viewer = live.pass_check(request.headers.get("X-QA-Pass"), session_id=session_id)
    if viewer is None:
        raise Http404
    status, payload = live.presence_answer(session_id, viewer)
    return HttpResponse(payload, status=status, content_type="application/json; charset=utf-8")


# --- The room's actions (JSON) ------------------------------------------------------------------------------


def _json_error(exc: ValidationError) -> JsonResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return JsonResponse({"ok": False, "errors": errors, "message": " ".join(exc.messages)}, status=400)


def _body(request) -> dict:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}
    return request.POST


def _message(request, message_id) -> tuple[QaMessage, selectors.Access]:
    message = get_object_or_404(QaMessage.objects.select_related("session__provider_subject"), pk=message_id)
    _session, access = selectors.session_access(actor=request.user, session_id=message.session_id)
    message.session = _session
    return message, access


@login_required
@require_POST
def ask(request, session_id):
    session, _access = selectors.session_access(actor=request.user, session_id=session_id, need="ask")
    try:
        m = services.question_ask(
            actor=request.user, session=session, body=str(_body(request).get("body", ""))
        )
    except ValidationError as exc:
        return _json_error(exc)
    return JsonResponse({"ok": True, "id": m.pk, "rev": m.rev})


@login_required
@require_POST
def vote(request, message_id):
    message, access = _message(request, message_id)
    if not access.ask:
        raise Http404
    on = str(_body(request).get("on", "1")) not in ("0", "false", "False")
    try:
        m = services.vote_set(actor=request.user, question=message, on=on)
    except ValidationError as exc:
        return _json_error(exc)
    return JsonResponse({"ok": True, "votes": m.votes, "on": on})


@login_required
@require_POST
def answer(request, message_id):
    message, access = _message(request, message_id)
    if not access.host:
        raise Http404
    data = _body(request)
    try:
        a = services.answer_post(
            actor=request.user,
            question=message,
            body=str(data.get("body", "")),
            mark_answered=str(data.get("mark", "1")) not in ("0", "false", "False"),
        )
    except ValidationError as exc:
        return _json_error(exc)
    return JsonResponse({"ok": True, "id": a.pk, "rev": a.rev})


@login_required
@require_POST
def mark(request, message_id):
    message, access = _message(request, message_id)
    if not access.host:
        raise Http404
    answered = str(_body(request).get("answered", "1")) not in ("0", "false", "False")
    try:
        q = services.question_mark_answered(actor=request.user, question=message, answered=answered)
    except ValidationError as exc:
        return _json_error(exc)
    return JsonResponse({"ok": True, "answered": q.answered_at is not None})


@login_required
@require_POST
def presence(request, session_id):
    session, access = selectors.session_access(actor=request.user, session_id=session_id)
    if not (access.ask or access.host):
        raise Http404
    try:
        att = services.presence_ping(actor=request.user, session=session)
    except ValidationError as exc:
        return _json_error(exc)
    return JsonResponse({"ok": True, "seconds": att.seconds})


@login_required
@require_POST
def end(request, session_id):
    session, access = selectors.session_access(actor=request.user, session_id=session_id, need="host")
    try:
        services.session_end(actor=request.user, session=session)
        messages.success(request, _("答疑已结束，记录已归档。"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("qa:session", session.pk)


@login_required
@require_POST
def move(request, message_id):
    message, access = _message(request, message_id)
    if not (access.host or access.manage) or board.mover() is None:
        raise Http404
    try:
        services.question_move(actor=request.user, question=message)
        messages.success(request, _("已转入学科讨论区。"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("qa:session", args=[message.session_id]) + f"#q{message.pk}")


@login_required
def attendance(request, session_id):
    session, access = selectors.session_access(actor=request.user, session_id=session_id)
    if not (access.host or access.oversee):
        raise Http404
    rows = selectors.attendance(session=session)
    return render(
        request,
        "qa/attendance.html",
        {"session": session, "rows": rows, "window": (session.end_bound - session.starts_at).total_seconds()},
    )
