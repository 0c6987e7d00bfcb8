"""Appeals screens on the small city: appeals brought to a stage through the services, and logged-in
clients per role."""

import pytest
from django.test import Client
from smallcity import make_account

from civicgrid.appeals import services
from civicgrid.appeals.models import Appeal, Category, Channel, Kind, Resolution, Satisfaction
from civicgrid.directory.models import Role, Unit, UnitKind


def ensure_categories() -> Category:
    """A 3-level branch of the catalogue. Migrations load the whole catalogue, but a browser test's database
    is flushed between tests, so each builds the branch it needs."""
    parent = None
    for name in ("城乡建设", "城市建设和市政管理", "城市公共设施"):
        parent, _ = Category.objects.get_or_create(name=name, parent=parent)
    return parent


class Stages:
    """Appeals in the city's first grid, handled by the district department (区城市管理局)."""

    def __init__(self, city) -> None:
        self.city = city
        self.dispatcher = city.accounts["dispatcher"]
        self.handler = city.accounts["handler"]

    def received(self, **fields) -> Appeal:
        grid = self.city.grids[0]
        values = {
            "channel": Channel.HOTLINE,
            "kind": Kind.COMPLAINT,
            "title": "路灯不亮",
            "text": "小区门口路灯连续三晚不亮，夜间出行不便。",
            "actor": self.dispatcher,
            "lat": grid.centroid_lat,
            "lng": grid.centroid_lng,
            "contact_name": "王小明",
            "contact_phone": "13912345678",
        }
        return services.submit_appeal(**(values | fields))

    def dispatched(self, **fields) -> Appeal:
        unit = self.city.units["department"]
        return services.dispatch_appeal(self.received(**fields), unit=unit, actor=self.dispatcher)

    def signed(self, **fields) -> Appeal:
        return services.sign_appeal(self.dispatched(**fields), actor=self.handler)

    def in_progress(self, **fields) -> Appeal:
        return services.record_first_contact(self.signed(**fields), actor=self.handler)

    def resolved(self, **fields) -> Appeal:
        return services.resolve_appeal(self.in_progress(**fields), actor=self.handler, reply="路灯已修复。")

    def called_back(self, **fields) -> Appeal:
        appeal = self.resolved(**fields)
        services.record_callback(
            appeal, resolution=Resolution.RESOLVED, satisfaction=Satisfaction.SATISFIED, actor=self.dispatcher
        )
        appeal.refresh_from_db()
        return appeal


@pytest.fixture
def stages(city) -> Stages:
    return Stages(city)


@pytest.fixture
def client_for(city):
    """A test client logged in as one of the city's accounts, by its key in `city.accounts`."""

    def log_in(key: str) -> Client:
        client = Client()
        client.force_login(city.accounts[key])
        return client

    return log_in


def add_department(city, name: str, username: str):
    """Another government department with a handler account, e.g. to be summoned by a whistle."""
    unit = Unit.objects.create(name=name, kind=UnitKind.GOVERNMENT_DEPARTMENT, grid=city.district)
    account = make_account(username, f"{name}承办人", Role.DEPARTMENT_HANDLER, unit=unit)
    return unit, account
