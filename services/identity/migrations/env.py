import servicekit.audit  # noqa: F401  (registers kernel tables)
import servicekit.outbox  # noqa: F401
from identity.config import get_settings
from identity.models import Base
from servicekit.db import Base as KernelBase
from servicekit.migrations import run_env

run_env([Base.metadata, KernelBase.metadata], get_settings)
