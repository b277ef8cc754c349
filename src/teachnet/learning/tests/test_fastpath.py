"""The lean WSGI route for heartbeats (teachnet.wsgi → learning.fastpath) answers as the API view does, and
refuses what the view refuses: a foreign host, a body too large, bad JSON, bad fields."""

import io
import json

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from teachnet.learning import services
from teachnet.learning.fastpath import HEARTBEAT_PATH
from teachnet.wsgi import application

from .factories import article, enroll_learner, open_course

pytestmark = pytest.mark.django_db


def wsgi_post(body: bytes, host: str = "127.0.0.1") -> tuple[str, dict]:
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": HEARTBEAT_PATH,
        "SERVER_NAME": host,
        "SERVER_PORT": "80",
        "HTTP_HOST": host,
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "QUERY_STRING": "",
    }
    status = []
    payload = b"".join(application(environ, lambda s, headers: status.append(s)))
    return status[0], json.loads(payload)


@pytest.fixture
def token(project, orgs, provider_admin, project_office, learner):
    course = open_course(project, orgs, provider_admin, project_office)
    enroll_learner(course, learner)
    return services.session_start(learner=learner, course=course, resource_id=article(course).pk).token


@override_settings(ALLOWED_HOSTS=["127.0.0.1", "testserver"])
def test_the_lean_route_answers_like_the_api_view(token):
    status, body = wsgi_post(json.dumps({"token": token, "seq": 1}).encode())
    assert status == "200 OK" and body["accepted"] is True
    api = APIClient().post("/api/v1/study/heartbeat/", {"token": token, "seq": 1}, format="json").json()
    assert api == {**body, "reason": "duplicate"}  # the same answer shape; the repeat is a duplicate
    for bad in (b"{not json", b'{"token": 5, "seq": 0}', b"[1, 2]", json.dumps({"token": token}).encode()):
        status, body = wsgi_post(bad)
        assert status == "400 Bad Request", bad
    status, body = wsgi_post(json.dumps({"token": token, "seq": 2}).encode(), host="evil.example")
    assert status == "400 Bad Request"
    status, _ = wsgi_post(b"{" + b" " * 9000 + b"}")
    assert status == "413 Payload Too Large"
