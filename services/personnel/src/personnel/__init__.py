"""Personnel service: departments, townships, agencies, quotas and the named roster (实有人员名单)."""
