"""``python -m platforms migrate|seed-demo|demo-dispatch|consume|verify-audit|wait-migrated``."""

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
            print(seed.seed_demo(session))
    finally:
        engine.dispose()


def _demo_dispatch(ns, settings):
    """make run: the demo's board after a morning's work (platforms.demo), once the roster arrived."""
    import asyncio

    from . import demo

    async def run() -> dict:
        engine = db.make_async_engine(settings)
        factory = db.make_sessionmaker(engine)
        try:
            await demo.wait_for_cadre(factory)
            async with factory() as session, session.begin():
                return await demo.dispatch_some(session)
        finally:
            await engine.dispose()

    print(asyncio.run(run()))


cli.exit_with(
    cli.main(
        service_dir=SERVICE_DIR,
        settings_factory=get_settings,
        commands={"seed-demo": _seed, "demo-dispatch": _demo_dispatch, "consume": cli.consume_command(background)},
    )
)
