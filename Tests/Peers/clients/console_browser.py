#!/usr/bin/env python3
"""Drives the gateway's web console in real headless Chromium (selenium + chromedriver), as an
operator would, by keyboard where a person would use it:

  console_browser.py --url http://127.0.0.1:PORT --key ADMIN_KEY --tool clock__add
      [--denied-tool clock__secret] [--wrong-key KEY] [--screenshots DIR]
  console_browser.py --url http://127.0.0.1:PORT --sso-user alice [--sso-refused-user bob]
  console_browser.py --url http://127.0.0.1:PORT --open

Steps: a wrong key is refused with a reason; the admin key signs in; the overview lists the
servers as ready with traffic figures; the catalogue shows the tools; a key is created (shown
once) and revoked; a dry run of an allowed and a denied tool shows each decision and its rule;
the audit search finds the tool's call.end records and the chain holds; the connections page
names each server's transport. With --sso-user instead: single sign-on through the provider's
login page (the test authorization server's form), first as a user without an admin role
(turned away with the reason), then as one with it. With --open: a gateway without auth opens the console without a sign-in.
Prints one JSON object (what it saw) and exits 0, or prints
what failed and exits 1. With --screenshots, saves one PNG per page there.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait


def browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1366,900", "--force-device-scale-factor=1", "--lang=en-GB"):
        options.add_argument(argument)
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    return driver


class Console:
    def __init__(self, driver: webdriver.Chrome, url: str, screenshots: str | None):
        self.driver, self.url, self.screenshots = driver, url.rstrip("/"), screenshots
        self.wait = WebDriverWait(driver, 15)

    def find(self, css: str):
        return self.wait.until(ready.visibility_of_element_located((By.CSS_SELECTOR, css)))

    def text_in(self, css: str, text: str) -> str:
        self.wait.until(ready.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))
        return self.driver.find_element(By.CSS_SELECTOR, css).text

    def shot(self, name: str) -> None:
        if self.screenshots:
            os.makedirs(self.screenshots, exist_ok=True)
            # The whole page, not only the window: the tables run below the fold.
            height = self.driver.execute_script("return document.documentElement.scrollHeight")
            self.driver.set_window_size(1366, max(900, min(height + 40, 2400)))
            self.driver.save_screenshot(os.path.join(self.screenshots, f"{name}.png"))
            self.driver.set_window_size(1366, 900)

    def page(self, key: str, heading: str) -> None:
        """Switches page with the console's number keys, as a keyboard user does."""
        self.driver.find_element(By.TAG_NAME, "body").send_keys(key)
        self.text_in("main h1", heading)


