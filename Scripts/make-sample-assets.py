#!/usr/bin/env python3
"""Regenerates SampleWorkspace/assets/: small, fictional portfolio files for demos and manual tests.

PDFs and PNGs are written by hand (standard library only). The JPEG, MP3s and MP4 need ffmpeg
(Debian: apt-get install ffmpeg). Only the committed files matter: the Swift build never runs this.

Usage: python3 Scripts/make-sample-assets.py   (from the repository root)
"""
import math
import os
import shutil
import struct
import subprocess
import tempfile
import zlib

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "SampleWorkspace", "assets")


# ---------- PDF ----------

def pdf_escape(text):
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def write_pdf(path, title, lines, drawing=""):
    """One A4 page. Text in the 14 standard fonts with WinAnsiEncoding (so the em dash works); every reader
    has those fonts, so nothing is embedded and the file stays tiny. The xref table has exact byte offsets."""
    content = ["BT", "/F1 20 Tf", "56 770 Td", f"({pdf_escape(title)}) Tj", "ET"]
    y = 730
    for size, text in lines:
        font = "/F1" if size >= 14 else "/F2"
        content += ["BT", f"{font} {size} Tf", f"56 {y} Td", f"({pdf_escape(text)}) Tj", "ET"]
        y -= size + 10
    content.append(drawing)
    stream = "\n".join(content).encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Title (" + pdf_escape(title).encode("cp1252") + b") /Producer (folio sample generator) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 7 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    with open(path, "wb") as f:
        f.write(out)


def pendulum_graph():
    """A small line graph: period against length, drawn with PDF path operators."""
    ops = ["0.6 w", "56 400 m 356 400 l S", "56 400 m 56 600 l S", "0 0 0.7 RG", "1.5 w"]
    points = [(0.2, 0.90), (0.4, 1.27), (0.6, 1.55), (0.8, 1.79), (1.0, 2.01)]
    for i, (length, period) in enumerate(points):
        x, y = 56 + length * 280, 400 + period * 90
        ops.append(f"{x:.1f} {y:.1f} {'m' if i == 0 else 'l'}")
    ops.append("S")
    ops += ["BT", "/F2 10 Tf", "200 385 Td", "(length / m) Tj", "ET",
            "BT", "/F2 10 Tf", "20 610 Td", "(period / s) Tj", "ET"]
    return "\n".join(ops)


def make_pdfs():
    write_pdf(os.path.join(OUT, "physics-lab-report.pdf"), "Physics lab report \u2014 fictional sample", [
        (14, "Measuring g with a simple pendulum"),
        (11, "Course: Physics (fictional), term 113-1. Student: fictional sample student."),
        (11, "Method: timed 20 swings for five string lengths from 0.2 m to 1.0 m."),
        (11, "Result: g = 9.7 m/s^2 from the slope of T^2 against L (within 1% of 9.8 m/s^2)."),
        (11, "All names and numbers in this document are made up for software testing."),
    ], pendulum_graph())
    write_pdf(os.path.join(OUT, "history-essay.pdf"), "History essay \u2014 fictional sample", [
        (14, "Harbours and trade in 17th-century Taiwan"),
        (11, "Course: History (fictional), term 113-2."),
        (11, "This short essay compares two harbour towns and how trade shaped them."),
        (11, "Sources: school library books (titles omitted in this sample)."),
        (11, "Fictional content, written only to demonstrate a course learning outcome."),
    ])
    write_pdf(os.path.join(OUT, "volunteer-certificate.pdf"), "Volunteer service certificate \u2014 fictional sample", [
        (14, "Certificate of volunteer service"),
        (11, "Organisation: Example Community Library (fictional)."),
        (11, "Service: reading help for primary school pupils, 2024-10-05 to 2024-12-14."),
        (11, "Hours: 12."),
        (11, "This certificate is a made-up sample; no such organisation issued it."),
    ])
    write_pdf(os.path.join(OUT, "science-fair-award.pdf"), "Science fair award \u2014 fictional sample", [
        (14, "Certificate of award"),
        (11, "Event: Example City Senior High Science Fair (fictional), chemistry group."),
        (11, "Award: second place, team entry. Result date: 2025-03-22."),
        (11, "A fictional certificate for a diverse-performance (competition) item."),
    ])
    write_pdf(os.path.join(OUT, "self-study-plan.pdf"), "Self-directed learning plan \u2014 fictional sample", [
        (14, "Learning to program a weather station"),
        (11, "Weeks 1-4: sensors and wiring. Weeks 5-8: logging data. Weeks 9-12: charts and report."),
        (11, "Reflection: keeping a weekly log made it easier to see progress."),
        (11, "Fictional sample for a self-directed learning item."),
    ])


