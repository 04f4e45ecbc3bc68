"""``python -m identity migrate|seed-demo|bootstrap|rotate-key|retire-key KID|generate-key|verify-audit|wait-migrated``."""

import json
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from servicekit import cli, db

from . import keys, seed
from .config import get_settings

SERVICE_DIR = Path(__file__).resolve().parents[2]


def _with_session(fn):
    def run(ns, settings):
        engine = db.make_sync_engine(settings)
        try:
            with sessionmaker(engine)() as session, session.begin():
                result = fn(session, settings, *ns.args)
        finally:
            engine.dispose()
        if result is not None:
            print(result)
        return 0
    return run


def _rotate(session, settings):
    return f"active key {keys.rotate(session, reason='rotate-key command', settings=settings).kid}"


def _retire(session, settings, kid):
    return f"retired key {keys.retire(session, kid, reason='retire-key command', settings=settings).kid}"


def _bootstrap(session, settings):
    keys.active_key(session, settings)
    seed.ensure_internal_clients(session, settings, ["personnel", "assessment", "platform"])
    return "signing key and internal service clients ready"


def _generate_key(ns, settings):
    print(json.dumps(keys.generate_private_jwk()))


cli.exit_with(cli.main(service_dir=SERVICE_DIR, settings_factory=get_settings, commands={
    "seed-demo": _with_session(seed.seed_demo),
    "bootstrap": _with_session(_bootstrap),
    "rotate-key": _with_session(_rotate),
    "retire-key": _with_session(_retire),
    "generate-key": _generate_key,
}))
