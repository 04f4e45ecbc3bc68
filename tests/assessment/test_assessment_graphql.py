"""The assessment subgraph's resolvers in process (schema → resolvers → rules → PostgreSQL), against
the rolled-back session: shares, objects instead of ids, batch scores, the root-field gate."""

from __future__ import annotations

from assessment_world import DEPARTMENTS, ORG, TOWNSHIPS, cadre_id, person, town
from gqlutil import execute
from sqlalchemy import func, select

from assessment.graphql import schema
from assessment.models import Cycle, Member
from servicekit.principal import Role

OPEN = """mutation($i: OpenCycleInput!) { openAssessmentCycle(input: $i) {
  id townshipShare departmentShare shortlistShare round1Share round2Share departments { department { id } status
    } } }"""
SCORES = """mutation($i: SetScoresInput!) { setAssessmentScores(input: $i) {
  cadre { id } township { id } department { id } townshipScore } }"""


async def _open(session, share="0.55"):
    data, errors = await execute(schema, session, ORG, OPEN, {"i": {"year": 2026, "townshipShare": share}})
    assert not errors, errors
    return data["openAssessmentCycle"]


async def test_a_cycle_reads_its_shares_as_fractions_and_its_departments_as_objects(session):
    cycle = await _open(session)
    assert (
        cycle["townshipShare"],
        cycle["departmentShare"],
        cycle["shortlistShare"],
        cycle["round1Share"],
        cycle["round2Share"],
    ) == (0.55, 0.45, 0.4, 0.125, 0.125)
    assert {d["department"]["id"] for d in cycle["departments"]} == {str(d) for d in DEPARTMENTS}


async def test_a_share_outside_0_and_1_is_bad_input_and_opens_nothing(session):
    _, errors = await execute(schema, session, ORG, OPEN, {"i": {"year": 2026, "townshipShare": "60"}})
    assert [e["code"] for e in errors] == ["BAD_USER_INPUT"]
    assert await session.scalar(select(func.count()).select_from(Cycle)) == 0


async def test_batch_scores_through_the_schema_name_the_refused_item(session):
    cycle = await _open(session)
    mine = [str(cadre_id(0, 0, n)) for n in range(3)]
    items = [{"cadreId": c, "score": "80"} for c in mine] + [{"cadreId": str(cadre_id(0, 1, 0)), "score": "80"}]
    data, errors = await execute(
        schema, session, town(0), SCORES, {"i": {"cycleId": cycle["id"], "side": "TOWNSHIP", "scores": items}}
    )
    assert data is None and [(e["code"], e["index"]) for e in errors] == [("FORBIDDEN", 3)]
    assert await session.scalar(select(func.count()).select_from(Member).where(Member.township_score.is_not(None))) == 0
    data, errors = await execute(
        schema, session, town(0), SCORES, {"i": {"cycleId": cycle["id"], "side": "TOWNSHIP", "scores": items[:3]}}
    )
    assert not errors and [
        (m["cadre"]["id"], m["township"]["id"], m["townshipScore"]) for m in data["setAssessmentScores"]
    ] == [(c, str(TOWNSHIPS[0]), "80.00") for c in mine]


async def test_a_root_field_outside_its_policy_is_forbidden_before_the_rules_run(session):
    _, errors = await execute(schema, session, person(Role.CADRE, cadre_id(0, 0, 0)), OPEN, {"i": {"year": 2026}})
    assert [e["code"] for e in errors] == ["FORBIDDEN"] and "组织部" in errors[0]["detail"]
    assert await session.scalar(select(func.count()).select_from(Cycle)) == 0


async def test_members_before_publication_only_for_the_assessing_sides(session):
    cycle = await _open(session)
    members = "query($c: ID!) { cycleMembers(cycleId: $c, first: 100) { nodes { township { id } grade } } }"
    data, errors = await execute(schema, session, town(1), members, {"c": cycle["id"]})
    assert not errors and {n["township"]["id"] for n in data["cycleMembers"]["nodes"]} == {str(TOWNSHIPS[1])}
    _, errors = await execute(schema, session, person(Role.LEADERSHIP), members, {"c": cycle["id"]})
    assert [e["code"] for e in errors] == ["FORBIDDEN"]
