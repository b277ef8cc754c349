from django.urls import path

from . import views

app_name = "learning"
urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("courses/<int:course_id>/resources/<int:resource_id>/", views.player, name="player"),
    path("courses/<int:course_id>/resources/<int:resource_id>/file", views.resource_file, name="file"),
    path("courses/<int:course_id>/resources/<int:resource_id>/pick/", views.pick, name="pick"),
    path("catalog/", views.catalog, name="catalog"),
    path("records/", views.my_record, name="my_record"),
    path("records/<int:learner_id>/", views.record, name="record"),
    path("journal/", views.journal, name="journal"),
    path("classes/<int:class_id>/", views.class_study, name="class"),
    path("classes/<int:class_id>/export.xlsx", views.class_study_export, name="class_export"),
    path("classes/<int:class_id>/plans/", views.plan_create, name="plan_create"),
    path("classes/<int:class_id>/plans/<int:plan_id>/items/", views.plan_item_add, name="plan_item_add"),
    path("projects/<int:project_id>/rules/", views.rules, name="rules"),
    path("projects/<int:project_id>/rules/questions/", views.question_add, name="question_add"),
    path(
        "projects/<int:project_id>/rules/questions/<int:question_id>/remove/",
        views.question_remove,
        name="question_remove",
    ),
]
