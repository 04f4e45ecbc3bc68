"""The ``assessment`` subgraph: the roster projection (``gql_roster``) and cycles with the
excellence flow (``gql_cycles``), honours and dual reports (``gql_honours``)."""

from strawberry.tools import merge_types

from servicekit import gql

from .gql_cycles import CycleMutation, CycleQuery
from .gql_honours import HonourMutation, HonourQuery
from .gql_roster import Cadre, Department, RosterQuery, Township

schema = gql.schema(query=merge_types("Query", (RosterQuery, CycleQuery, HonourQuery)),
                    mutation=merge_types("Mutation", (CycleMutation, HonourMutation)), types=[Cadre, Township, Department])
