"""Appeal fixtures on the small city: `life` walks an appeal in the first grid through its stages."""

import pytest

from civicgrid.appeals import services
from civicgrid.appeals.models import Appeal, Category, Channel, Kind, Resolution, Satisfaction
from civicgrid.directory.models import Person
from civicgrid.directory.services import assign_role, create_account


class Life:
    """Appeals at each stage of their life, handled by the city's department and its handler."""

    def __init__(self, city) -> None:
        self.city = city
        self.dispatcher = city.accounts["dispatcher"]
        self.handler = city.accounts["handler"]

    def account(self, username: str, role: str, *, grid=None, unit=None):
        person = Person.objects.create(name=username, unit=unit, home_grid=grid)
        account = create_account(person=person, username=username, password="x", validate=False)
        assign_role(account=account, role=role, grid=grid, unit=unit)
        return account

    def submit(self, *, grid_index: int = 0, category: Category | None = None, **fields) -> Appeal:
        """Reported by the citizen at the centre of one of the city's grids (inside its compound)."""
        grid = self.city.grids[grid_index]
        values = {
            "channel": Channel.WEB,
            "kind": Kind.COMPLAINT,
            "title": "路灯不亮",
            "text": "小区门口路灯连续三晚不亮，夜间出行不便。",
            "actor": self.city.accounts["citizen"],
            "category": category,
            "lat": grid.centroid_lat,
            "lng": grid.centroid_lng,
            "contact_name": "王小明",
            "contact_phone": "13912345678",
        }
        return services.submit_appeal(**(values | fields))

    def dispatched(self, **fields) -> Appeal:
        unit = self.city.units["department"]
        return services.dispatch_appeal(self.submit(**fields), unit=unit, actor=self.dispatcher)

    def signed(self, **fields) -> Appeal:
        return services.sign_appeal(self.dispatched(**fields), actor=self.handler)

    def in_progress(self, **fields) -> Appeal:
        return services.record_first_contact(self.signed(**fields), actor=self.handler, note="已电话联系")

    def resolved(self, **fields) -> Appeal:
        return services.resolve_appeal(self.in_progress(**fields), actor=self.handler, reply="已修复路灯。")

    def called_back(self, satisfaction: str = Satisfaction.SATISFIED, **fields) -> Appeal:
        appeal = self.resolved(**fields)
        services.record_callback(
            appeal, resolution=Resolution.RESOLVED, satisfaction=satisfaction, actor=self.dispatcher
        )
        appeal.refresh_from_db()
        return appeal


@pytest.fixture
def life(city) -> Life:
    return Life(city)


@pytest.fixture
def category_named(db):
    def find(*names: str) -> Category:
        category = None
        for name in names:
            category = Category.objects.get(name=name, parent=category)
        return category

    return find
