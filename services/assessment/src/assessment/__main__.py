"""``python -m assessment migrate|consume|verify-audit|demo-cycle``."""

from pathlib import Path

from servicekit import cli

from .config import get_settings
from .scheduled import background

SERVICE_DIR = Path(__file__).resolve().parents[2]


def demo_cycle(ns, settings) -> int:
    """``python -m assessment demo-cycle``: last year's annual cycle on the demo roster, published,
    and this year's 述职评议会 convened."""
    import asyncio

    from servicekit import db

    from . import demo

    async def run() -> dict:
        engine = db.make_async_engine(settings)
        factory = db.make_sessionmaker(engine)
        try:
            await demo.wait_for_roster(factory)
            async with factory() as session, session.begin():
                cycle = await demo.annual_cycle(session)
            async with factory() as session, session.begin():
                return {**cycle, "review_meeting": await demo.review_meeting(session)}
        finally:
            await engine.dispose()

    print(asyncio.run(run()))
    return 0


cli.exit_with(
    cli.main(
        service_dir=SERVICE_DIR,
        settings_factory=get_settings,
        commands={"consume": cli.consume_command(background), "demo-cycle": demo_cycle},
    )
)
