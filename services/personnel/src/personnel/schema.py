"""The ``personnel`` subgraph: org units and roster (``gql_roster``); quotas, adjustments,
vacancies, notices, locks, regions, Excel (``gql_ledger``); development (``gql_development``)."""

from strawberry.tools import merge_types

from servicekit import gql

from .gql_development import DevelopmentMutation, DevelopmentQuery
from .gql_ledger import LedgerMutation, LedgerQuery
from .gql_roster import Agency, Cadre, Department, RosterQuery, Township

Query = merge_types("Query", (RosterQuery, LedgerQuery, DevelopmentQuery))
Mutation = merge_types("Mutation", (LedgerMutation, DevelopmentMutation))

schema = gql.schema(query=Query, mutation=Mutation, types=[Department, Township, Agency, Cadre])
