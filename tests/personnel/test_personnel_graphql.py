"""The personnel subgraph's resolvers in process, against the rolled-back session: lookups by id
answer NOT_FOUND for what the caller may not see (as for what does not exist), pages name their
related objects, and the root-field gate refuses before the rules run."""

from __future__ import annotations

import uuid

from gqlutil import execute
from personnel_world import DEPT, STAFFING, TOWN, cadre_in, person, township_admin

from personnel.graphql import schema
from personnel.models import Agency, Township
from servicekit.principal import Role

CADRE = "query($id: ID!) { cadre(id: $id) { id name township { id name } agency { name } department { code } } }"


async def test_a_cadre_outside_the_callers_scope_reads_as_not_found(session):
    cadre = await cadre_in(session, "sfj")
    own = (await session.get(Township, cadre.township_id)).code
    other = next(code for code in TOWN if TOWN[code] != cadre.township_id)
    data, errors = await execute(schema, session, township_admin(own), CADRE, {"id": str(cadre.id)})
    agency = await session.get(Agency, cadre.agency_id)
    assert not errors and data["cadre"]["agency"] == {"name": agency.name}
    assert data["cadre"]["department"] == {"code": "sfj"} and data["cadre"]["township"]["id"] == str(cadre.township_id)
    _, hidden = await execute(schema, session, township_admin(other), CADRE, {"id": str(cadre.id)})
    _, missing = await execute(schema, session, township_admin(other), CADRE, {"id": str(uuid.uuid4())})
    assert [e["code"] for e in hidden] == [e["code"] for e in missing] == ["NOT_FOUND"]
    assert hidden[0]["message"] == missing[0]["message"]  # nothing tells the two apart


async def test_a_roster_page_filtered_by_status_and_line_names_its_objects(session):
    q = """query($f: CadreFilter) { cadres(first: 5, filter: $f) { nodes { status professionalLine
             township { name } agency { name } department { id } } } }"""
    data, errors = await execute(
        schema, session, STAFFING, q, {"f": {"departmentId": str(DEPT["sfj"]), "status": "IN_POST"}}
    )
    assert not errors and data["cadres"]["nodes"]
    assert all(
        n["status"] == "IN_POST"
        and n["department"] == {"id": str(DEPT["sfj"])}
        and n["township"]["name"]
        and n["agency"]["name"]
        for n in data["cadres"]["nodes"]
    )


async def test_quota_decisions_are_refused_at_the_gate_for_a_department(session):
    q = """mutation($i: DecideQuotaChangeInput!) { decideQuotaChange(input: $i) { request { id } } }"""
    _, errors = await execute(
        schema,
        session,
        person(Role.DEPARTMENT_ADMIN, DEPT["sfj"]),
        q,
        {"i": {"requestId": str(uuid.uuid4()), "approve": True}},
    )
    assert [e["code"] for e in errors] == ["FORBIDDEN"] and "编办" in errors[0]["detail"]


async def test_a_page_prefetches_what_its_items_show_through_fragments_too(session):
    """The roster page loads the org units its items show in one batch each, whether the fields are
    written out or come through a named or inline fragment; the answer is the same either way
    (servicekit's ``requested`` reads through fragments: tests/kernel/test_root_field_policy.py)."""
    from sqlalchemy import event

    plain = "{ cadres(first: 20) { nodes { name township { name } agency { name } department { name } } } }"
    fragments = """{ cadres(first: 20) { nodes { name ...Units } } }
      fragment Units on Cadre { township { name } ... on Cadre { agency { name } department { name } } }"""
    statements: list[str] = []
    engine = (await session.connection()).sync_connection.engine
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    answers = []
    for query in (plain, fragments):
        statements.clear()
        data, errors = await execute(schema, session, STAFFING, query)
        assert not errors, errors
        answers.append(data)
        selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert len(selects) == 4, selects  # the page and three org units, nothing per item
    assert answers[0] == answers[1]
