import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teachnet.settings")
django_application = get_wsgi_application()

from teachnet.learning.fastpath import HEARTBEAT_PATH, heartbeat_wsgi  # noqa: E402 (needs Django set up)
from teachnet.qa.live import LIVE_PREFIX, PASS_HEADER, live_wsgi  # noqa: E402


def application(environ, start_response):
    """Django, except study heartbeats and the Q&A room's feed, which take lean routes (learning.fastpath
    and qa.live explain why)."""
    path = environ.get("PATH_INFO", "")
    if path == HEARTBEAT_PATH and environ.get("REQUEST_METHOD") == "POST":
        return heartbeat_wsgi(environ, start_response)
    if path.startswith(LIVE_PREFIX) and environ.get(PASS_HEADER):
        return live_wsgi(environ, start_response)
    return django_application(environ, start_response)
