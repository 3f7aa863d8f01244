#!/usr/bin/env python3
"""Screenshots of folio's pages for Docs/pages.md and the role pages, taken in headless Chromium at 1366×768.

Scripts/screenshots runs this once per desk, with the desk's pages already started by `folio serve` over a copy of
the sample school, and moves the workspaces with the folio binary in between. The browser itself, the waits and
the checks come from Tests/Browser/kiosk_flow.py (the kiosk's browser test): every picture must not be blank, and a
Content-Security-Policy violation or a script error in the browser's console stops the run.

  kiosk    the student sign-in; 112001's page (certified and selected items); 112002's upload form with the
           description's counter and a PDF chosen, then sent.
  office   the staff sign-in; R01's sync with the stick folder; the school's status for class 201; a report.
  returned 112020's page at the kiosk the day after: an item returned by the teacher, with the reason.
  review   T001 on their laptop: what waits, and the item 112002 sent with its PDF shown in place.
  receipt  112001 at the kiosk in the confirmation period: the receipt (收訖明細), its file codes, and the doubt form.
"""
import argparse
import os
import sys
import time
from urllib.parse import urlparse

# Importing the test module must leave no __pycache__ in the repository.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Browser"))
import kiosk_flow  # noqa: E402  (after the path: the browser, its waits and checks are the test's)
from kiosk_flow import Failed  # noqa: E402

try:
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
except ImportError:  # kiosk_flow.missing() says how to install it
    By = Select = WebDriverException = None

WIDTH, HEIGHT = 1366, 768
# Chromium on Linux takes the language of its own words (the file chooser's button, the PDF viewer's tools) from
# the environment, not from --lang; they are Chinese only with Debian's chromium-l10n installed.
os.environ["LANGUAGE"] = "zh_TW"
ZH_TW = "/usr/lib/chromium/locales/zh-TW.pak"
UPLOAD = "擺錘實驗報告"


class Desk(kiosk_flow.Kiosk):
    """A browser at one desk whose viewport is exactly 1366×768 (the window's own size also holds its frame)."""

    def __init__(self, url, out):
        super().__init__(url, out, "docs")
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})

    def go(self, action, path):
        """As the test's, but an element of the page left behind may also be said to "not belong to the document"
        (seen after the page with the PDF viewer), which means gone as well."""
        old = self.find("html")
        action()
        self.until(lambda: left(old), f"the page did not change (expected {path})")
        self.at(path)

    def shot(self, name, *texts, top=None, settle=0):
        """`name`.png in the output folder, with `texts` on the page; `top`, an element to scroll to the top first."""
        if top is not None:
            element = self.find(top) if isinstance(top, str) else top
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -12)", element)
        else:
            self.driver.execute_script("window.scrollTo(0, 0)")
        if settle:
            time.sleep(settle)
        body = self.text()
        lacking = [t for t in texts if t not in body]
        if lacking:
            raise Failed(f"{name}: the page lacks {lacking} (page: {body[:600]!r})")
        png = self.driver.get_screenshot_as_png()
        width, height, colours, ink = kiosk_flow.png_profile(png)
        if (width, height) != (WIDTH, HEIGHT) or colours < 16 or ink < 0.03:
            raise Failed(f"{name}: {width}×{height}, {colours} colours, {ink:.1%} not background")
        self.console()
        with open(os.path.join(self.shots, name + ".png"), "wb") as out:
            out.write(png)
        print(f"  {name}.png")

    def sign_in_student(self, number, secret):
        self.open("/signin")
        self.at("/signin")
        self.find("#number").send_keys(number)
        self.find("#secret").send_keys(secret)
        self.click("section.signin button[type=submit]", "/me")

    def sign_in_staff(self, person, passphrase, lands):
        self.open("/signin")
        self.at("/signin")
        Select(self.find("#person")).select_by_value(person)
        self.find("#passphrase").send_keys(passphrase)
        self.click("section.signin button[type=submit]", lands)

    def sign_out(self):
        self.click("#signout button", "/signin")


def left(element):
    """Whether `element` belonged to a page the browser has left."""
    try:
        element.tag_name
        return False
    except WebDriverException:  # stale, or no longer in any document
        return True


def row_of(desk, description):
    return desk.until(lambda: kiosk_flow.item_row(desk, description), f"「{description}」 is not listed")


