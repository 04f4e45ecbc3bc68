"""The ``platform`` subgraph, one module per domain: the entities it shares with the other subgraphs
and its units (``entities``), grid events and their dispatch (``dispatch``), the township's set-up
and the county's deadlines (``org``). Types, inputs and resolvers: the rules live in the domain
modules."""

from strawberry.tools import merge_types

from servicekit import gql

from .. import policy
from .dispatch import DispatchMutation, DispatchQuery
from .entities import Cadre, Department, PlatformQuery, Township
from .org import OrgMutation, OrgQuery

schema = gql.schema(
    query=merge_types("Query", (PlatformQuery, DispatchQuery, OrgQuery)),
    mutation=merge_types("Mutation", (DispatchMutation, OrgMutation)),
    types=[Township, Cadre, Department],
    policy=policy.ROOT_FIELDS,
)
