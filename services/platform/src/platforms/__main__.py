"""``python -m platforms migrate|seed-demo|consume|verify-audit|wait-migrated``."""

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


cli.exit_with(
    cli.main(
        service_dir=SERVICE_DIR,
        settings_factory=get_settings,
        commands={"seed-demo": _seed, "consume": cli.consume_command(background)},
    )
)
