from django.urls import path

from . import views

app_name = "party"

urlpatterns = [
    path("", views.home, name="home"),
    path("committee/", views.committee, name="committee"),
    path("mine/", views.mine, name="mine"),
    path("mine/report/", views.report_self, name="report_self"),
    path("mine/study/", views.study_self, name="study_self"),
    path("study/<int:pk>/decide/", views.study_decide, name="study_decide"),
    path("communities/", views.communities, name="communities"),
    path("communities/<int:pk>/", views.community, name="community"),
    path("branches/<int:pk>/", views.branch, name="branch"),
    path("branches/<int:pk>/applications/new/", views.application_new, name="application_new"),
    path("branches/<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("branches/<int:pk>/dues/", views.dues_payment, name="dues_payment"),
    path("branches/<int:pk>/appraisal/", views.appraisal, name="appraisal"),
    path("branches/<int:pk>/election/", views.election, name="election"),
    path("branches/<int:pk>/dues/reductions/", views.reduction_request, name="reduction_request"),
    path("branches/<int:pk>/dues/voluntary/", views.voluntary_dues, name="voluntary_dues"),
    path("branches/<int:pk>/points/", views.points_record, name="points_record"),
    path("branches/<int:pk>/shifts/", views.shift_record, name="shift_record"),
    path("reductions/<int:pk>/decide/", views.reduction_decide, name="reduction_decide"),
    path("branches/<int:pk>/transfers/", views.transfer_issue, name="transfer_issue"),
    path("transfers/<int:pk>/accept/", views.transfer_accept, name="transfer_accept"),
    path("transfers/<int:pk>/receipt/", views.transfer_receipt, name="transfer_receipt"),
    path("branches/<int:pk>/export/meetings.xlsx", views.export_meetings, name="export_meetings"),
    path("branches/<int:pk>/export/dues.xlsx", views.export_dues, name="export_dues"),
    path("branches/<int:pk>/roster/", views.roster_import, name="roster_import"),
    path("branches/<int:pk>/roster/template.xlsx", views.roster_template, name="roster_template"),
    path("mailbox/", views.my_mailbox, name="my_mailbox"),
    path("organisations/<int:pk>/mailbox/", views.mailbox, name="mailbox"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("tasks/<int:pk>/claim/", views.task_claim, name="task_claim"),
    path("tasks/<int:pk>/complete/", views.task_complete, name="task_complete"),
    path("appeals/<int:appeal_pk>/task/", views.appeal_task, name="appeal_task"),
]
