"""Schemas of the JSON API shared by every router: the error answers."""

from ninja import Field, Schema


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in the language of the request")
    errors: list[str] = Field(default_factory=list, description="Every message, the first too")


class FieldErrorOut(Schema):
    field: str = Field(description='The field, as a path into the request: "alias", "needs.0"')
    message: str


class ValidationErrorOut(ErrorOut):
    fields: list[FieldErrorOut] = Field(
        default_factory=list, description="The fields that were refused, with their messages"
    )
