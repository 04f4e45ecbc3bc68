"""The ``notifications`` subgraph: the caller's inbox (``inbox``) and notification settings
(``settings``). Types and resolvers; the rules live in ``notifications.inbox`` and
``notifications.preferences``."""

from strawberry.tools import merge_types

from servicekit import gql

from .. import policy
from .inbox import InboxMutation, InboxQuery
from .settings import SettingsMutation, SettingsQuery

schema = gql.schema(
    query=merge_types("Query", (InboxQuery, SettingsQuery)),
    mutation=merge_types("Mutation", (InboxMutation, SettingsMutation)),
    policy=policy.ROOT_FIELDS,
)
