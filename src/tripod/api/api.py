"""The API root: /api/v1/, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from ninja import NinjaAPI

import tripod

api = NinjaAPI(title="Tripod API", version=tripod.__version__, urls_namespace="api")