def run(arguments: argparse.Namespace) -> dict:
    driver = browser()
    seen: dict = {}
    try:
        console = Console(driver, arguments.url, arguments.screenshots)
        driver.get(console.url + "/console")

        # Sign-in: a wrong key is turned away with the reason, the admin key gets in.
        key_field = console.find("#sign-in-key")
        if driver.switch_to.active_element != key_field:
            raise AssertionError("the key field does not have the focus at sign-in")
        console.shot("sign-in")
        if arguments.wrong_key:
            key_field.send_keys(arguments.wrong_key, Keys.ENTER)
            seen["wrong_key"] = console.text_in("#sign-in-status", "not accepted")
            key_field = console.find("#sign-in-key")
            key_field.clear()
        key_field.send_keys(arguments.key, Keys.ENTER)
        seen["signed_in_as"] = console.text_in("#who", "Signed in as")

        # Overview: every server ready, traffic from /metrics.
        console.text_in("main h1", "Overview")
        console.text_in("#card-servers .value", "/")
        seen["servers_ready"] = console.find("#card-servers .value").text
        seen["overview_servers"] = [row.get_attribute("data-server") for row in driver.find_elements(By.CSS_SELECTOR, "tr[data-server]")]
        seen["overview_states"] = [row.find_elements(By.TAG_NAME, "td")[1].text for row in driver.find_elements(By.CSS_SELECTOR, "tr[data-server]")]
        seen["p50"] = console.find("#card-p50 .value").text
        seen["error_rate"] = console.find("#card-errors .value").text
        console.shot("overview")
        # The next refresh (5 s) measures a rate over the interval between the two.
        seen["rate_window"] = console.text_in("#card-rate .note", "last ")

        # Catalogue: the tools an anonymous caller and a named key see.
        console.page("2", "Catalogue")
        seen["catalogue"] = console.text_in("#catalogue-summary", "tools visible to")
        seen["catalogue_tools"] = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "#catalogue-result td code")]
        console.shot("catalogue")

        # Keys: create one (the key is shown once), then revoke it.
        console.page("3", "API keys")
        console.find("#key-name").send_keys("console-made")
        console.find("#key-roles").send_keys("dev")
        console.find("#key-expires").send_keys("30d", Keys.ENTER)
        new_key = console.find("#new-key").text
        seen["created_key_prefix"] = new_key[:6]
        console.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, 'tr[data-key="console-made"]'))
        console.shot("keys")
        driver.find_element(By.CSS_SELECTOR, 'tr[data-key="console-made"] button.danger').click()
        console.wait.until(ready.alert_is_present()).accept()
        seen["revoked"] = console.text_in("#key-created", "Revoked console-made")
        console.wait.until(lambda d: "revoked" in d.find_element(By.CSS_SELECTOR, 'tr[data-key="console-made"]').text)

        # Policy dry-run: an allowed tool, then a denied one, each with its rule.
        console.page("4", "Policy dry-run")
        tool = console.find("#dry-tool")
        tool.send_keys(arguments.tool)
        arguments_field = console.find("#dry-arguments")
        arguments_field.clear()
        arguments_field.send_keys('{"a": 2, "b": 3}')
        driver.find_element(By.CSS_SELECTOR, "#dry-form button[type=submit]").click()
        console.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#dry-decision").text.strip() != "")
        seen["dry_run_allowed"] = driver.find_element(By.CSS_SELECTOR, "#dry-decision").text
        if arguments.denied_tool:
            tool.clear()
            tool.send_keys(arguments.denied_tool, Keys.ENTER)
            seen["dry_run_denied"] = console.text_in("#dry-decision", "deny")
        console.shot("policy")

        # Audit: the chain holds, and the tool's call.end records are found.
        console.page("5", "Audit trail")
        seen["chain"] = console.text_in("#audit-chain-status", "chain")
        console.find("#audit-tool").send_keys(arguments.tool)
        console.find("#audit-event").send_keys("call.end")
        driver.find_element(By.CSS_SELECTOR, "#audit-form button[type=submit]").click()
        console.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "tr.audit-row") and
                           all(arguments.tool in row.text for row in d.find_elements(By.CSS_SELECTOR, "tr.audit-row")))
        seen["audit_count"] = console.find("#audit-count").text
        rows = driver.find_elements(By.CSS_SELECTOR, "tr.audit-row")
        seen["audit_rows"] = len(rows)
        rows[0].find_element(By.CSS_SELECTOR, "button.link").send_keys(Keys.ENTER)
        details = console.find("tr.row-details pre")
        record = json.loads(details.text)
        seen["audit_record"] = {name: record.get(name) for name in ("event", "tool", "outcome", "principal", "hash")}
        console.shot("audit")

        # Connections: each server and how it is reached.
        console.page("6", "Upstream connections")
        seen["connections"] = [row.text.split("\n")[0] for row in driver.find_elements(By.CSS_SELECTOR, "main tbody tr")]
        seen["connection_labels"] = [badge.text for badge in driver.find_elements(By.CSS_SELECTOR, "main tbody tr .labels .badge")]
        console.shot("connections")

        # Guards: the demo's pins (approved on first use); without a reason nothing is decided;
        # one tool rejected and approved again, its diff shown.
        console.page("7", "Guards")
        console.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, 'tr[data-pin="clock/countdown"]'))
        seen["pins"] = sorted(row.get_attribute("data-pin") for row in driver.find_elements(By.CSS_SELECTOR, "tr[data-pin]"))
        seen["no_approvals"] = console.find("#guards-approvals").text
        driver.find_element(By.CSS_SELECTOR, 'tr[data-pin="clock/countdown"] button.danger').click()
        seen["without_reason"] = console.text_in("#guards-status", "Give a reason")
        console.find("#guards-reason").send_keys("checking the console")
        driver.find_element(By.CSS_SELECTOR, 'tr[data-pin="clock/countdown"] button.danger').click()
        seen["rejected"] = console.text_in("#guards-status", "Rejected")
        console.wait.until(lambda d: "rejected" in d.find_element(By.CSS_SELECTOR, 'tr[data-pin="clock/countdown"]').text)
        approve = [b for b in driver.find_elements(By.CSS_SELECTOR, 'tr[data-pin="clock/countdown"] button') if b.text == "Approve"]
        approve[0].click()
        seen["approved"] = console.text_in("#guards-status", "Approved")
        console.wait.until(lambda d: "approved" in d.find_element(By.CSS_SELECTOR, 'tr[data-pin="clock/countdown"]').text)
        seen["pin_state"] = driver.find_element(By.CSS_SELECTOR, 'tr[data-pin="clock/countdown"] .badge').text
        [b for b in driver.find_elements(By.CSS_SELECTOR, 'tr[data-pin="clock/add"] button') if b.text == "Diff"][0].click()
        seen["diff"] = console.find("#guards-diff").text
        console.shot("guards")

        # Sign out: back to the sign-in form, and the key is gone from the tab.
        driver.find_element(By.ID, "sign-out").click()
        console.find("#sign-in-key")
        seen["token_after_sign_out"] = driver.execute_script("return sessionStorage.getItem('switchboard.console.token')")
        return seen
    except TimeoutException as error:
        body = driver.find_element(By.TAG_NAME, "body").text[:2000]
        logs = ""
        try:
            logs = json.dumps(driver.get_log("browser"))[:2000]
        except Exception:  # noqa: BLE001 - not every driver keeps logs
            pass
        raise AssertionError(f"timed out ({error.msg}); saw so far {json.dumps(seen)}; page: {body}; console log: {logs}") from error
    finally:
        driver.quit()


