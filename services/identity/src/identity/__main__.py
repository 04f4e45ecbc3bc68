"""``python -m identity migrate|seed-demo|bootstrap|bootstrap-admin USER ROLE|rotate-key|retire-key
KID|generate-key|verify-audit|wait-migrated``."""

import getpass
import json
import os
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


# Each service reads the feeds it follows with its own client (scope events:read).
INTERNAL_CLIENTS = ["identity", "personnel", "assessment", "platform", "notifications"]


def _bootstrap(session, settings):
    keys.active_key(session, settings)
    seed.ensure_internal_clients(session, settings, INTERNAL_CLIENTS)
    done = "signing key and internal service clients ready"
    if settings.console_origin:
        done += "; " + seed.ensure_web_client(session, settings.console_origin)
    return done


def _bootstrap_admin(session, settings, username, role, display_name=None):
    """The audited way in for a county office's first account (no one can grant it from the API
    before someone holds it): ``BOOTSTRAP_ADMIN_PASSWORD=… python -m identity bootstrap-admin
    USERNAME STAFFING_OFFICE|ORG_DEPARTMENT [DISPLAY_NAME]``. The operator's login name is audited."""
    password = os.environ.get("BOOTSTRAP_ADMIN_PASSWORD", "")
    return seed.bootstrap_admin(
        session,
        settings,
        username=username,
        role=role,
        password=password,
        display_name=display_name or username,
        operator=getpass.getuser(),
    )


def _generate_key(ns, settings):
    print(json.dumps(keys.generate_private_jwk()))


cli.exit_with(
    cli.main(
        service_dir=SERVICE_DIR,
        settings_factory=get_settings,
        commands={
            "seed-demo": _with_session(seed.seed_demo),
            "bootstrap": _with_session(_bootstrap),
            "bootstrap-admin": _with_session(_bootstrap_admin),
            "rotate-key": _with_session(_rotate),
            "retire-key": _with_session(_retire),
            "generate-key": _generate_key,
        },
    )
)
