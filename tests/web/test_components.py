"""The shared macros: a form with mistakes keeps what was typed and says what to fix."""

from flask import flash, render_template_string
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Email

PAGE = """{% extends "base.html" %}
{% from "components/ui.html" import error_summary, field, button, empty_state, card %}
{% from "components/layout.html" import site_nav %}
{% block title %}Form{% endblock %}
{% block content %}
<h1>Form</h1>
{{ site_nav([("/", "Home", True), ("/for-staff", "Staff", False)]) }}
{{ error_summary(form) }}
<form method="post" action="/form" novalidate>
  {{ form.csrf_token }}
  {{ field(form.name, hint="What you like to be called") }}
  {{ field(form.email, type="email", autocomplete="email") }}
  {{ button("Save", attrs={"hx-disabled-elt": "this"}) }}
</form>
{% call card("People") %}{{ empty_state("No one here yet", "Add someone", "/add") }}{% endcall %}
{% endblock %}"""


class DemoForm(FlaskForm):
    name = StringField("Your name", validators=[DataRequired(message="Tell us what to call you")])
    email = StringField("E-mail", validators=[Email(message="Check the e-mail address")])


def _register(app):
    @app.route("/form", methods=["GET", "POST"])
    def form_page():
        form = DemoForm()
        if form.validate_on_submit():
            flash("Saved", "success")
        return render_template_string(PAGE, form=form)


def test_errors_are_summarised_linked_and_what_was_typed_is_kept(app, client):
    _register(app)
    soup = client.get_page("form_page")
    response = client.submit(soup, "form[action='/form']", {"name": "", "email": "nan at example"})
    from bs4 import BeautifulSoup

    page = BeautifulSoup(response.data, "html.parser")
    summary = page.select_one("#error-summary")
    assert summary is not None and summary["role"] == "alert"
    links = {a["href"]: a.get_text(strip=True) for a in summary.find_all("a")}
    assert links == {"#name": "Tell us what to call you", "#email": "Check the e-mail address"}
    email = page.select_one("#email")
    assert email["value"] == "nan at example"  # kept
    assert email["aria-invalid"] == "true"
    assert email["type"] == "email" and email["autocomplete"] == "email"
    assert "email-error" in email["aria-describedby"]
    assert page.select_one("#name")["aria-describedby"] == "name-hint name-error"
    assert page.select_one("button.button")["hx-disabled-elt"] == "this"


def test_valid_form_shows_a_flash_and_no_summary(app, client):
    _register(app)
    soup = client.get_page("form_page")
    response = client.submit(soup, "form[action='/form']", {"name": "Jay", "email": "jay@example.org"})
    assert b"error-summary" not in response.data
    assert b'class="flash flash--success"' in response.data


def test_navigation_marks_the_current_page_and_empty_states_offer_an_action(app, client):
    _register(app)
    soup = client.get_page("form_page")
    current = soup.select_one("nav.site-nav a[aria-current='page']")
    assert current.get_text() == "Home"
    assert soup.select_one(".empty-state a.button")["href"] == "/add"
