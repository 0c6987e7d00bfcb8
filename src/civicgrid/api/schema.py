"""OpenAPI details drf-spectacular cannot infer: the API-key security scheme and the error answers every
operation may give (so a client, and schemathesis, know a 409 or a 429 is part of the contract)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from .serializers import ApiErrorSerializer

ERROR_STATUSES = ("400", "401", "403", "404", "409", "413", "415", "429")


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status in ERROR_STATUSES:
            if status not in responses:
                responses[status] = self._get_response_for_code(
                    ApiErrorSerializer, status, direction=direction
                )
        return responses


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "civicgrid.api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Api-Key",
            "description": "应用密钥；也可用 `Authorization: Api-Key <token>`。",
        }
