"""What every request is held to before a resolver runs — one kernel answer instead of field-by-field
fixes. A subgraph is reachable inside the cluster without the gateway, so it checks for itself:

- **cost**: depth, aliases and "expensive" fields (whole-file exports) per operation;
- **scopes**: each root field's ``@requiresScopes`` (the gateway checks them too; a direct call
  without ``api`` must not read what the gateway would refuse), and a token with none of the
  API scopes (an internal feed reader's) calls nothing;
- **text**: no NUL characters or lone surrogates (PostgreSQL cannot store them; they arrived as
  500s), no string longer than ``MAX_STRING`` characters (file contents in ``…Base64`` inputs
  excepted: the request size bounds those);
- **numbers**: every Float finite and within ``±MAX_FLOAT`` (beyond that it has lost its
  precision; money, weights and scores are far smaller);
- **introspection** only in dev (the SDL is published in the repository).

Violations answer ``BAD_USER_INPUT`` (or ``FORBIDDEN`` for scopes) and nothing runs.
"""

from __future__ import annotations

import math
from typing import Any, Iterator

from graphql import (
    FieldNode,
    FloatValueNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
    validate,
)
from strawberry.extensions import SchemaExtension

MAX_STRING = 20_000
MAX_FLOAT = 1e12
FILE_FIELD_SUFFIX = "Base64"
EXPENSIVE_PREFIX = "export"  # exportRoster, exportAssessmentResults …: each builds a whole Excel file
# Not exports, but as heavy: a diff of two whole roster snapshots.
EXPENSIVE_FIELDS = frozenset({"rosterDiff"})
API_SCOPES = frozenset({"api", "roster:read", "events:report", "events:status"})