def run_sso(arguments: argparse.Namespace) -> dict:
    driver = browser()
    seen: dict = {}
    try:
        console = Console(driver, arguments.url, arguments.screenshots)

        def sign_in_as(user: str) -> None:
            driver.get(console.url + "/console")
            button = console.find("#sign-in-oidc")
            if "provider_page" not in seen:
                console.shot("sign-in-sso")
            button.click()
            field = console.find("input[name=user]")  # the provider's login page
            seen.setdefault("provider_page", driver.current_url.split("?")[0])
            field.send_keys(user, Keys.ENTER)

        if arguments.sso_refused_user:
            sign_in_as(arguments.sso_refused_user)
            seen["refused"] = console.text_in("#sign-in-status", "admin role")
        sign_in_as(arguments.sso_user)
        seen["signed_in_as"] = console.text_in("#who", "Signed in as")
        console.text_in("main h1", "Overview")
        seen["address_after"] = driver.current_url
        seen["servers_ready"] = console.find("#card-servers .value").text
        console.shot("overview-sso")
        return seen
    except TimeoutException as error:
        body = driver.find_element(By.TAG_NAME, "body").text[:2000]
        raise AssertionError(f"timed out ({error.msg}) at {driver.current_url}; saw so far {json.dumps(seen)}; page: {body}") from error
    finally:
        driver.quit()


def run_open(arguments: argparse.Namespace) -> dict:
    driver = browser()
    try:
        console = Console(driver, arguments.url, arguments.screenshots)
        driver.get(console.url + "/console")
        seen = {"who": console.text_in("#who", "Open:")}
        console.text_in("main h1", "Overview")
        seen["sign_out_shown"] = driver.find_element(By.ID, "sign-out").is_displayed()
        seen["sign_in_form"] = bool(driver.find_elements(By.ID, "sign-in-key"))
        if arguments.approval:
            # The page a held call's URL elicitation links to: that request first, decided here.
            driver.get(console.url + "/console#/guards?approval=" + arguments.approval)
            driver.refresh()
            seen["approval"] = console.text_in("#guards-focus", "Approval " + arguments.approval)
            seen["approval_row"] = console.find("#guards-approvals tr.focus").get_attribute("data-approval")
            console.find("#guards-reason").send_keys("seen in the console")
            console.find("#guards-focus button.quiet").click()
            seen["approve_status"] = console.find("#guards-status .alert").text
            console.shot("approval")
        return seen
    except TimeoutException as error:
        raise AssertionError(f"timed out ({error.msg}); page: {driver.find_element(By.TAG_NAME, 'body').text[:2000]}") from error
    finally:
        driver.quit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--key")
    parser.add_argument("--tool")
    parser.add_argument("--sso-user")
    parser.add_argument("--sso-refused-user")
    parser.add_argument("--open", action="store_true")
    parser.add_argument("--approval", help="with --open: open this approval's page and approve it")
    parser.add_argument("--denied-tool")
    parser.add_argument("--wrong-key")
    parser.add_argument("--screenshots")
    arguments = parser.parse_args()
    started = time.monotonic()
    if not arguments.sso_user and not arguments.open and not (arguments.key and arguments.tool):
        parser.error("give --key and --tool, --sso-user, or --open")
    try:
        seen = run_open(arguments) if arguments.open else run_sso(arguments) if arguments.sso_user else run(arguments)
    except AssertionError as error:
        print(f"console_browser: {error}", file=sys.stderr)
        return 1
    seen["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(seen))
    return 0


if __name__ == "__main__":
    sys.exit(main())
