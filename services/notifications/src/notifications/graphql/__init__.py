"""The ``notifications`` subgraph: the caller's inbox (``inbox``). Types and resolvers; the rules
live in ``notifications.inbox``."""

from strawberry.tools import merge_types

from servicekit import gql

from .. import policy
from .inbox import InboxQuery

schema = gql.schema(query=merge_types("Query", (InboxQuery,)), policy=policy.ROOT_FIELDS)
