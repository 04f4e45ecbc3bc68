"""Identity service: who may call the system, and with which role bindings (角色绑定)."""
