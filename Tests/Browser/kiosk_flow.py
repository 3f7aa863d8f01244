#!/usr/bin/env python3
"""A student at the classroom kiosk, in a real browser: headless Chromium driven by Selenium through
Debian's chromedriver, against `folio serve --kiosk`.

Tests/FolioWebTests/BrowserKioskTests.swift runs it one phase at a time, changing the workspaces with the
folio binary in between (sync over the stick, the teacher certifying at the office):

  upload   signs in, picks 課程學習成果, term 113-1 and course 物理 from the lists, types a Chinese
           description while the live counter follows it (2 / 100 字, then 6 / 100 字), sends the PDF,
           sees the item listed as 已上傳, signs out; the visit is gone after.
  refused  signs in and picks a PNG renamed to .pdf: the page's own warning shows before anything is sent
           and the browser holds the form back; sent anyway (as a browser without the script would), the
           server answers with its refusal page, and the list of items is as it was.
  certify  (at the office's review desk, --student being the teacher and --secret the passphrase) the
           teacher signs in, finds the item waiting, opens it (its PDF shown in a frame, answering with its
           checked type), certifies it and signs out.
  select   signs in, sees the item 已認證, presses 勾選 and sees 已勾選 1/6; then leaves the kiosk alone
           until the page signs itself out (the browser's clock is run ahead, not waited for).

Every step leaves a screenshot in --shots that must not be blank, and its page text must hold the
expected Chinese. A Content-Security-Policy violation or a script error in the browser's console fails
the run. Prints one line per step (`ITEM <id>` for the uploaded item); exits 0 when everything held,
1 with the reason when not, 2 when the browser, its driver, Selenium or the CJK fonts are missing.
"""
import argparse
import os
import shutil
import signal
import struct
import subprocess
import sys
import time
import zlib
from collections import Counter
from urllib.parse import urlparse

# Selenium Manager must never look for a driver on the network: the driver is Debian's chromedriver.
os.environ["SE_OFFLINE"] = "true"
try:
    from selenium import webdriver
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:  # said by missing(), with how to install it
    webdriver = None

CHROMEDRIVER = "/usr/bin/chromedriver"
DESCRIPTION = "擺錘實驗報告"
WAIT = 30  # seconds for any one thing to show (each takes well under one, but CI runs many tests at once)


def missing():
    """What this machine lacks to run the browser, each with how to get it."""
    lacks = []
    if not shutil.which("chromium"):
        lacks.append("chromium")
    if not os.access(CHROMEDRIVER, os.X_OK):
        lacks.append(CHROMEDRIVER + " (chromium-driver)")
    if webdriver is None:
        lacks.append("Selenium (python3 -m pip install selenium)")
    fonts = subprocess.run(["fc-list"], capture_output=True, text=True).stdout if shutil.which("fc-list") else ""
    if "Noto Sans CJK" not in fonts:
        # Without them every Chinese character is a box, and the page text would still read correctly.
        lacks.append("fonts-noto-cjk")
    return lacks


class Failed(Exception):
    pass


