"""``python -m notifications migrate|consume|verify-audit``."""

from pathlib import Path

from servicekit import cli

from .config import get_settings
from .scheduled import background

SERVICE_DIR = Path(__file__).resolve().parents[2]

cli.exit_with(
    cli.main(
        service_dir=SERVICE_DIR, settings_factory=get_settings, commands={"consume": cli.consume_command(background)}
    )
)
