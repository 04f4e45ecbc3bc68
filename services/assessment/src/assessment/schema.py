"""The ``assessment`` subgraph: the roster projection (``gql_roster``) and cycles with the
excellence flow (``gql_cycles``)."""

from strawberry.tools import merge_types

from servicekit import gql

from .gql_cycles import CycleMutation, CycleQuery
from .gql_roster import Cadre, RosterQuery

schema = gql.schema(query=merge_types("Query", (RosterQuery, CycleQuery)), mutation=merge_types("Mutation", (CycleMutation,)),
                    types=[Cadre])
