"""The checked-in subgraph SDL and supergraph are what the code and the composer produce now."""

from __future__ import annotations

import subprocess
import sys

from devstack import ROOT


def test_checked_in_subgraph_sdl_is_current():
    out = subprocess.run([sys.executable, "tools/export_sdl.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_supergraph_composes_and_is_current():
    out = subprocess.run(["node", "compose.mjs", "--check"], cwd=ROOT / "gateway", capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_every_subgraph_speaks_federation_2_9():
    for name in ("identity", "personnel", "assessment", "platform", "notifications"):
        sdl = (ROOT / "gateway" / "subgraphs" / f"{name}.graphql").read_text(encoding="utf-8")
        assert "https://specs.apollo.dev/federation/v2.9" in sdl, name


def test_the_schema_documents_itself():
    """Every type, field, argument and enum value a client sees has a description (GraphiQL is a
    front-end team's first manual); federation's own machinery is left out."""
    from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType, GraphQLScalarType, build_schema

    schema = build_schema((ROOT / "gateway" / "supergraph.graphql").read_text(encoding="utf-8"), assume_valid_sdl=True)
    builtin = {"String", "Int", "Float", "Boolean", "ID"}
    missing = []
    for name, type_ in schema.type_map.items():
        if name.startswith(("__", "join__", "link__", "requiresScopes__")) or name in builtin:
            continue
        if not type_.description and not (isinstance(type_, GraphQLScalarType) and name.startswith("_")):
            missing.append(name)
        if isinstance(type_, (GraphQLObjectType, GraphQLInputObjectType)):
            for field_name, field in type_.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                missing += [
                    f"{name}.{field_name}({a})" for a, arg in getattr(field, "args", {}).items() if not arg.description
                ]
        if isinstance(type_, GraphQLEnumType) and not name.startswith("join__"):
            missing += [f"{name}.{v}" for v, value in type_.values.items() if not value.description]
    assert missing == [], f"{len(missing)} without a description: {missing[:30]}"
