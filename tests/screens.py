"""Clicking through the screens with Django's test client, as the people who use them."""

from django.test import Client

from tests.twofactor import VerifiedClient


def browser(user) -> Client:
    client = VerifiedClient()
    client.force_login(user)
    return client


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def follow_post(client: Client, url: str, data: dict) -> str:
    return page(client.post(url, data, follow=True))
