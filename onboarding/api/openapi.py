"""The OpenAPI description of the intake, taken from the one intake schema (onboarding.schema).

drf-spectacular finds this extension when the module is imported (the views import it). It
describes what the validator accepts (pydantic's validation mode), so the documented request
and the validation cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.plumbing import ResolvedComponent

from onboarding.schema import intake_json_schema


class IntakeSchemaExtension(OpenApiSerializerExtension):
    target_class = "pydantic.BaseModel"
    match_subclasses = True
    priority = 1  # ahead of drf-spectacular's own pydantic extension, which documents output

    def get_name(self, auto_schema: Any, direction: str) -> str:
        return self.target.__name__

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema = intake_json_schema(self.target)
        for name, sub_schema in schema.pop("$defs", {}).items():
            component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=sub_schema)
            auto_schema.registry.register_on_missing(component)
        return schema
