"""Surveys in the portal: the invitations sent to the portal user's own contact, and the answer given right here
(the login stands in for the private link; the same service rules: once, in range, before the survey closes)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from tripod.clients.services.surveys import SurveyAlreadyAnswered, survey_answer_portal
from tripod.clients.survey_forms import SurveyAnswerForm
from tripod.core.errors import NotFound, ValidationFailed
from tripod.core.htmx import apply_validation_errors
from tripod.portal.selectors import invitation_is_open, portal_invitation_get, portal_invitations
from tripod.portal.views.base import portal_page, render_portal


@require_GET
@portal_page
def survey_list_view(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    invitations = list(portal_invitations(user=request.user))
    context = {
        "open": [i for i in invitations if invitation_is_open(i, now)],
        "answered": [i for i in invitations if i.answered_at is not None],
    }
    return render_portal(request, "portal/surveys/list.html", context, section="surveys")


@require_http_methods(["GET", "POST"])
@portal_page
def survey_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = portal_invitation_get(user=request.user, pk=pk)
    survey = invitation.survey
    if not invitation_is_open(invitation):
        messages.info(request, _("This survey no longer takes answers."))
        return redirect(reverse("portal:surveys"))
    form = SurveyAnswerForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            survey_answer_portal(
                actor=request.user,
                invitation=invitation,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except (SurveyAlreadyAnswered, NotFound) as exc:
            messages.info(request, str(exc.message))
            return redirect(reverse("portal:surveys"))
        except ValidationFailed as exc:
            apply_validation_errors(form, exc.errors)
        else:
            messages.success(request, _("Thank you! We have your answer."))
            return redirect(reverse("portal:surveys"))
    low, high = survey.score_range
    context = {
        "invitation": invitation,
        "survey": survey,
        "form": form,
        "low": low,
        "high": high,
        "scores": list(range(low, high + 1)),
    }
    status = 422 if form.errors else 200
    return render_portal(request, "portal/surveys/answer.html", context, section="surveys", status=status)


urlpatterns = [
    path("surveys/", survey_list_view, name="surveys"),
    path("surveys/<int:pk>/", survey_answer_view, name="survey"),
]
