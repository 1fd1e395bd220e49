from django.urls import path

from learning import views

app_name = "learning"

urlpatterns = [
    path("", views.register, name="register"),
    path("mine/", views.mine, name="mine"),
    path("cases/<uuid:case_id>/raise/", views.raise_issue, name="raise"),
    path("cases/<uuid:case_id>/example/", views.propose_example, name="propose_example"),
    path("examples/", views.examples_list, name="examples"),
    path("examples/<uuid:example_id>/", views.example, name="example"),
    path("examples/<uuid:example_id>/example.txt", views.example_text, name="example_text"),
    *(
        path(
            f"examples/<uuid:example_id>/{action}/",
            views.example_action,
            {"action": action},
            name=f"example_{action}",
        )
        for action in views.EXAMPLE_ACTIONS
    ),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<uuid:review_id>/", views.review, name="review"),
    path("reviews/<uuid:review_id>/acknowledge/", views.acknowledge, name="review_acknowledge"),
    *(
        path(
            f"reviews/<uuid:review_id>/{action}/",
            views.review_action,
            {"action": action},
            name=f"review_{action}",
        )
        for action in views.REVIEW_ACTIONS
    ),
    *(
        path(
            f"items/<int:review_item_id>/{action}/",
            views.item_action,
            {"action": action},
            name=f"item_{action}",
        )
        for action in views.ITEM_ACTIONS
    ),
]
