"""The request handler of plain routes: FastAPI's, with its solving worked out once.

FastAPI's request handler works out on every request what the route already tells: for
each dependency whether it is a generator and what its cache key is, for each parameter
its aliases and whether its annotation is a sequence or a model, for the body whether it
is embedded. On a hot route that was a fifth of a request's Python calls (the cart's,
the heartbeat's). A *plain* route gets a handler that works it out when the route is
made, and per request only reads the body, runs the dependencies and validates the
parameters with FastAPI's own fields (the same values, the same errors, in the same
order), calls the endpoint and answers as FastAPI does.

Plain: no generator dependency (Lectern's unit of work is opened by the route instead,
``kit.routing``), no Response, BackgroundTasks, SecurityScopes or WebSocket parameter,
no OAuth scopes, no per-dependency concurrency limit, no form body, no streamed answer.
Other routes keep FastAPI's handler, and so does every request while FastAPI's telemetry
is on or dependency overrides are set.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from email.message import Message
from enum import Enum
from functools import lru_cache
from typing import Any, cast

from fastapi import Request, Response, params
from fastapi._body_limit import get_body_limit_error
from fastapi._compat import ModelField, field_annotation_is_sequence
from fastapi.datastructures import DefaultPlaceholder
from fastapi.dependencies.models import (
    Dependant,
    _is_async_gen_callable,
    _is_coroutine_callable,
    _is_gen_callable,
)
from fastapi.dependencies.utils import (
    _get_form_models,
    _get_param_aliases,
    _get_param_model,
    _is_json_field,
    _should_embed_body_fields,
    _validate_value_with_model_field,
    request_body_to_args,
    request_params_to_args,
)
from fastapi.exceptions import EndpointContext, RequestValidationError
from fastapi.params import Form
from fastapi.routing import APIRoute, _extract_endpoint_context, serialize_response
from fastapi.telemetry import get_telemetry_data
from fastapi.utils import is_body_allowed_for_status_code
from pydantic_core import PydanticUndefined
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, ImmutableMultiDict
from starlette.exceptions import HTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


@dataclass(frozen=True)
class _Param:
    """A path, query, header or cookie parameter, as FastAPI's ``request_params_to_args``
    reads it."""

    field: ModelField
    keys: tuple[str, ...]  # the names it may be given under, the preferred first
    where: str  # "path", "query", "header", "cookie": its errors' location
    sequence: bool  # its annotation is a sequence: an empty one is not given
    listed: bool  # read as every value given under its name (not a JSON field)
    # Its value when the request leaves it out, if always the same object (see _absent).
    absent: Any

    def value(self, given: Any) -> tuple[Any, tuple[str, str]]:
        """Its value in ``given`` (PydanticUndefined when not given), and its location."""
        key = self.keys[0]
        if len(self.keys) > 1:
            key = next((name for name in self.keys if name in given), key)
        value: Any
        if self.listed and isinstance(given, ImmutableMultiDict | Headers):
            value = given.getlist(key)
        else:
            value = given.get(key)
        if value is None or (self.sequence and len(value) == 0):
            value = PydanticUndefined
        return value, (self.where, key)


def _param(field: ModelField) -> _Param:
    sequence = field_annotation_is_sequence(field.field_info.annotation)
    return _Param(
        field=field,
        keys=tuple(key for _, key in _get_param_aliases(field)),
        where=cast(params.Param, field.field_info).in_.value,
        sequence=sequence,
        listed=sequence and not _is_json_field(field),
        absent=_absent(field),
    )


# Left out, the parameter gets what FastAPI works out itself (see _absent).
_COPIED = object()


def _absent(field: ModelField) -> Any:
    """What FastAPI gives a parameter the request leaves out, when that is always the same
    object: an immutable default (None, a number, a string, an enumeration's member), not
    made by a factory nor validated. FastAPI copies the default on every request (a deep
    copy of None, through pydantic's default machinery); ``_COPIED`` for the others."""
    info = field.field_info
    if info.is_required() or info.validate_default or info.default_factory is not None:
        return _COPIED
    default = info.default
    if default is None or type(default) in (bool, int, float, str, bytes):
        return default
    return default if isinstance(default, Enum) else _COPIED


def _params(fields: Sequence[ModelField]) -> tuple[_Param, ...] | None:
    """The parameters planned; None when one is a model of several (FastAPI reads those)."""
    if any(_get_param_model(field) is not None for field in fields):
        return None
    return tuple(_param(field) for field in fields)


@dataclass(frozen=True)
class _Step:
    """A dependant (a dependency, or the endpoint itself) planned: what it takes."""

    call: Callable[..., Any]
    name: str | None
    coroutine: bool
    use_cache: bool
    dependencies: tuple[_Step, ...]
    # Its path, query, header and cookie parameters: (the Request's attribute they are read
    # from, their fields, the fields planned or None for FastAPI to read).
    params: tuple[tuple[str, Sequence[ModelField], tuple[_Param, ...] | None], ...]
    body: tuple[ModelField, ...]
    single_body: bool  # one body field, not embedded: the whole body is its value
    request_names: tuple[str, ...]


def _planned(dependant: Dependant, embed_body_fields: bool) -> _Step | None:
    """The plan of ``dependant`` and those below it; None when one of them is not plain."""
    call = dependant.call
    if (
        call is None
        or dependant.websocket_param_name
        or dependant.response_param_name
        or dependant.background_tasks_param_name
        or dependant.security_scopes_param_name
        or dependant.own_oauth_scopes
        or dependant.concurrency is not None
        or _is_gen_callable(call)
        or _is_async_gen_callable(call)
    ):
        return None
    below = []
    for sub in dependant.dependencies:
        step = _planned(sub, embed_body_fields)
        if step is None:
            return None
        below.append(step)
    body = tuple(dependant.body_params)
    return _Step(
        call=call,
        name=dependant.name,
        coroutine=_is_coroutine_callable(call),
        use_cache=dependant.use_cache,
        dependencies=tuple(below),
        params=tuple(
            (source, fields, _params(fields))
            for fields, source in (
                (dependant.path_params, "path_params"),
                (dependant.query_params, "query_params"),
                (dependant.header_params, "headers"),
                (dependant.cookie_params, "cookies"),
            )
            if fields
        ),
        body=body,
        single_body=(
            len(body) == 1
            and not embed_body_fields
            and not _should_embed_body_fields(list(body))
            and not _get_form_models(body[0])
        ),
        request_names=tuple(
            name
            for name in (dependant.request_param_name, dependant.http_connection_param_name)
            if name
        ),
    )


async def _solve(
    step: _Step,
    request: Request,
    body: Any,
    embed_body_fields: bool,
    cache: dict[Callable[..., Any], Any],
    errors: list[Any],
) -> dict[str, Any]:
    """The values ``step`` is called with, as FastAPI's ``solve_dependencies`` finds them:
    its dependencies first (one with errors is not called; one already solved in this
    request is not called again), then its parameters."""
    values: dict[str, Any] = {}
    for sub in step.dependencies:
        found: list[Any] = []
        arguments = await _solve(sub, request, body, embed_body_fields, cache, found)
        if found:
            errors.extend(found)
            continue
        if sub.use_cache and sub.call in cache:
            solved = cache[sub.call]
        elif sub.coroutine:
            solved = await sub.call(**arguments)
        else:
            solved = await run_in_threadpool(sub.call, **arguments)
        if sub.name is not None:
            values[sub.name] = solved
        cache.setdefault(sub.call, solved)
    for source, fields, planned in step.params:
        given = getattr(request, source)
        if planned is None:
            found_values, wrong = request_params_to_args(fields, given)
            values.update(found_values)
            errors.extend(wrong)
            continue
        for param in planned:
            value, loc = param.value(given)
            if value is PydanticUndefined and param.absent is not _COPIED:
                values[param.field.name] = param.absent
                continue
            checked, wrong = _validate_value_with_model_field(
                field=param.field, value=value, values=values, loc=loc
            )
            if wrong:
                errors.extend(wrong)
            else:
                values[param.field.name] = checked
    if step.single_body:
        field = step.body[0]
        checked, wrong = _validate_value_with_model_field(
            field=field, value=body, values=values, loc=("body",)
        )
        values[field.name] = checked
        errors.extend(wrong)
    elif step.body:
        found_values, wrong = await request_body_to_args(
            body_fields=list(step.body), received_body=body, embed_body_fields=embed_body_fields
        )
        values.update(found_values)
        errors.extend(wrong)
    for name in step.request_names:
        values[name] = request
    return values


@lru_cache(maxsize=64)
def _is_json(content_type: str) -> bool:
    """Whether FastAPI reads a body of this Content-Type as JSON."""
    message = Message()
    message["content-type"] = content_type
    if message.get_content_maintype() != "application":
        return False
    subtype = message.get_content_subtype()
    return subtype == "json" or subtype.endswith("+json")


async def _read_body(
    request: Request, strict_content_type: bool, where: Callable[[], EndpointContext]
) -> Any:
    """The request's body as FastAPI reads it for a route with a (non-form) body."""
    try:
        raw = await request.body()
        if not raw:
            return PydanticUndefined
        content_type = request.headers.get("content-type")
        if (not content_type and not strict_content_type) or (
            content_type and _is_json(content_type)
        ):
            return await request.json()
        return raw
    except json.JSONDecodeError as error:
        raise RequestValidationError(
            [
                {
                    "type": "json_invalid",
                    "loc": ("body", error.pos),
                    "msg": "JSON decode error",
                    "input": {},
                    "ctx": {"error": error.msg},
                }
            ],
            body=error.doc,
            endpoint_ctx=where(),
        ) from error
    except HTTPException:
        raise
    except Exception as error:
        if MAX_BODY_SIZE_SCOPE_KEY in request.scope and (limit := get_body_limit_error(error)):
            raise limit from error
        raise HTTPException(400, "There was an error parsing the body") from error


def fastapi_serves(overrides: Any) -> bool:
    """Whether a request goes to FastAPI's own handler: while its telemetry is on, or
    dependency overrides are set (on ``overrides``, the route's provider of them)."""
    return get_telemetry_data() is not None or (
        overrides is not None and bool(overrides.dependency_overrides)
    )


def plain_handler(route: APIRoute, fastapi_handler: Handler) -> Handler | None:
    """The handler of ``route`` if it is plain (``fastapi_handler`` still serves the
    requests FastAPI must see itself); None when it is not."""
    body_field = route.body_field
    if (
        (body_field is not None and isinstance(body_field.field_info, Form))
        or route.stream_item_field is not None
        or route.is_json_stream
    ):
        return None
    embed = route._embed_body_fields
    plan = _planned(route.dependant, embed)
    if plan is None:
        return None
    endpoint_context = _extract_endpoint_context(plan.call)
    overrides = route.dependency_overrides_provider
    strict = route.strict_content_type
    strict_content_type = strict.value if isinstance(strict, DefaultPlaceholder) else strict
    response_field = route.response_field
    chosen = route.response_class
    response_class = chosen.value if isinstance(chosen, DefaultPlaceholder) else chosen
    dump_json = response_field is not None and isinstance(chosen, DefaultPlaceholder)
    status: dict[str, Any] = {"status_code": route.status_code} if route.status_code else {}

    async def handle(request: Request) -> Response:
        if fastapi_serves(overrides):
            return await fastapi_handler(request)

        def where() -> EndpointContext:
            """Where an error came from, as FastAPI says it (made only when needed)."""
            context = endpoint_context.copy()
            if route.dependant.path:
                mount = request.scope.get("root_path", "").rstrip("/")
                context["path"] = f"{request.method} {mount}{route.dependant.path}"
            return context

        body = PydanticUndefined
        if body_field is not None:
            body = await _read_body(request, strict_content_type, where)
        errors: list[Any] = []
        values = await _solve(plan, request, body, embed, {}, errors)
        if errors:
            raise RequestValidationError(
                errors, body=None if body is PydanticUndefined else body, endpoint_ctx=where()
            )
        if plan.coroutine:
            answer = await plan.call(**values)
        else:
            answer = await run_in_threadpool(plan.call, **values)
        if isinstance(answer, Response):
            return answer
        content = await serialize_response(
            field=response_field,
            response_content=answer,
            include=route.response_model_include,
            exclude=route.response_model_exclude,
            by_alias=route.response_model_by_alias,
            exclude_unset=route.response_model_exclude_unset,
            exclude_defaults=route.response_model_exclude_defaults,
            exclude_none=route.response_model_exclude_none,
            is_coroutine=plan.coroutine,
            endpoint_ctx=where(),
            dump_json=dump_json,
        )
        if dump_json:
            response = Response(content=content, media_type="application/json", **status)
        else:
            response = response_class(content, **status)
        if not is_body_allowed_for_status_code(response.status_code):
            response.body = b""
        return response

    return handle
