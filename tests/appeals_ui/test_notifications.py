"""Notifications: every account reads its own and its units' on one page and in the top bar's count;
opening one marks it read (for the unit's whole staff), and all can be marked read at once."""

from django.urls import reverse

from civicgrid.appeals import selectors, services
from civicgrid.appeals.models import Notification


def unread(account) -> int:
    return selectors.unread_notification_count(account)


def test_a_handler_opens_a_notification_and_it_is_read_for_his_unit(client_for, stages, city):
    appeal = stages.dispatched()
    services.supervise_appeal(appeal, actor=city.accounts["supervisor"], reason="群众反映强烈")
    handler = city.accounts["handler"]
    client = client_for("handler")
    assert unread(handler) == 1
    page = client.get(reverse("appeals:inbox")).content.decode()
    assert "1 条未读" in page and 'aria-label="1 条未读"' in page  # the inbox and the top bar
    notification = Notification.objects.get()
    response = client.get(reverse("appeals:open_notification", args=[notification.pk]))
    assert response.status_code == 302 and response.url == reverse("appeals:detail", args=[appeal.pk])
    assert unread(handler) == 0
    assert "条未读" not in client.get(reverse("appeals:inbox")).content.decode()


def test_a_secretary_reads_the_notifications_addressed_to_her_and_marks_all_read(client_for, city):
    secretary = city.accounts["secretary"]
    for n in range(3):
        services.notify(account=secretary, text=f"党员已完成双报到任务 {n}", link="/party/")
    services.notify(account=city.accounts["handler"], text="别人的通知")
    client = client_for("secretary")
    page = client.get(reverse("appeals:notifications")).content.decode()
    assert page.count("党员已完成双报到任务") == 3 and "别人的通知" not in page and "3 条未读" in page
    response = client.post(reverse("appeals:read_all_notifications"), follow=True)
    assert "已将 3 条通知标为已读。" in response.content.decode()
    assert unread(secretary) == 0 and unread(city.accounts["handler"]) == 1


def test_someone_elses_notification_is_not_found_and_a_foreign_link_is_not_followed(client_for, city):
    theirs = services.notify(account=city.accounts["handler"], text="别人的通知", link="/")
    client = client_for("secretary")
    assert client.get(reverse("appeals:open_notification", args=[theirs.pk])).status_code == 404
    mine = services.notify(account=city.accounts["secretary"], text="外部链接", link="https://evil.example/")
    response = client.get(reverse("appeals:open_notification", args=[mine.pk]))
    assert response.url == reverse("appeals:notifications")
