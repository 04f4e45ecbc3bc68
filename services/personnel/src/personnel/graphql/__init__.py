"""The ``personnel`` subgraph, one module per domain: org units and the roster (``roster``), quotas,
adjustments, vacancies and structure (``analytics``), reminder notices, locked rosters
(``snapshots``), township recommendations, the cadre's file and Excel (``profile``), regions and
development. Types, inputs and resolvers only: the rules and the SQL live in the domain modules."""

from strawberry.tools import merge_types

from servicekit import gql

from .. import policy
from .adjustments import AdjustmentMutation, AdjustmentQuery
from .analytics import AnalyticsQuery
from .development import DevelopmentMutation, DevelopmentQuery
from .profile import ProfileMutation, ProfileQuery
from .quotas import QuotaMutation, QuotaQuery
from .recommendations import RecommendationMutation, RecommendationQuery
from .regions import RegionMutation, RegionQuery
from .reminders import ReminderMutation, ReminderQuery
from .roster import Agency, Cadre, Department, RosterQuery, Township
from .snapshots import SnapshotMutation, SnapshotQuery

Query = merge_types(
    "Query",
    (
        RosterQuery,
        QuotaQuery,
        AdjustmentQuery,
        AnalyticsQuery,
        ReminderQuery,
        SnapshotQuery,
        RecommendationQuery,
        ProfileQuery,
        RegionQuery,
        DevelopmentQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        QuotaMutation,
        AdjustmentMutation,
        ReminderMutation,
        SnapshotMutation,
        RecommendationMutation,
        ProfileMutation,
        RegionMutation,
        DevelopmentMutation,
    ),
)

schema = gql.schema(
    query=Query, mutation=Mutation, types=[Department, Township, Agency, Cadre], policy=policy.ROOT_FIELDS
)
