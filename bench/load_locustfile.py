"""The users of bench/load_bench.py (locust): each logs in as one of the demo accounts and browses, with 5–15 s
of think time between pages: the 工作台, the people and organization lists, a search, a person's or an
organization's page (picked from the lists it saw), the dashboard.

The mix follows who uses the platform: most sessions are branch secretaries (branch), fewer are city
organization staff (city), a few are the province department (admin, whose pages cover the whole province).
"""

import os
import random
import re

from locust import HttpUser, between, task

PASSWORD = os.environ["ZUGONG_DEMO_PASSWORD"]
ACCOUNTS = ["branch"] * 6 + ["city"] * 3 + ["admin"]
SEARCHES = ["zs", "wang", "li", "zhangwei", "wj", "liu", "chen", "0012", "3456", "党支部", "社区"]
PERSON = re.compile(r'href="/people/(\d+)/"')
ORG = re.compile(r'href="/orgs/(\d+)/"')


class Browser(HttpUser):
    wait_time = between(5, 15)

    def on_start(self):
        self.username = random.choice(ACCOUNTS)
        self.people, self.orgs = [], []
        self.client.get("/accounts/login/", name="login page")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post("/accounts/login/", name="login", catch_response=True,
                              data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
                              headers={"Referer": f"{self.host}/accounts/login/"}) as r:
            if "/accounts/login/" in r.url or r.status_code != 200:
                r.failure(f"login as {self.username} failed ({r.status_code})")

    def page(self, url, name):
        with self.client.get(url, name=name, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")
            elif "/accounts/login/" in r.url:
                r.failure("session lost: sent to the login page")
            return r.text if r.status_code == 200 else ""

    @task(1)
    def home(self):
        self.page("/", "工作台 /")

    @task(3)
    def people_list(self):
        html = self.page("/people/", "people list /people/")
        self.people = PERSON.findall(html)[:50] or self.people

    @task(2)
    def org_list(self):
        html = self.page("/orgs/list/", "organization list /orgs/list/")
        self.orgs = ORG.findall(html)[:50] or self.orgs

    @task(2)
    def search(self):
        self.page(f"/search/?q={random.choice(SEARCHES)}", "search /search/?q=")

    @task(3)
    def detail(self):
        if self.people and (random.random() < 0.6 or not self.orgs):
            self.page(f"/people/{random.choice(self.people)}/", "person page /people/<id>/")
        elif self.orgs:
            self.page(f"/orgs/{random.choice(self.orgs)}/", "organization page /orgs/<id>/")
        else:
            self.people_list()

    @task(1)
    def dashboard(self):
        self.page("/dashboards/", "dashboard /dashboards/")
