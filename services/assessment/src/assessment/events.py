"""Domain events the assessment service publishes through its outbox (``GET /events``)."""

from __future__ import annotations

# A department's excellence flow is decided (both rounds): payload has the cycle, department and picks.
EXCELLENCE_DECIDED = "excellence.decided"
# 组织部 approved a cycle's results: personnel files each grade in the cadre's record (年度考核等次).
RESULTS_APPROVED = "assessment.results_approved"
# 公示异议: filed (组织部 must answer it) and answered; ids only (the text stays with the objection).
OBJECTION_FILED = "objection.filed"
OBJECTION_RESOLVED = "objection.resolved"
# 待办 (work.py): who a department's excellence flow, a cycle, an honour nomination or a review
# meeting waits for now — the whole set each time, ids and scopes only.
FLOW_CHANGED = "assessment.flow_changed"
CYCLE_CHANGED = "assessment.cycle_changed"
HONOUR_CHANGED = "honour.changed"
REVIEW_MEETING_CHANGED = "review.meeting_changed"