# ---------- PNG ----------

def write_png(path, width, height, pixel):
    """8-bit RGB, no interlace, filter 0 on every row: the simplest PNG every viewer reads."""
    raw = bytearray()
    for y in range(height):
        raw.append(0)
        for x in range(width):
            raw += bytes(pixel(x, y))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    png += chunk(b"tEXt", b"Comment\x00Fictional sample image generated for folio")
    png += chunk(b"IDAT", zlib.compress(bytes(raw), 9))
    png += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def parabola(x, y):
    """A math worksheet graph: y = x^2 / 40 on a grid."""
    w, h = 320, 240
    cx, cy = w // 2, h - 20
    gx, gy = x - cx, cy - y
    if abs(gy - gx * gx / 60) < 1.5:
        return (200, 30, 30)
    if x == cx or y == cy:
        return (0, 0, 0)
    if x % 20 == 0 or y % 20 == 0:
        return (200, 210, 230)
    return (255, 255, 255)


def poster(x, y):
    """An art-class poster: a diagonal gradient with two circles."""
    r, g, b = 40 + x // 2, 80 + y // 2, 200 - x // 3
    if (x - 90) ** 2 + (y - 100) ** 2 < 45 ** 2:
        return (250, 200, 40)
    if (x - 220) ** 2 + (y - 140) ** 2 < 60 ** 2:
        return (240, 90, 120)
    return (min(r, 255), min(g, 255), max(b, 0))


def bar_chart(x, y):
    """Volunteer hours per month as a bar chart (fictional numbers)."""
    hours = [4, 6, 3, 8, 5, 7]
    w, h = 300, 200
    if y == h - 20 and 20 <= x < w - 20:
        return (0, 0, 0)
    slot = (x - 30) // 42
    if 0 <= slot < len(hours) and (x - 30) % 42 < 30 and h - 20 - hours[slot] * 18 <= y < h - 20:
        return (50, 140, 80)
    return (250, 250, 245)


def landscape(x, y):
    """A field-trip 'photo': sky, sun and mountains."""
    w, h = 320, 200
    ridge = 120 + 25 * math.sin(x / 37.0) + 12 * math.sin(x / 11.0)
    if y > ridge:
        shade = int(60 + (y - ridge) * 0.8)
        return (30, min(shade + 40, 255), 50)
    if (x - 250) ** 2 + (y - 50) ** 2 < 22 ** 2:
        return (255, 210, 80)
    return (120 + y // 2, 170 + y // 4, 240)


def make_pngs():
    write_png(os.path.join(OUT, "math-graph.png"), 320, 240, parabola)
    write_png(os.path.join(OUT, "art-poster.png"), 320, 240, poster)
    write_png(os.path.join(OUT, "volunteer-hours-chart.png"), 300, 200, bar_chart)
    # The "renamed file" demo: PNG content behind a .pdf name, which the upload check must refuse.
    shutil.copyfile(os.path.join(OUT, "volunteer-hours-chart.png"), os.path.join(OUT, "renamed-png.pdf"))


# ---------- ffmpeg: JPEG, MP3, MP4 ----------

def ffmpeg(*args):
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def make_media():
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "landscape.png")
        write_png(source, 320, 200, landscape)
        ffmpeg("-i", source, "-q:v", "5", "-map_metadata", "-1", os.path.join(OUT, "field-trip-photo.jpg"))
    # One MP3 with an ID3v2 tag and one without, so both ways of recognising MP3 are exercised.
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1.5", "-ac", "1", "-c:a", "libmp3lame", "-b:a", "48k",
           "-metadata", "title=Tone A440 (fictional sample)", "-id3v2_version", "3",
           os.path.join(OUT, "tone-a440.mp3"))
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=660:duration=1", "-ac", "1", "-c:a", "libmp3lame", "-b:a", "48k",
           "-id3v2_version", "0", "-write_xing", "0", "-map_metadata", "-1",
           os.path.join(OUT, "tone-e660-no-id3.mp3"))
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=2",
           "-f", "lavfi", "-i", "sine=frequency=523:duration=2",
           "-c:v", "libx264", "-preset", "veryslow", "-crf", "32", "-pix_fmt", "yuv420p",
           "-c:a", "aac", "-b:a", "32k", "-ac", "1", "-shortest", "-movflags", "+faststart",
           "-metadata", "title=Test pattern clip (fictional sample)", os.path.join(OUT, "test-pattern-clip.mp4"))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    make_pdfs()
    make_pngs()
    make_media()
