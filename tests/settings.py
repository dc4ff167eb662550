"""Settings for the test suite: the application's own settings in ``test`` mode."""

import os

os.environ["ARRIMAGE_MODE"] = "test"

from arrimage.settings import *  # noqa: F403
