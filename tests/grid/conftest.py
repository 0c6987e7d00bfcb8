import pytest

from civicgrid.grid.locate import forget_index


@pytest.fixture(autouse=True)
def fresh_locate_index():
    # Ids repeat once a test's transaction rolls back, so an index kept from an earlier test would lie.
    forget_index()
    yield
    forget_index()
