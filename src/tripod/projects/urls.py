from tripod.projects.views import (
    board,
    budget,
    files,
    gantt,
    gates,
    mywork,
    project,
    reports,
    resources,
    risks,
    schedule,
    timesheets,
    wbs,
)

app_name = "projects"
urlpatterns = [
    *project.urlpatterns,
    *gates.urlpatterns,
    *wbs.urlpatterns,
    *gantt.urlpatterns,
    *board.urlpatterns,
    *resources.urlpatterns,
    *timesheets.urlpatterns,
    *budget.urlpatterns,
    *risks.urlpatterns,
    *reports.urlpatterns,
    *files.urlpatterns,
    *schedule.urlpatterns,
    *mywork.urlpatterns,
]
