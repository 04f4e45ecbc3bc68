"""The platform subgraph's resolvers in process, against the rolled-back session: the routing
recommendation as objects (unit, cadre, reason enum), a post's unit and holders, the root-field gate."""

from __future__ import annotations

from gqlutil import execute
from platform_world import ADMIN, CENTRE, GRID, MEDIATOR, SFS, SYSTEM, TOWN
from sqlalchemy import func, select

from platforms import dispatch, org
from platforms.graphql import schema
from platforms.models import Grid

EVENT = """query($id: ID!) { gridEvent(id: $id) { state township { id }
  recommendation { reason note unit { id name kind township { id } } cadre { id } } } }"""


async def test_the_recommendation_names_its_unit_and_cadre_as_objects(session):
    post = await org.create_post(session, ADMIN, unit_id=SFS, name="调解岗")
    await org.set_duties(session, ADMIN, post_id=post.id, duties=[("NEIGHBOUR_DISPUTE", None)])
    await org.set_holders(session, ADMIN, post_id=post.id, cadre_ids=[MEDIATOR])
    event, _ = await dispatch.report(
        session,
        GRID,
        township_id=TOWN,
        matter_type="NEIGHBOUR_DISPUTE",
        priority="NORMAL",
        description="邻里纠纷",
        location=None,
    )
    await dispatch.act(session, CENTRE, event_id=event.id, action="accept")
    data, errors = await execute(schema, session, CENTRE, EVENT, {"id": str(event.id)})
    assert not errors, errors
    rec = data["gridEvent"]["recommendation"]
    assert (rec["reason"], rec["cadre"], rec["unit"]["id"], rec["unit"]["kind"], rec["unit"]["township"]) == (
        "POST",
        {"id": str(MEDIATOR)},
        str(SFS),
        "AGENCY",
        {"id": str(TOWN)},
    )
    posts = "query($t: ID!) { posts(townshipId: $t) { name unit { id } holders { id } duties { matterType } } }"
    data, errors = await execute(schema, session, ADMIN, posts, {"t": str(TOWN)})
    assert not errors and data["posts"] == [
        {
            "name": "调解岗",
            "unit": {"id": str(SFS)},
            "holders": [{"id": str(MEDIATOR)}],
            "duties": [{"matterType": "NEIGHBOUR_DISPUTE"}],
        }
    ]


async def test_township_set_up_is_for_the_township_admin_only(session):
    create = """mutation($t: ID!) { createGrid(input: {townshipId: $t, code: "G9", name: "九网格"}) { id
      township { id } } }"""
    for who in (CENTRE, GRID, SYSTEM):
        _, errors = await execute(schema, session, who, create, {"t": str(TOWN)})
        assert [e["code"] for e in errors] == ["FORBIDDEN"]
    assert await session.scalar(select(func.count()).select_from(Grid)) == 0
    data, errors = await execute(schema, session, ADMIN, create, {"t": str(TOWN)})
    assert not errors and data["createGrid"]["township"] == {"id": str(TOWN)}


async def test_a_malformed_id_is_bad_input(session):
    _, errors = await execute(schema, session, CENTRE, EVENT, {"id": "not-an-id"})
    assert [e["code"] for e in errors] == ["BAD_USER_INPUT"]
