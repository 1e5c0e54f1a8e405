"""python manage.py createdemousers: one demo account per role, passwords shown once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from budget import roles

EXPECTED = {
    "admin-demo": roles.ADMINISTRATOR,
    "animateur-demo": roles.FACILITATOR,
    "instructeur-demo": roles.INSTRUCTOR,
    "finance-demo": roles.FINANCE,
    "moderateur-demo": roles.MODERATOR,
    "assesseur-demo": roles.OFFICER,
    "conseil-demo": roles.COUNCIL,
    "votant-demo": None,
    "garant-demo": None,  # a campaign's guarantor is no group (load_demo_campaign assigns it)
}


def run(*args: str) -> str:
    out = StringIO()
    call_command("createdemousers", *args, stdout=out)
    return out.getvalue()


def printed_passwords(output: str) -> dict[str, str]:
    """{username: password} from the indented lines the command prints."""
    passwords = {}
    for line in output.splitlines():
        if line.startswith("  "):
            username, password = line.split()[:2]
            passwords[username] = password
    return passwords


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.mark.django_db
def test_it_refuses_without_debug_and_creates_nothing(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        run()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_refuses_when_a_role_group_is_missing_and_creates_nothing(debug):
    Group.objects.filter(name=roles.FINANCE).delete()
    with pytest.raises(CommandError, match="finance.*migrate"):
        run()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_creates_one_account_per_role_and_a_voter(debug):
    run()
    users = {user.username: user for user in User.objects.prefetch_related("groups")}
    assert set(users) == set(EXPECTED)
    for username, role in EXPECTED.items():
        groups = [group.name for group in users[username].groups.all()]
        assert groups == ([role] if role else []), username
    assert len(roles.ROLES) == len(EXPECTED) - 2


@pytest.mark.django_db
def test_only_the_administrator_is_staff(debug):
    run()
    staff = set(User.objects.filter(is_staff=True).values_list("username", flat=True))
    superusers = set(User.objects.filter(is_superuser=True).values_list("username", flat=True))
    assert staff == {"admin-demo"}
    assert superusers == {"admin-demo"}


@pytest.mark.django_db
def test_it_prints_each_password_once_and_they_work(debug):
    output = run()
    passwords = printed_passwords(output)
    assert set(passwords) == set(EXPECTED)
    for username, password in passwords.items():
        assert output.count(password) == 1
        assert len(password) >= 12
        assert User.objects.get(username=username).check_password(password)
    assert len(set(passwords.values())) == len(passwords)


@pytest.mark.django_db
def test_a_second_run_leaves_accounts_alone_and_prints_no_password(debug):
    first = printed_passwords(run())
    second = run()
    assert printed_passwords(second) == {}
    assert "laissés tels quels" in second
    for password in first.values():
        assert password not in second
    assert User.objects.count() == len(EXPECTED)
    for username, password in first.items():
        assert User.objects.get(username=username).check_password(password)


@pytest.mark.django_db
def test_reset_passwords_prints_new_ones_and_the_old_ones_stop_working(debug):
    first = printed_passwords(run())
    reset = printed_passwords(run("--reset-passwords"))
    assert set(reset) == set(EXPECTED)
    assert User.objects.count() == len(EXPECTED)
    for username, password in reset.items():
        user = User.objects.get(username=username)
        assert user.check_password(password)
        assert not user.check_password(first[username])
