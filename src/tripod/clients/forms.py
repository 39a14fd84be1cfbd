"""Forms of the client pages. They only parse input; the services decide and write."""

from __future__ import annotations

from typing import Any

from tripod.clients.models import Client, Contact
from tripod.clients.selectors import contact_list
from tripod.core.htmx import RecordForm
from tripod.identity.models import Role
from tripod.identity.selectors import users_with_role


class ClientForm(RecordForm):
    model = Client
    record_fields = ("name", "industry", "tier", "status", "owner_am")
    field_columns = {
        "name": "col-md-8",
        "industry": "col-md-4",
        "tier": "col-md-4",
        "status": "col-md-4",
        "owner_am": "col-md-4",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_am"].queryset = users_with_role(
            role=Role.AM, also_id=getattr(self.instance, "owner_am_id", None)
        )


class ContactForm(RecordForm):
    model = Contact
    record_fields = ("name", "title", "email", "phone", "role_in_decision_chain", "reports_to")

    def __init__(self, *args: Any, client: Client, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reports_to"].queryset = contact_list(user=user, client=client)
