from django.urls import path

from cases import views, views_agreements, views_people

app_name = "cases"
urlpatterns = [
    path("people/search/", views.person_search, name="person_search"),
    path("people/lookup-for-report/", views.person_lookup_for_report, name="person_lookup_for_report"),
    path("concerns/new/", views.concern_new, name="concern_new"),
    path("concerns/mine/", views.my_concerns, name="my_concerns"),
    path("concerns/<uuid:case_id>/urgent/", views.concern_urgent, name="concern_urgent"),
    path("contacts/", views.contact_log, name="contact_log"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/cases.xlsx", views.inbox_file, {"file_format": "xlsx"}, name="inbox_xlsx"),
    path("inbox/cases.csv", views.inbox_file, {"file_format": "csv"}, name="inbox_csv"),
    path("tasks/", views.my_tasks, name="my_tasks"),
    *(
        path(
            f"tasks/{section}.{file_format}",
            views.tasks_file,
            {"section": section, "file_format": file_format},
            name=f"tasks_{section}_{file_format}",
        )
        for section in ("meetings", "items", "visits")
        for file_format in ("xlsx", "csv")
    ),
    path("tasks/actions/<uuid:item_id>/done/", views.action_item_done, name="action_item_done"),
    path("tasks/actions/<uuid:item_id>/undo/", views.action_item_undo, name="action_item_undo"),
    path("tasks/visits/<uuid:visit_id>/", views.watch_visit_record, name="watch_visit_record"),
    path("<uuid:case_id>/", views.case_detail, name="case_detail"),
    path("<uuid:case_id>/accept/", views.case_accept, name="case_accept"),
    path("<uuid:case_id>/take-urgent/", views.case_take_urgent, name="case_take_urgent"),
    path("<uuid:case_id>/escalate/", views.case_escalate, name="case_escalate"),
    path("<uuid:case_id>/consents/", views.case_consent, name="case_consent"),
    path("<uuid:case_id>/consents/withdraw/", views.case_consent_withdraw, name="case_consent_withdraw"),
    path("<uuid:case_id>/disclose/", views.case_disclose, name="case_disclose"),
    path("<uuid:case_id>/access/end/", views.case_end_access, name="case_end_access"),
    path("<uuid:case_id>/watch-visits/", views.case_schedule_watch_visit, name="case_schedule_watch_visit"),
    path("<uuid:case_id>/meetings/", views.case_schedule_meeting, name="case_schedule_meeting"),
    path("<uuid:case_id>/decide/", views.case_decide, name="case_decide"),
    path("<uuid:case_id>/conclude/", views.case_conclude, name="case_conclude"),
    path("<uuid:case_id>/close/", views.case_close, name="case_close"),
    path("<uuid:case_id>/reopen/", views.case_reopen, name="case_reopen"),
    path("<uuid:case_id>/withdraw/", views.case_withdraw, name="case_withdraw"),
    path("<uuid:case_id>/progress/", views.case_progress, name="case_progress"),
    path("<uuid:case_id>/progress/<uuid:entry_id>/correct/", views.progress_correct, name="progress_correct"),
    path("<uuid:case_id>/break-glass/", views.case_break_glass, name="case_break_glass"),
    path("<uuid:case_id>/person/", views_people.person_identity, name="person_identity"),
    path("<uuid:case_id>/household/new/", views_people.household_member_new, name="household_member_new"),
    path(
        "<uuid:case_id>/household/existing/",
        views_people.household_member_existing,
        name="household_member_existing",
    ),
    # Any text as the member's id: one that names no member of the household is refused (403,
    # recorded) like another household's, never answered 404.
    path(
        "<uuid:case_id>/household/<str:member_id>/end/",
        views_people.household_member_end,
        name="household_member_end",
    ),
    path("<uuid:case_id>/supporters/new/", views_people.supporter_new, name="supporter_new"),
    path(
        "<uuid:case_id>/supporters/<uuid:supporter_id>/end/", views_people.supporter_end, name="supporter_end"
    ),
    path("meetings/<uuid:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<uuid:meeting_id>/record.pdf", views.meeting_record_pdf, name="meeting_record_pdf"),
    path("break-glass/reviews/", views.break_glass_reviews, name="break_glass_reviews"),
    path("agreements/", views_agreements.agreements, name="agreements"),
    path("agreements/<int:agreement_id>/", views_agreements.agreement, name="agreement"),
    path("report/", views_agreements.report, name="report"),
    path("report/code/", views_agreements.report_code, name="report_code"),
    path("report/forget/", views_agreements.report_forget, name="report_forget"),
    path("report/revoke/", views_agreements.report_revoke, name="report_revoke"),
]
