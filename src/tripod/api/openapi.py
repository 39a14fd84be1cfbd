"""Adds the problem-details responses every operation can give to the OpenAPI document."""

from __future__ import annotations

from typing import Any

from ninja.openapi.schema import REF_TEMPLATE, NinjaGenerateJsonSchema

from tripod.api.errors import Problem
from tripod.identity.problems import PROBLEM_CONTENT_TYPE


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": REF_TEMPLATE.format(model="Problem")}}},
    }


def add_problem_responses(schema: dict[str, Any]) -> dict[str, Any]:
    problem_schema = Problem.model_json_schema(ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema)
    definitions = problem_schema.pop("$defs", {})
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(definitions)
    components["Problem"] = problem_schema
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if operation.get("security"):
                responses.setdefault("401", _problem("Not signed in, or the API token is not valid"))
            if operation.get("parameters") or operation.get("requestBody"):
                responses.setdefault("422", _problem("Invalid input: `errors` names each field and its reason"))
            if any(p.get("in") == "path" for p in operation.get("parameters", [])):
                responses.setdefault("404", _problem("Not found, or not visible to you"))
            responses.setdefault("default", _problem("Any other error, as problem details"))
    return schema
