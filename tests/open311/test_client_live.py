"""Open311 clients from PyPI that nobody on this project wrote, against a live server: civicbot's
GeoReport v2 client lists services, reads a definition, posts a request, redeems its token and reads the
request back (JSON); georeport reads the same through XML."""

import pytest
from civicbot.http import HttpTransport, RateLimiter
from civicbot.open311 import Open311Client
from civicbot.registry import Endpoint
from georeport import GeoReport

from civicgrid.appeals.models import Category

# Transactional: the live server answers from its own thread. The flush after each such test empties the
# tables; the category catalogue comes back through post_migrate (appeals/catalogue.py).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def endpoint(live_server) -> Endpoint:
    return Endpoint(id="civicgrid", name="civicgrid", base_url=f"{live_server.url}/open311/v2", write=True)


def test_civicbot_lists_posts_and_reads_back(endpoint, keys, city):
    # civicbot waits 0.5 s between calls to one host, out of politeness to real cities; not needed here.
    client = Open311Client(endpoint, transport=HttpTransport(rate_limiter=RateLimiter(min_interval=0)))
    services = client.list_services()
    assert len(services) == Category.objects.filter(level=3).count()
    code = services[0]["service_code"]
    grid = city.grids[0]
    sent = client.create_request(
        code,
        dry_run=False,
        confirm="SEND",
        api_key=keys["hotline"].token,
        validate_remote=True,  # fetches the definition and checks the attributes against it
        lat=grid.centroid_lat,
        lng=grid.centroid_lng,
        description="小区门口路灯不亮，请尽快修复。",
        attributes={"kind": "complaint"},
        first_name="小明",
        last_name="王",
        phone="13912345678",
    )
    created = sent.response[0]
    assert created["service_request_id"].isdigit() and created["token"]
    assert client.get_token(created["token"]) == [
        {"service_request_id": created["service_request_id"], "token": created["token"]}
    ]
    request = client.get_request(created["service_request_id"])
    assert (request["service_code"], request["status"]) == (code, "open")
    assert request["description"].startswith("小区门口路灯不亮")
    listed = client.list_requests(service_request_ids=[created["service_request_id"]])
    assert listed == [request]


def test_georeport_reads_services_and_requests_through_xml(endpoint, live_server, keys, city):
    service = Category.objects.filter(level=3).order_by("path").first()
    client = GeoReport(endpoint.base_url, output_format="xml")
    services = client.get_service_list()
    assert services[0]["service_code"] == str(service.pk)
    assert client.get_service_definition(str(service.pk))["service_code"] == str(service.pk)
    civicbot = Open311Client(endpoint, transport=HttpTransport(rate_limiter=RateLimiter(min_interval=0)))
    created = civicbot.create_request(
        service.pk, dry_run=False, confirm="SEND", api_key=keys["hotline"].token, address_string="中山路 1 号"
    ).response[0]
    request = client.get_service_request(created["service_request_id"])
    assert (request["service_request_id"], request["status"]) == (created["service_request_id"], "open")
