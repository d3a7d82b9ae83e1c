"""What a browser submits for a page's form: its inputs, selects and textareas as rendered (tests that post an
edit form back as a user would, after changing a field or two)."""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id=None):
        super().__init__(convert_charrefs=True)
        self.form_id, self.depth, self.done = form_id, 0, False
        self.fields: list[tuple[str, str]] = []
        self._select = None  # [name, options, selected]
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.done:
            return
        if tag == "form":
            if self.depth == 0 and a.get("method", "").lower() == "post" and (
                    a.get("id") == self.form_id if self.form_id else "zugong-form" in a.get("class", "")):
                self.depth = 1
            return
        if not self.depth:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            elif kind not in ("file", "submit", "button", "image", "reset"):
                self.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = [name, [], [], "multiple" in a]
        elif tag == "option" and self._select is not None:
            self._option = a.get("value")
            self._select[1].append(self._option)
            if "selected" in a:
                self._select[2].append(self._option)
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        if self._select is not None and self._option is None and self._select[1]:
            pass

    def handle_endtag(self, tag):
        if tag == "form" and self.depth:
            self.depth, self.done = 0, True
        elif tag == "select" and self._select is not None:
            name, options, selected, multiple = self._select
            chosen = selected if selected else ([] if multiple else options[:1])
            self.fields += [(name, v or "") for v in chosen]
            self._select = None
        elif tag == "option":
            self._option = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None


def form_data(html: str, form_id: str | None = None) -> dict:
    """The page's edit form's (the first `zugong-form` POST form, or the form `form_id`) fields: a dict of name → value (a list when repeated)."""
    parser = _FormParser(form_id)
    parser.feed(html)
    data: dict = {}
    for name, value in parser.fields:
        if name in data:
            data[name] = (data[name] if isinstance(data[name], list) else [data[name]]) + [value]
        else:
            data[name] = value
    return data


def step_post(client, url: str, data: dict):
    """Post a case's step form as a browser does: with the version of the case its step page carries."""
    sep = "&" if "?" in url else "?"
    page = client.get(f"{url}{sep}step={data['step']}").content.decode()
    return client.post(url, {**data, "record_version": form_data(page).get("record_version", "")})
