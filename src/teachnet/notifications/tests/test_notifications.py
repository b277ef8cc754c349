"""The inbox, preferences and delivery: a person sees only their own notices, gets each once, and by the
channels they chose."""

import pytest
from django.core import mail
from django.urls import reverse

from teachnet.accounts.models import SmsMessage
from teachnet.accounts.tests.factories import UserFactory
from teachnet.notifications import services
from teachnet.notifications.kinds import Channel, Kind
from teachnet.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", email="alice@example.com")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


def test_notify_counts_unread_and_sends_by_default_channels(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[alice], kind=Kind.HOMEWORK_RETURNED, title="作业被退回", url="/learn/")
    assert services.unread_count(alice) == 1
    # Returned homework goes by SMS too (the default); email only when chosen.
    assert SmsMessage.objects.count() == 1
    assert Delivery.objects.get().channel == Channel.SMS
    assert mail.outbox == []


def test_once_per_subject(alice):
    for _ in range(3):
        services.notify(recipients=[alice.pk], kind=Kind.QA_STARTING, title="答疑", subject_key="qa:1")
    assert Notification.objects.filter(recipient=alice).count() == 1
    services.notify(recipients=[alice.pk], kind=Kind.QA_STARTING, title="答疑", subject_key="qa:2")
    assert Notification.objects.filter(recipient=alice).count() == 2


def test_preferences_turn_channels_on_and_off(alice, django_capture_on_commit_callbacks):
    services.preferences_set(
        user=alice, chosen={Kind.HOMEWORK_GRADED: {Channel.EMAIL}, Kind.HOMEWORK_RETURNED: {Channel.INBOX}}
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[alice], kind=Kind.HOMEWORK_GRADED, title="作业已批改", body="优秀")
        services.notify(recipients=[alice], kind=Kind.HOMEWORK_RETURNED, title="作业被退回")
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "作业已批改"
    assert SmsMessage.objects.count() == 0  # returned: inbox only now
    # Graded with the inbox off: recorded, not listed, not counted.
    assert services.unread_count(alice) == 1
    assert Notification.objects.filter(recipient=alice, in_inbox=False).count() == 1


def test_the_inbox_shows_only_ones_own_and_opens_local_links(client, alice, bob):
    soon = Kind.DEADLINE_SOON
    mine = services.notify(recipients=[alice], kind=soon, title="作业明天截止", url="/learn/")[0]
    theirs = services.notify(recipients=[bob], kind=soon, title="鲍勃的通知", url="/learn/")[0]
    evil = services.notify(recipients=[alice], kind=soon, title="x", url="https://evil.example/")[0]
    client.force_login(alice)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "作业明天截止" in page and "鲍勃的通知" not in page
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    response = client.get(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/learn/"
    assert client.get(reverse("notifications:open", args=[evil.pk]))["Location"] == reverse(
        "notifications:inbox"
    )
    assert services.unread_count(alice) == 0
    badge = client.get(reverse("notifications:badge")).content.decode()
    assert "unread-count" not in badge


def test_read_all_and_preferences_page(client, alice):
    services.notify(recipients=[alice], kind=Kind.HOMEWORK_GRADED, title="a")
    services.notify(recipients=[alice], kind=Kind.QUESTION_ANSWERED, title="b")
    client.force_login(alice)
    assert 'data-testid="unread-count">2<' in client.get(reverse("notifications:badge")).content.decode()
    client.post(reverse("notifications:read_all"))
    assert services.unread_count(alice) == 0
    response = client.post(
        reverse("notifications:preferences"), {f"{Kind.QA_STARTING}:{Channel.EMAIL}": "on"}
    )
    assert response.status_code == 302
    chosen = services.preferences(alice)
    assert chosen[Kind.QA_STARTING] == {Channel.EMAIL}
    assert chosen[Kind.HOMEWORK_GRADED] == set()  # the whole table is submitted: unticked is off


def test_api_is_ones_own(client, alice, bob):
    services.notify(recipients=[alice], kind=Kind.HOMEWORK_GRADED, title="a")
    other = services.notify(recipients=[bob], kind=Kind.HOMEWORK_GRADED, title="b")[0]
    client.force_login(alice)
    listed = client.get("/api/v1/notifications/").json()
    assert [n["title"] for n in listed["results"]] == ["a"]
    assert client.get(f"/api/v1/notifications/{other.pk}/").status_code == 404
    assert client.get("/api/v1/notifications/unread/").json() == {"unread": 1}
    # Marking someone else's notice read changes nothing of theirs.
    marked = client.post(
        "/api/v1/notifications/mark-read/", {"ids": [other.pk]}, content_type="application/json"
    )
    assert marked.json() == {"marked": 0}
    assert Notification.objects.get(pk=other.pk).read_at is None
    bad = client.post("/api/v1/notifications/mark-read/", {"ids": ["x"]}, content_type="application/json")
    assert bad.status_code == 400
    prefs = client.put(
        "/api/v1/notification-preferences/",
        [{"kind": Kind.DEADLINE_SOON, "channels": [Channel.INBOX]}],
        content_type="application/json",
    )
    assert prefs.status_code == 200
    assert {"kind": Kind.DEADLINE_SOON, "channels": [Channel.INBOX]} in prefs.json()
    bad = client.put(
        "/api/v1/notification-preferences/",
        [{"kind": "nope", "channels": []}],
        content_type="application/json",
    )
    assert bad.status_code == 400


def test_anonymous_is_sent_to_login(client):
    assert client.get(reverse("notifications:inbox")).status_code == 302
    assert client.get("/api/v1/notifications/").status_code in (401, 403)
