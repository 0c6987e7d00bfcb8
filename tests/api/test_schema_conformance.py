"""schemathesis against the REST API's own OpenAPI document, in-process through the WSGI application and
authenticated as an administrator's key: no answer may be a 5xx or stray from the schema.

Examples are bounded (hypothesis `max_examples`) so the whole run takes a minute or two.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Each in-process WSGI call ends with request_finished, whose handler closes a connection found inside a
    transaction, which the test's own transaction is; Django's test client disconnects it the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = get_wsgi_application()


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_operation_conforms_to_schema(case, keys, dispatched):
    case.call_and_validate(
        headers={"X-Api-Key": keys["admin"].token}, excluded_checks=[positive_data_acceptance]
    )
