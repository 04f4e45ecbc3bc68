"""The ``personnel`` subgraph: org units and roster (``gql_roster``), quotas, adjustments and
vacancies (``gql_ledger``)."""

from strawberry.tools import merge_types

from servicekit import gql

from .gql_ledger import LedgerMutation, LedgerQuery
from .gql_roster import Agency, Cadre, Department, RosterQuery, Township

Query = merge_types("Query", (RosterQuery, LedgerQuery))
Mutation = merge_types("Mutation", (LedgerMutation,))

schema = gql.schema(query=Query, mutation=Mutation, types=[Department, Township, Agency, Cadre])