def bad_input(message: str, detail: str, **ext: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT", "detail": detail, **ext})


def text_problem(value: str, *, file_field: bool = False) -> str | None:
    """Why a string cannot be accepted, or None."""
    if "\x00" in value:
        return "NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "lone surrogate (not valid Unicode)"
    if not file_field and len(value) > MAX_STRING:
        return f"longer than {MAX_STRING} characters"
    return None


def number_problem(value: float) -> str | None:
    if not math.isfinite(value):
        return "not a finite number"
    if abs(value) > MAX_FLOAT:
        return f"beyond ±{MAX_FLOAT:g}"
    return None


def value_problems(value: Any, path: str = "", key: str = "") -> Iterator[tuple[str, str]]:
    """(path, problem) for every unacceptable string or float inside a variables value."""
    if isinstance(value, str):
        if problem := text_problem(value, file_field=key.endswith(FILE_FIELD_SUFFIX)):
            yield path, problem
    elif isinstance(value, float):
        if problem := number_problem(value):
            yield path, problem
    elif isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str) and (problem := text_problem(k)):
                yield f"{path}.<key>", problem
            yield from value_problems(v, f"{path}.{k}", str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from value_problems(v, f"{path}[{i}]", key)


class _Walk:
    """Depth, aliases, expensive fields and literals of one operation, fragments expanded once each."""

    def __init__(self, fragments: dict[str, FragmentDefinitionNode]):
        self.fragments = fragments
        self.aliases = 0
        self.expensive = 0
        self.depth = 0
        self.introspection = False
        self.literal_problems: list[str] = []
        self.seen: set[str] = set()

    def selections(self, node, depth: int) -> None:
        for sel in (node.selection_set.selections or ()) if node.selection_set else ():
            if isinstance(sel, FieldNode):
                self.field(sel, depth + 1)
            elif isinstance(sel, InlineFragmentNode):
                self.selections(sel, depth)
            elif isinstance(sel, FragmentSpreadNode):
                fragment = self.fragments.get(sel.name.value)
                if fragment is not None and sel.name.value not in self.seen:
                    self.seen.add(sel.name.value)  # a cycle is a validation error reported elsewhere
                    self.selections(fragment, depth)

    def field(self, node: FieldNode, depth: int) -> None:
        self.depth = max(self.depth, depth)
        name = node.name.value
        if node.alias and node.alias.value != name:
            self.aliases += 1
        if name.startswith(EXPENSIVE_PREFIX) or name in EXPENSIVE_FIELDS:
            self.expensive += 1
        if name in ("__schema", "__type"):
            self.introspection = True
        for arg in node.arguments or ():
            self.literal(arg.value, arg.name.value)
        self.selections(node, depth)

    def literal(self, value, key: str) -> None:
        if isinstance(value, StringValueNode):
            if problem := text_problem(value.value, file_field=key.endswith(FILE_FIELD_SUFFIX)):
                self.literal_problems.append(f"{key}: {problem}")
        elif isinstance(value, FloatValueNode):
            try:
                problem = number_problem(float(value.value))
            except (ValueError, OverflowError):
                problem = "not a number"
            if problem:
                self.literal_problems.append(f"{key}: {problem}")
        elif hasattr(value, "fields"):  # object literal
            for f in value.fields or ():
                self.literal(f.value, f.name.value)
        elif hasattr(value, "values"):  # list literal
            for v in value.values or ():
                self.literal(v, key)


def _required_scopes(schema, type_name: str, field_name: str) -> list[list[str]] | None:
    field = schema.get_field_for_type(field_name, type_name)
    for directive in getattr(field, "directives", None) or ():
        scopes = getattr(directive, "scopes", None)
        if scopes is not None and type(directive).__name__ == "RequiresScopes":
            return [list(s) for s in scopes]
    return None


def _root_fields(selection_set, fragments: dict, seen: frozenset = frozenset()) -> list[FieldNode]:
    """The root fields a document selects, inside inline fragments and fragment spreads too (a
    scope check that looked only at plain fields let ``{ ... on Query { townships { … } } }`` by)."""
    fields: list[FieldNode] = []
    for sel in selection_set.selections or ():
        if isinstance(sel, FieldNode):
            fields.append(sel)
        elif isinstance(sel, InlineFragmentNode):
            fields += _root_fields(sel.selection_set, fragments, seen)
        elif isinstance(sel, FragmentSpreadNode) and sel.name.value not in seen and sel.name.value in fragments:
            fields += _root_fields(fragments[sel.name.value].selection_set, fragments, seen | {sel.name.value})
    return fields


def check(execution_context) -> list[GraphQLError]:
    """Everything above, for a parsed and validated document; an empty list means go ahead."""
    ctx = execution_context.context
    settings = getattr(ctx, "settings", None)
    principal = getattr(ctx, "principal", None)
    document = execution_context.graphql_document
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    name = execution_context.operation_name
    operation = next((o for o in operations if name is None or (o.name and o.name.value == name)), None)
    if operation is None:
        return []
    walk = _Walk(fragments)
    walk.selections(operation, 0)
    errors: list[GraphQLError] = []
    max_depth = getattr(settings, "graphql_max_depth", 15)
    max_aliases = getattr(settings, "graphql_max_aliases", 30)
    if walk.depth > max_depth:
        errors.append(bad_input(f"查询嵌套过深 (至多 {max_depth} 层)", f"depth {walk.depth} > {max_depth}"))
    if walk.aliases > max_aliases:
        errors.append(bad_input(f"别名过多 (至多 {max_aliases} 个)", f"{walk.aliases} aliases > {max_aliases}"))
    if walk.expensive > 1:
        errors.append(bad_input("每个请求至多一个导出或比对字段", f"{walk.expensive} export/diff fields > 1"))
    if walk.introspection and getattr(settings, "environment", "dev") != "dev":
        errors.append(
            bad_input(
                "内省查询仅在开发环境开放", "introspection is off outside dev; the SDL is published with the gateway"
            )
        )
    for problem in walk.literal_problems:
        errors.append(bad_input("输入含有无法接受的字符或数值", f"argument {problem}"))
    for path, problem in value_problems(execution_context.variables or {}, "$"):
        errors.append(bad_input("输入含有无法接受的字符或数值", f"variable {path}: {problem}"))
    if errors or principal is None:
        return errors
    scopes = getattr(principal, "scopes", frozenset())
    if not scopes & API_SCOPES:
        return [
            GraphQLError(
                "凭证的权限范围不允许调用业务接口",
                extensions={
                    "code": "FORBIDDEN",
                    "detail": f"a token needs one of {sorted(API_SCOPES)} to call /graphql",
                },
            )
        ]
    root = {OperationType.QUERY: "Query", OperationType.MUTATION: "Mutation"}.get(operation.operation)
    strawberry_schema = execution_context.schema
    for sel in _root_fields(operation.selection_set, fragments):
        if sel.name.value.startswith("__") or root is None:
            continue
        required = _required_scopes(strawberry_schema, root, sel.name.value)
        if required is not None and not any(set(alt) <= scopes for alt in required):
            errors.append(
                GraphQLError(
                    "凭证的权限范围不允许访问该字段",
                    nodes=[sel],
                    extensions={"code": "FORBIDDEN", "detail": f"{sel.name.value} requires scopes {required}"},
                )
            )
    return errors


class RequestGuard(SchemaExtension):
    """Runs graphql-core's validation, then :func:`check`; errors stop the request before execution
    (strawberry skips its own validation when an extension has set ``pre_execution_errors``)."""

    def on_validate(self):
        ec = self.execution_context
        if ec.graphql_document is not None and ec.pre_execution_errors is None:
            errors = _validated(ec)
            ec.pre_execution_errors = errors or check(ec)
        yield


# graphql-core's validation depends only on the document and the schema: a page sent again and
# again (the normal case) is validated once. Bounded, so that distinct documents cannot grow it;
# ``check`` (variables, the caller's scopes) still runs on every request.
_VALIDATED: dict[tuple[int, str], list] = {}
VALIDATION_CACHE_SIZE = 256


def _validated(ec) -> list:
    if not isinstance(ec.query, str):
        return validate(ec.schema._schema, ec.graphql_document, ec.validation_rules)
    key = (id(ec.schema._schema), ec.query)
    errors = _VALIDATED.get(key)
    if errors is None:
        errors = validate(ec.schema._schema, ec.graphql_document, ec.validation_rules)
        if len(_VALIDATED) >= VALIDATION_CACHE_SIZE:
            _VALIDATED.pop(next(iter(_VALIDATED)))
        _VALIDATED[key] = errors
    return list(errors)
