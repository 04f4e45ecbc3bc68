import servicekit.audit  # noqa: F401  (registers kernel tables)
import servicekit.outbox  # noqa: F401
from notifications.config import get_settings
from notifications.models import Base
from servicekit.db import Base as KernelBase
from servicekit.migrations import run_env

run_env([Base.metadata, KernelBase.metadata], get_settings)
