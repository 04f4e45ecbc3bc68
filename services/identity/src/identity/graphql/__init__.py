"""The ``identity`` subgraph: who the caller is (``me``), users and their role bindings, service
clients (``users``). Types, inputs and resolvers: the rules live in ``admin`` and ``policy``."""

from servicekit import gql
from servicekit.principal import ROLE_TERMS, SCOPE_TERMS

from .. import policy
from .users import User, UserMutation, UserQuery

schema = gql.schema(query=UserQuery, mutation=UserMutation, types=[User], policy=policy.ROOT_FIELDS)

# The kernel's enums carry their terms in servicekit.principal (plain Python, no GraphQL there).
for enum_name, terms in (("Role", ROLE_TERMS), ("ScopeKind", SCOPE_TERMS)):
    for member, term in terms.items():
        schema._schema.type_map[enum_name].values[member.name].description = term
