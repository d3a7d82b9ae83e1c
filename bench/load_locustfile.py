"""The users of bench/load_bench.py (locust): each takes one of the logged-in sessions the bench made beforehand
(ZUGONG_LOAD_SESSIONS: a JSON file of [username, session key]) and browses, with 5–15 s of think time between
pages: the 工作台, the people and organization lists, a search, a person's or an
organization's page (picked from the lists it saw), the dashboard.

The sessions' mix (made by the bench) follows who uses the platform: most are branch secretaries (branch),
fewer city organization staff (city), a few the province department (admin, whose pages cover the province).
"""

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

SESSIONS = json.loads(open(os.environ["ZUGONG_LOAD_SESSIONS"]).read())
_next = itertools.count()
SEARCHES = ["zs", "wang", "li", "zhangwei", "wj", "liu", "chen", "0012", "3456", "党支部", "社区"]
PERSON = re.compile(r'href="/people/(\d+)/"')
ORG = re.compile(r'href="/orgs/(\d+)/"')


class Browser(HttpUser):
    wait_time = between(5, 15)

    def on_start(self):
        self.username, key = SESSIONS[next(_next) % len(SESSIONS)]
        self.client.cookies.set("sessionid", key)
        self.people, self.orgs = [], []

    def page(self, url, name):
        # A new connection for every page, as a browser has after 5–15 s idle behind gunicorn's 5 s keep-alive:
        # reusing the idle one races the server closing it, and the client (unlike a browser) would not retry.
        with self.client.get(url, name=name, catch_response=True, headers={"Connection": "close"}) as r:
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
