import os
from pathlib import Path

import pytest
from django.conf import settings

from civicgrid.insight.dataset import TEDDY


@pytest.fixture(scope="session")
def teddy_dir() -> Path:
    """The shared Teddy Cup data; tests that need it skip only outside CI when it is absent."""
    path = Path(settings.SHARED_DATA_DIR) / TEDDY
    if not path.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"shared data missing in CI: {path}")
        pytest.skip(f"shared data not available: {path}")
    return path
