import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teachnet.settings")
django_application = get_wsgi_application()

from teachnet.learning.fastpath import HEARTBEAT_PATH, heartbeat_wsgi  # noqa: E402 (needs Django set up)


def application(environ, start_response):
    """Django, except study heartbeats, which take a lean route (learning.fastpath explains why)."""
    if environ.get("PATH_INFO") == HEARTBEAT_PATH and environ.get("REQUEST_METHOD") == "POST":
        return heartbeat_wsgi(environ, start_response)
    return django_application(environ, start_response)
