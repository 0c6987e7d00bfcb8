"""API fixtures, shared by the REST and Open311 tests (their conftest modules import them): client
applications with keys on the small city, each acting as a service account, and appeals to act on."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from smallcity import make_account

from civicgrid.api.services import create_api_client, issue_api_key
from civicgrid.appeals import services
from civicgrid.appeals.models import Channel, Kind
from civicgrid.directory.models import Role


@dataclass
class Key:
    client: object
    key: object
    token: str

    @property
    def headers(self) -> dict:
        return {"HTTP_X_API_KEY": self.token}


def make_key(
    name: str, scopes, *, role=Role.ADMINISTRATOR, grid=None, unit=None, owner=None, rate=10_000, **extra
):
    account = make_account(f"svc-{name}", f"{name}服务账号", role, grid=grid, unit=unit)
    client = create_api_client(
        name=name,
        owner=owner or account,
        account=account,
        scopes=scopes,
        rate_limit_per_minute=rate,
        **extra,
    )
    key, token = issue_api_key(client=client)
    return Key(client, key, token)


@pytest.fixture(autouse=True)
def fresh_rate_counters():
    # Throttle counters live in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def keys(city):
    """A key per kind of client: an administrator's, a dispatcher's (12345 system), a department's, and a
    read-only dashboard's on one community."""
    return {
        "admin": make_key("平台管理", ["admin"]),
        "hotline": make_key(
            "12345热线",
            ["read", "submit", "handle"],
            role=Role.DISPATCHER,
            grid=city.district,
            channel="hotline",
        ),
        "department": make_key(
            "城管系统", ["read", "handle"], role=Role.DEPARTMENT_HANDLER, unit=city.units["department"]
        ),
        "dashboard": make_key("社区看板", ["read"], role=Role.COMMUNITY_SECRETARY, grid=city.communities[0]),
        "submit_only": make_key(
            "小程序", ["submit"], role=Role.CITIZEN, grid=city.grids[1], channel="wechat"
        ),
    }


@pytest.fixture
def new_key(city):
    """make_key, for a test that needs a client of its own."""
    return make_key


@pytest.fixture
def api():
    return APIClient()


def submit(city, *, grid_index: int = 0, actor=None, **fields):
    """An appeal reported by the city's citizen at the centre of one of its grids."""
    grid = city.grids[grid_index]
    values = {
        "channel": Channel.WEB,
        "kind": Kind.COMPLAINT,
        "title": "路灯不亮",
        "text": "小区门口路灯连续三晚不亮，联系电话13912345678。",
        "actor": actor or city.accounts["citizen"],
        "lat": grid.centroid_lat,
        "lng": grid.centroid_lng,
        "contact_name": "王小明",
        "contact_phone": "13912345678",
    }
    return services.submit_appeal(**(values | fields))


@pytest.fixture
def report(city):
    """submit() on the city: report(grid_index=..., **fields)."""
    return lambda **fields: submit(city, **fields)


@pytest.fixture
def dispatched(city):
    """An appeal in the first grid, dispatched to the city's department."""
    appeal = submit(city)
    return services.dispatch_appeal(appeal, unit=city.units["department"], actor=city.accounts["dispatcher"])
