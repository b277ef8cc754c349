"""Settings for the test suite: the production settings with TEACHNET_TESTING on (fast hashing, inline
tasks, memory cache). Kept to this one switch so tests exercise the real configuration."""

import os

os.environ.setdefault("TEACHNET_TESTING", "1")

from teachnet.settings import *  # noqa: E402, F403
