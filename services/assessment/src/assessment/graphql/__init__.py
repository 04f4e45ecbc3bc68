"""The ``assessment`` subgraph, one module per domain: the roster projection (``roster``), cycles
with scores and the excellence flow (``cycles``), honours and dual reports (``honours``). Types,
inputs and resolvers: the rules live in the domain modules."""

from strawberry.tools import merge_types

from servicekit import gql

from .. import policy
from .cycles import CycleMutation, CycleQuery
from .honours import HonourMutation, HonourQuery
from .roster import Cadre, Department, RosterQuery, Township

schema = gql.schema(
    query=merge_types("Query", (RosterQuery, CycleQuery, HonourQuery)),
    mutation=merge_types("Mutation", (CycleMutation, HonourMutation)),
    types=[Cadre, Township, Department],
    policy=policy.ROOT_FIELDS,
)
