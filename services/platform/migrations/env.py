import servicekit.audit  # noqa: F401  (registers kernel tables)
import servicekit.outbox  # noqa: F401
from platforms.config import get_settings
from platforms.models import Base
from servicekit.db import Base as KernelBase
from servicekit.migrations import run_env

run_env([Base.metadata, KernelBase.metadata], get_settings)
