"""Drives the dashboard in headless Chromium as a person would (Selenium + Debian's
chromium-driver): signs in with the admin token, reads the fixture page, records a
cleaning through the maintenance form, and takes screenshots.

usage: dashboard.py BASE_URL TOKEN_FILE FIXTURE_ID OUT_DIR
Prints one JSON object of what it saw; the Rust test asserts on it.
"""
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

base, token_file, fixture, out = sys.argv[1:5]
token = open(token_file).read().strip()

opts = webdriver.ChromeOptions()
opts.binary_location = "/usr/bin/chromium"
for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1200,1600",
          "--disable-dev-shm-usage", "--force-device-scale-factor=1"]:
    opts.add_argument(a)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
driver.set_page_load_timeout(60)
seen = {}


def submit(css):
    """Clicks a form's button and waits until the browser has left the page (a read of
    the body before that could see the old page or a stale element)."""
    old_body = driver.find_element(By.TAG_NAME, "body")
    driver.find_element(By.CSS_SELECTOR, css).click()
    WebDriverWait(driver, 60).until(expected_conditions.staleness_of(old_body))


try:
    driver.get(base + "/")
    seen["redirected_to_login"] = driver.current_url.endswith("/login")
    driver.find_element(By.NAME, "token").send_keys(token)
    submit("form[action='/login'] button")
    seen["index_text"] = driver.find_element(By.TAG_NAME, "body").text
    driver.save_screenshot(out + "/index.png")

    driver.get(base + "/fixtures/" + fixture)
    body = driver.find_element(By.TAG_NAME, "body")
    seen["fixture_text"] = body.text
    seen["svg_count"] = len(driver.find_elements(By.TAG_NAME, "svg"))
    seen["map_dots"] = len(driver.find_elements(By.CSS_SELECTOR, "svg[aria-label='probe map'] circle"))
    seen["wear_charts"] = len(driver.find_elements(By.CSS_SELECTOR, "svg[aria-label^='wear of']"))
    seen["page_source_has_token"] = token in driver.page_source
    # The whole page in one picture (the page itself needs no script).
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(1200, min(int(height) + 100, 12000))
    driver.save_screenshot(out + "/fixture.png")
    driver.set_window_size(1200, 1600)

    Select(driver.find_element(By.NAME, "kind")).select_by_value("clean")
    Select(driver.find_element(By.NAME, "probe")).select_by_value("P3")
    driver.find_element(By.NAME, "note").send_keys("cleaned in the browser test")
    submit("form[action$='/maintenance'] button")
    seen["after_form_url"] = driver.current_url
    seen["after_form_text"] = driver.find_element(By.TAG_NAME, "body").text
    driver.save_screenshot(out + "/after-maintenance.png")

    driver.get(base + "/stations")
    seen["stations_text"] = driver.find_element(By.TAG_NAME, "body").text
    driver.get(base + "/maintenance")
    seen["log_text"] = driver.find_element(By.TAG_NAME, "body").text
finally:
    driver.quit()
print(json.dumps(seen))