def kiosk(desk, args):
    desk.open("/signin")
    desk.at("/signin")
    desk.find("#number").send_keys("112001")
    desk.find("#secret").send_keys(args.secret["112001"])
    desk.shot("kiosk-signin", "學生登入", "學號", "學生密碼")
    desk.click("section.signin button[type=submit]", "/me")
    desk.shot("kiosk-student", "我的學習歷程檔案", "已勾選 1/6", "已認證")
    desk.sign_out()

    desk.sign_in_student("112002", args.secret["112002"])
    desk.click("a.button[href='/me/upload']", "/me/upload")
    Select(desk.find("#category")).select_by_visible_text("課程學習成果")
    Select(desk.find("#term")).select_by_visible_text("113 學年度第 1 學期")
    desk.click("form.step button[type=submit]", "/me/upload")
    courses = Select(desk.find("#course"))
    courses.select_by_visible_text(next(o.text for o in courses.options if o.text.startswith("物理（PHY-11A")))
    desk.find("#description").send_keys(UPLOAD)
    counter = desk.find("#description-count")
    desk.until(lambda: counter.text == f"{len(UPLOAD)} / 100 字", "the counter did not follow the description")
    desk.find("#file").send_keys(args.pdf)
    desk.shot("kiosk-upload", "上傳新成果", f"{len(UPLOAD)} / 100 字", top="h2")
    desk.click("#upload button[type=submit]", "/me")
    row_of(desk, UPLOAD)
    desk.sign_out()


def returned(desk, args):
    desk.sign_in_student("112020", args.secret["112020"])
    desk.shot("kiosk-returned", "已退回", "退回原因：" + args.reason)
    desk.sign_out()


def office(desk, args):
    desk.open("/signin")
    desk.at("/signin")
    Select(desk.find("#person")).select_by_value("R01")
    desk.find("#passphrase").send_keys(args.passphrase)
    desk.shot("staff-signin", "教職員登入", "通關密語")
    desk.click("section.signin button[type=submit]", "/office")

    desk.click("header nav a[href='/office/sync']", "/office/sync")
    desk.find("#folder").send_keys(args.stick)
    desk.click("form.step button[type=submit]", "/office/sync")
    desk.shot("office-sync", "同步完成", "匯入", "寫出")

    desk.click("header nav a[href='/office']", "/office")
    Select(desk.find("#class")).select_by_value("201")
    desk.click("form.filters button[type=submit]", "/office")
    desk.shot("office-status", "符合的學生 2 位", "112002")

    desk.click("header nav a[href='/office/reports']", "/office/reports")
    desk.shot("office-report", "未認證", "PHY-11A")
    desk.sign_out()


def review(desk, args):
    desk.sign_in_staff("T001", args.passphrase, "/review")
    desk.shot("review-list", "待認證的課程學習成果", UPLOAD)
    link = row_of(desk, UPLOAD).find_element(By.CSS_SELECTOR, "a.button")
    desk.go(link.click, urlparse(link.get_attribute("href")).path)
    # The PDF is drawn by the browser's own viewer inside the frame: give it a moment after the page has loaded.
    desk.shot("review-item", UPLOAD, "檔案代碼", "認證", "退回", top="h1", settle=2)
    desk.sign_out()


def receipt(desk, args):
    desk.sign_in_student("112001", args.secret["112001"])
    desk.find("section .receipt details summary").click()
    desk.shot("kiosk-receipt", "收訖明細", "確認無誤", "疑義說明", top=desk.find(".receipt").find_element(By.XPATH, ".."))
    desk.sign_out()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("desk", choices=["kiosk", "returned", "office", "review", "receipt"])
    parser.add_argument("--url", required=True, help="the address `folio serve` printed")
    parser.add_argument("--out", required=True, help="the folder for the pictures")
    parser.add_argument("--secrets", help="the sample's keys/student-secrets.tsv")
    parser.add_argument("--passphrase", default="demo")
    parser.add_argument("--reason", help="the return reason 112020's page shows (kiosk)")
    parser.add_argument("--pdf", help="the PDF 112002 uploads (kiosk)")
    parser.add_argument("--stick", help="the stick's folder (office)")
    args = parser.parse_args()
    lacks = kiosk_flow.missing()
    if lacks:
        print("screenshots: cannot run the browser; missing: " + ", ".join(lacks) + ". Run ./Scripts/install-deps --tests.")
        return 2
    if not os.path.exists(ZH_TW):
        print("screenshots: chromium-l10n is not installed, so the browser's own buttons show in English "
              "(apt-get install chromium-l10n).")
    args.secret = {}
    if args.secrets:
        with open(args.secrets, encoding="utf-8") as table:
            args.secret = dict(line.rstrip("\n").split("\t")[:2] for line in table if "\t" in line)
    desk = Desk(args.url, args.out)
    try:
        {"kiosk": kiosk, "returned": returned, "office": office, "review": review, "receipt": receipt}[args.desk](desk, args)
    except Failed as failure:
        print(f"FAILED {args.desk}: {failure}")
        return 1
    except Exception as error:  # Selenium's own (no such element, a browser that died): one clear line
        first = (str(error).strip().splitlines() or [""])[0]
        print(f"FAILED {args.desk}: {type(error).__name__}: {first} (at {desk.driver.current_url})")
        return 1
    finally:
        desk.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