def png_profile(data):
    """Width, height, distinct colours and the share of pixels that are not the most common colour,
    from a PNG decoded here (zlib and the five row filters), so no image library is needed."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise Failed("the screenshot is not a PNG")
    pos, idat = 8, b""
    while pos < len(data):
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + size]
        pos += 12 + size
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
    if depth != 8 or colour not in (2, 6):
        raise Failed(f"unexpected PNG format (depth {depth}, colour type {colour})")
    bpp = 3 if colour == 2 else 4
    stride = width * bpp
    raw = zlib.decompress(idat)
    # Byte-wise addition modulo 256 of whole rows at once, on big integers (the Up and Sub filters are
    # most rows of a screenshot; undoing them byte by byte in Python would take seconds per picture).
    high, low = int.from_bytes(b"\x80" * stride, "big"), int.from_bytes(b"\x7f" * stride, "big")

    def add(a, b):
        return ((a & low) + (b & low)) ^ ((a ^ b) & high)

    previous, rows = bytes(stride), []
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], raw[start + 1:start + 1 + stride]
        if kind == 0:
            row = line
        elif kind == 2:
            row = add(int.from_bytes(line, "big"), int.from_bytes(previous, "big")).to_bytes(stride, "big")
        elif kind == 1:
            # A running sum per channel from the left: doubling steps over whole rows.
            total, shift = int.from_bytes(line, "big"), bpp
            while shift < stride:
                total = add(total, total >> (8 * shift))
                shift *= 2
            row = total.to_bytes(stride, "big")
        else:
            out = bytearray(line)
            for i in range(stride):
                a = out[i - bpp] if i >= bpp else 0
                b = previous[i]
                if kind == 3:
                    out[i] = (out[i] + (a + b) // 2) & 255
                else:
                    c = previous[i - bpp] if i >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    out[i] = (out[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            row = bytes(out)
        rows.append(row)
        previous = row
    colours = Counter()
    for row in rows[::2]:
        colours.update(zip(row[0::bpp], row[1::bpp], row[2::bpp]))
    pixels = sum(colours.values())
    return width, height, len(colours), 1 - colours.most_common(1)[0][1] / pixels


class Kiosk:
    """One browser at the kiosk, and the checks every step makes."""

    def __init__(self, url, shots, phase):
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium")
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1366,768", "--lang=zh-TW", "--hide-scrollbars"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
        self.driver.set_page_load_timeout(WAIT * 2)
        self.url = url.rstrip("/")
        self.shots = shots
        self.phase = phase
        self.steps = 0

    def quit(self):
        self.driver.quit()

    # Finding and waiting.
    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def until(self, condition, what):
        try:
            return WebDriverWait(self.driver, WAIT, poll_frequency=0.1).until(lambda _: condition())
        except TimeoutException:
            raise Failed(f"{what} (waited {WAIT} s; at {self.driver.current_url}; page: {self.text()[:400]!r})")

    def path(self):
        return urlparse(self.driver.current_url).path

    def at(self, path):
        def arrived():
            # A refusal page on the way fails now, with its words, rather than after the wait.
            if self.path() != path and self.driver.find_elements(By.CSS_SELECTOR, "section.refused"):
                raise Failed(f"refused on the way to {path}: {self.text()[:400]!r}")
            return self.path() == path and self.driver.execute_script("return document.readyState") == "complete"
        self.until(arrived, f"the browser did not reach {path}")

    def go(self, action, path):
        """Does `action` (a click, a form sent) and waits for the next page, at `path`, to have loaded:
        the old page must be gone first, since the next one may have the same path."""
        old = self.find("html")
        action()
        self.until(lambda: gone(old), f"the page did not change (expected {path})")
        self.at(path)

    def click(self, css, path):
        self.go(lambda: self.find(css).click(), path)

    def text(self):
        try:
            return self.driver.find_element(By.TAG_NAME, "body").text
        except Exception:
            return ""

    def open(self, path):
        self.driver.get(self.url + path)

    # What every step checks, and its screenshot.
    def console(self, allowed=()):
        """The browser's console since the last look: a CSP violation or a script error fails the step;
        a refused request is expected only where the step says so (`allowed` statuses)."""
        bad = []
        for entry in self.driver.get_log("browser"):
            message = entry.get("message", "")
            if "Content Security Policy" in message or "Content-Security-Policy" in message:
                bad.append(message)
            elif entry.get("level") == "SEVERE":
                if "Failed to load resource" in message and ("favicon.ico" in message or any(
                        f"status of {status}" in message for status in allowed)):
                    continue
                bad.append(message)
        if bad:
            raise Failed("the browser's console: " + " | ".join(bad))

    def step(self, name, *texts, allowed=(), show=None):
        """A screenshot of this step, checked not to be blank, with every one of `texts` on the page;
        `show`, an element the picture should hold, is scrolled into view first."""
        self.steps += 1
        if show is not None:
            element = self.find(show) if isinstance(show, str) else show
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'nearest'})", element)
        body = self.text()
        lacking = [t for t in texts if t not in body]
        shot = os.path.join(self.shots, f"{self.phase}-{self.steps:02d}-{name}.png")
        png = self.driver.get_screenshot_as_png()
        with open(shot, "wb") as out:
            out.write(png)
        if lacking:
            raise Failed(f"step {name}: the page lacks {lacking} (page: {body[:600]!r}; screenshot {shot})")
        width, height, colours, ink = png_profile(png)
        # A page of ours has the blue bar, text and borders; a blank or unstyled page has one or two colours.
        if colours < 16 or ink < 0.03:
            raise Failed(f"step {name}: the screenshot looks blank ({colours} colours, {ink:.1%} not background; {shot})")
        self.console(allowed)
        print(f"ok {self.phase} {name}: {width}×{height}, {colours} colours, {ink:.0%} not background, {os.path.basename(shot)}")


def sign_in(kiosk, number, secret):
    kiosk.open("/")
    kiosk.at("/signin")
    # The console catches a CSP violation: an inline script (which the pages' policy forbids) is refused
    # and said there. Without this, a console that says nothing would look like a policy kept.
    kiosk.driver.execute_script("const s = document.createElement('script'); s.textContent = 'window.inlineRan = 1';"
                                " document.head.appendChild(s);")
    if kiosk.driver.execute_script("return window.inlineRan === 1"):
        raise Failed("an inline script ran: the page's Content-Security-Policy is not enforced")
    if not any("Content Security Policy" in e.get("message", "") for e in kiosk.driver.get_log("browser")):
        raise Failed("the console did not report the refused inline script, so it cannot be trusted to report others")
    kiosk.step("signin", "學生登入", "學號", "學生密碼")
    kiosk.find("#number").send_keys(number)
    kiosk.find("#secret").send_keys(secret)
    kiosk.click("section.signin button[type=submit]", "/me")


def sign_out(kiosk):
    kiosk.click("#signout button", "/signin")
    kiosk.step("signed-out", "已登出。下一位同學可以登入了。")
    # The visit is over on the server too: the student's page now sends to sign-in.
    kiosk.open("/me")
    kiosk.at("/signin")


def gone(element):
    """Whether `element` belonged to a page the browser has left."""
    try:
        element.tag_name
        return False
    except (StaleElementReferenceException, WebDriverException):
        # While a page is being replaced Chromium may also answer "Node with given id does not belong to the
        # document" (a plain WebDriverException): the element's page is going, which is all this asks.
        return True


def item_ids(kiosk):
    return sorted(row.get_attribute("data-item") for row in kiosk.driver.find_elements(By.CSS_SELECTOR, "tr[data-item]"))


def item_row(kiosk, description):
    for row in kiosk.driver.find_elements(By.CSS_SELECTOR, "tr[data-item]"):
        cells = row.find_elements(By.TAG_NAME, "td")
        if len(cells) > 1 and cells[1].text == description:
            return row
    return None


def choose_course_outcome(kiosk, description):
    """The upload form for 課程學習成果 in 113-1, course 物理, with `description` typed in."""
    kiosk.click("a.button[href='/me/upload']", "/me/upload")
    Select(kiosk.find("#category")).select_by_visible_text("課程學習成果")
    Select(kiosk.find("#term")).select_by_visible_text("113 學年度第 1 學期")
    kiosk.click("form.step button[type=submit]", "/me/upload")
    kiosk.until(lambda: "課程學習成果　113 學年度第 1 學期" in kiosk.find("h2").text, "the form did not turn to 113-1's course outcomes")
    courses = Select(kiosk.find("#course"))
    physics = [o.text for o in courses.options if o.text.startswith("物理（")]
    if not physics:
        raise Failed(f"物理 is not among the courses: {[o.text for o in courses.options]}")
    courses.select_by_visible_text(physics[0])
    box, counter = kiosk.find("#description"), kiosk.find("#description-count")
    # Typed in two goes: the counter follows each (the script counts characters, not bytes).
    box.send_keys(description[:2])
    kiosk.until(lambda: counter.text == "2 / 100 字", f"the counter did not say 2 / 100 字 (it says {counter.text!r})")
    box.send_keys(description[2:])
    expected = f"{len(description)} / 100 字"
    kiosk.until(lambda: counter.text == expected, f"the counter did not say {expected} (it says {counter.text!r})")


def upload(kiosk, args):
    sign_in(kiosk, args.student, args.secret)
    kiosk.step("home", "我的學習歷程檔案", args.student, "上傳新成果")
    choose_course_outcome(kiosk, DESCRIPTION)
    kiosk.find("#file").send_keys(args.pdf)
    kiosk.step("form", "上傳新成果", "6 / 100 字", "可上傳 PDF", show="#upload button[type=submit]")
    problem = kiosk.find("#file-problem")
    if problem.is_displayed():
        raise Failed(f"the page warns about a good PDF: {problem.text!r}")
    kiosk.click("#upload button[type=submit]", "/me")
    row = kiosk.until(lambda: item_row(kiosk, DESCRIPTION), "the new item is not listed")
    for expected in ("課程學習成果", "物理（", os.path.basename(args.pdf), "已上傳"):
        if expected not in row.text:
            raise Failed(f"the item's row lacks {expected!r}: {row.text!r}")
    kiosk.step("uploaded", f"已上傳「{DESCRIPTION}」，等待任課教師認證", "已勾選 0/6", "已上傳", show=row)
    print("ITEM", row.get_attribute("data-item"))
    sign_out(kiosk)


def refused(kiosk, args):
    sign_in(kiosk, args.student, args.secret)
    before = item_ids(kiosk)
    choose_course_outcome(kiosk, "力學報告")
    kiosk.find("#file").send_keys(args.fake)
    problem = kiosk.find("#file-problem")
    name = os.path.basename(args.fake)
    kiosk.until(lambda: problem.is_displayed(), "the page did not warn about the renamed picture")
    if f"「{name}」的內容不是 PDF" not in problem.text:
        raise Failed(f"the warning does not name the file: {problem.text!r}")
    kiosk.step("warned", f"「{name}」的內容不是 PDF、JPG、PNG、MP3 或 MP4", show="#upload button[type=submit]")
    # The browser holds the form back while the warning stands: the page is still there a moment later.
    page = kiosk.find("html")
    kiosk.find("#upload button[type=submit]").click()
    time.sleep(0.5)
    if gone(page) or kiosk.driver.execute_script("return document.getElementById('file').validity.valid"):
        raise Failed("the form went with a file the page had warned about")
    # Sent anyway, as a browser without the script would: form.submit() skips the browser's own checks.
    kiosk.go(lambda: kiosk.driver.execute_script("document.getElementById('upload').submit()"), "/me/upload")
    kiosk.until(lambda: "無法完成" in kiosk.text(), "no refusal page after sending the renamed picture")
    kiosk.step("refused", "無法完成", name, "PNG", "這次操作沒有改變任何資料。", "回首頁", allowed=("422",))
    kiosk.click("section.refused a.button", "/me")
    after = item_ids(kiosk)
    if after != before or item_row(kiosk, "力學報告"):
        raise Failed(f"the list of items changed after a refused upload: {before} → {after}")
    kiosk.step("unchanged", DESCRIPTION)
    sign_out(kiosk)


def select(kiosk, args):
    sign_in(kiosk, args.student, args.secret)
    row = kiosk.until(lambda: item_row(kiosk, DESCRIPTION), "the item is not listed")
    if "已認證" not in row.text:
        raise Failed(f"the item is not shown as certified: {row.text!r}")
    kiosk.step("certified", "已認證", "已勾選 0/6", show=row)
    kiosk.go(lambda: row.find_element(By.CSS_SELECTOR, "form[action='/me/select'] button[type=submit]").click(), "/me")
    kiosk.until(lambda: "已勾選 1/6" in kiosk.text(), "the count did not become 已勾選 1/6")
    row = item_row(kiosk, DESCRIPTION)
    if "已勾選" not in row.text or "取消勾選" not in row.text:
        raise Failed(f"the item's row does not show it selected: {row.text!r}")
    kiosk.step("selected", f"已勾選「{DESCRIPTION}」。", "已勾選 1/6", show=row)
    # Left alone: the page signs itself out after the idle time (here one minute), not before. Rather than
    # wait a minute, the browser's timers run 30 times faster from the next page on (a script the browser
    # adds to every new document, before the page's own; the page's script is as served). Chromium's
    # virtual time would be neater, but it stalls loading the page after the sign-out.
    kiosk.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": (
        "const setTimeoutAsServed = window.setTimeout;"
        "window.setTimeout = (f, ms, ...rest) => setTimeoutAsServed(f, (ms || 0) / 30, ...rest);")})
    opened = time.monotonic()
    kiosk.open("/me")
    # Signed out by the page's own form, not sent to sign-in for want of a visit: that has no `out=1`.
    kiosk.until(lambda: kiosk.driver.current_url.endswith("/signin?out=1"), "the idle page did not sign itself out")
    kiosk.at("/signin")
    # A little more than the page waited (its timer started once it had loaded), in page time.
    idle = (time.monotonic() - opened) * 30
    if idle < 45:
        raise Failed(f"the page signed out after {idle:.0f} s of page time, before its idle minute was up")
    kiosk.step("idle-signed-out", "已登出。下一位同學可以登入了。")
    kiosk.open("/me")
    kiosk.until(lambda: kiosk.path() == "/signin", "the student's page is still open after the idle sign-out")


def certify(desk, args):
    """The teacher at the office's review desk: --student is the teacher, --secret the key's passphrase."""
    desk.open("/")
    desk.at("/signin")
    desk.step("staff-signin", "教職員登入", "通關密語")
    Select(desk.find("#person")).select_by_value(args.student)
    desk.find("#passphrase").send_keys(args.secret)
    desk.click("section.signin button[type=submit]", "/review")
    row = desk.until(lambda: next((r for r in desk.driver.find_elements(By.CSS_SELECTOR, "tr[data-item]")
                                   if r.get_attribute("data-item") == args.item), None), "the item does not wait for the teacher")
    desk.step("review-list", "待認證的課程學習成果", DESCRIPTION, show=row)
    desk.go(lambda: row.find_element(By.CSS_SELECTOR, "a.button").click(), f"/review/item/{args.owner}/{args.item}")
    source = desk.find("figure.file iframe").get_attribute("src")
    desk.step("review-item", DESCRIPTION, "認證", "退回原因", show="form[action='/review/decide'] button")
    # The frame's file is the PDF the student sent, with its checked type (the pages' policy lets no script of
    # theirs fetch it, so the browser opens it as the frame does).
    desk.driver.get(source)
    kind = desk.driver.execute_script("return document.contentType")
    if kind != "application/pdf":
        raise Failed(f"the item's file came as {kind!r}")
    desk.driver.back()
    desk.at(f"/review/item/{args.owner}/{args.item}")
    desk.click("form[action='/review/decide'] input[value=certify] ~ button", "/review")
    desk.step("review-certified", f"已認證 {args.owner}「{DESCRIPTION}」。")
    desk.click("#signout button", "/signin")
    desk.step("staff-signed-out", "已登出。")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("phase", choices=["upload", "refused", "certify", "select"])
    parser.add_argument("--url", required=True, help="the kiosk's address, as `folio serve` printed it")
    parser.add_argument("--student", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--shots", required=True, help="folder for the screenshots")
    parser.add_argument("--pdf", help="the PDF to upload (upload)")
    parser.add_argument("--fake", help="a PNG renamed to .pdf (refused)")
    parser.add_argument("--item", help="the item to certify (certify)")
    parser.add_argument("--owner", help="the student whose item it is (certify)")
    args = parser.parse_args()
    lacks = missing()
    if lacks:
        print("kiosk_flow: cannot run the browser; missing: " + ", ".join(lacks) + ". Run ./Scripts/install-deps --tests.")
        return 2
    os.makedirs(args.shots, exist_ok=True)
    # Stopped by the test's watchdog: still quit the browser (the `finally` below), leaving no Chromium behind.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    kiosk = Kiosk(args.url, args.shots, args.phase)
    try:
        {"upload": upload, "refused": refused, "certify": certify, "select": select}[args.phase](kiosk, args)
    except Failed as failure:
        print(f"FAILED {args.phase}: {failure}")
        return 1
    except Exception as error:  # Selenium's own (no such element, a browser that died): still one clear line
        first = (str(error).strip().splitlines() or [""])[0]
        print(f"FAILED {args.phase}: {type(error).__name__}: {first}")
        return 1
    finally:
        kiosk.quit()
    print(f"done {args.phase}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
