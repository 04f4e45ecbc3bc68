"""The ``identity`` subgraph: who the caller is (``me``), users and their role bindings, service
clients (``users``). Types, inputs and resolvers: the rules live in ``admin`` and ``policy``."""

from servicekit import gql

from .. import policy
from .users import User, UserMutation, UserQuery

schema = gql.schema(query=UserQuery, mutation=UserMutation, types=[User], policy=policy.ROOT_FIELDS)
