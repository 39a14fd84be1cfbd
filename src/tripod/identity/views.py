"""Sign-in pages and the personal API token page. Thin: forms parse, services decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from tripod.core.errors import NotFound, ValidationFailed
from tripod.core.tables import Column, Table, render_table
from tripod.identity.forms import ApiTokenForm, LoginForm
from tripod.identity.models import ApiToken
from tripod.identity.selectors import api_token_get, api_token_list
from tripod.identity.services import api_token_create, api_token_revoke
from tripod.identity.tokens import token_display


class LoginView(auth_views.LoginView):
    """Sign in by username or e-mail address. Django rotates the session key on success; django-axes counts
    failures and answers a locked-out user with ``identity/locked_out.html`` (429)."""

    form_class = LoginForm
    template_name = "identity/login.html"
    redirect_authenticated_user = True


# Form fields of ApiTokenForm that carry what the service calls by another name.
_TOKEN_FORM_FIELDS = {"name": "name", "expires_at": "expires_in"}


TOKEN_STATES = {"active": _("Active"), "expired": _("Expired"), "revoked": _("Revoked")}


def token_state(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= timezone.now():
        return "expired"
    return "active"


class ApiTokenTable(Table):
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("token", _("Token"), accessor=lambda t: token_display(t.prefix), template="identity/_token_cell.html"),
        Column("created_at", _("Created"), sort="created_at"),
        Column("last_used_at", _("Last used"), sort="last_used_at"),
        Column("expires_at", _("Expires"), sort="expires_at"),
        Column("state", _("Status"), accessor=lambda t: TOKEN_STATES[token_state(t)], badge=token_state),
        Column("actions", "", accessor=lambda t: None, template="identity/_token_actions.html", css_class="text-end"),
    ]
    default_sort = "-created_at"
    searchable = False
    empty_text = _("You have no API tokens yet.")
    empty_icon = "key"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """List the user's tokens and create one; a new token's plaintext is on this one response only."""
    new_token = None
    status = 200
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                token, raw = api_token_create(
                    actor=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at()
                )
            except ValidationFailed as exc:
                for field, errors in exc.errors.items():
                    for error in errors:
                        form.add_error(_TOKEN_FORM_FIELDS.get(field), str(error))
            else:
                new_token = {"token": token, "raw": raw}
                form = ApiTokenForm()
                status = 201
    table = ApiTokenTable(request, api_token_list(user=request.user), id="tokens")
    return render_table(request, "identity/tokens.html", {"form": form, "new_token": new_token}, table, status=status)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        token = api_token_get(user=request.user, pk=pk)
        api_token_revoke(actor=request.user, token=token)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    message = gettext("Token “%(name)s” is revoked. Scripts using it can no longer sign in.") % {"name": token.name}
    messages.success(request, message)
    return HttpResponseRedirect(reverse("identity:tokens"))
