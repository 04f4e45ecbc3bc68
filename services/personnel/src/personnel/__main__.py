"""``python -m personnel migrate|seed-demo|demo-open-work|generate [counties townships cadres]|verify-audit|
wait-migrated``."""

from pathlib import Path

from sqlalchemy.orm import sessionmaker

from servicekit import cli, db

from . import seed
from .config import get_settings
from .scheduled import background

SERVICE_DIR = Path(__file__).resolve().parents[2]


def _seed(ns, settings):
    engine = db.make_sync_engine(settings)
    try:
        with sessionmaker(engine)() as session, session.begin():
            print(seed.seed_demo(session, settings))
    finally:
        engine.dispose()


def _demo_open_work(ns, settings):
    """make run: the demo's open work for the county offices, departments and townships (personnel.demo)."""
    import asyncio

    from . import demo

    async def run() -> dict:
        engine = db.make_async_engine(settings)
        try:
            async with db.make_sessionmaker(engine)() as session, session.begin():
                return await demo.open_work(session)
        finally:
            await engine.dispose()

    print(asyncio.run(run()))


def _generate(ns, settings):
    from . import generate

    engine = db.make_sync_engine(settings)
    try:
        with sessionmaker(engine)() as session, session.begin():
            kw = dict(zip(("counties", "townships", "cadres"), map(int, ns.args))) if ns.args else {}
            print(generate.generate(session, **kw))
    finally:
        engine.dispose()


cli.exit_with(
    cli.main(
        service_dir=SERVICE_DIR,
        settings_factory=get_settings,
        commands={
            "seed-demo": _seed,
            "generate": _generate,
            "demo-open-work": _demo_open_work,
            "consume": cli.consume_command(background),
        },
    )
)
