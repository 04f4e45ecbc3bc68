"""Who reads what in the inbox: each person their own items — those addressed to a role binding
their token holds (``inbox.recipient_filter``); service tokens have no inbox."""

from __future__ import annotations

from servicekit import access

ROOT_FIELDS: dict[str, access.Access] = {
    "myInbox": access.people("every person: the items addressed to their role bindings"),
    "myInboxSummary": access.people("every person: counts of their open items"),
    "markInboxItemRead": access.people("every person: their own information items (the rule refuses work items)"),
    "myNotificationSettings": access.people("every person: their own notification settings"),
    "setNotificationSettings": access.people("every person: their own notification settings"),
}
