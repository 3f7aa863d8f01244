// folio's pages work without this script; it adds what a browser can check before sending:
// the description's live character count, the chosen file's kind and size, and signing out of a kiosk left idle.
"use strict";

// Characters as folio counts them (one per user-perceived character, as Swift's String.count).
function characters(text) {
  if (typeof Intl !== "undefined" && Intl.Segmenter) {
    return Array.from(new Intl.Segmenter("zh-Hant", { granularity: "grapheme" }).segment(text)).length;
  }
  return Array.from(text).length;
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : ""));
}

function watchDescription() {
  const box = document.getElementById("description");
  const counter = document.getElementById("description-count");
  if (!box || !counter) return;
  const limit = Number(box.dataset.limit);
  const update = () => {
    const count = characters(box.value);
    counter.textContent = fill(counter.dataset.template, { count, limit });
    counter.classList.toggle("over", count > limit);
    box.setCustomValidity(count > limit ? counter.textContent : "");
  };
  box.addEventListener("input", update);
  update();
}

// The kinds folio takes, by their first bytes (as folio itself checks them after sending).
function kindOf(bytes) {
  const starts = (sig, at = 0) => sig.every((b, i) => bytes[at + i] === b);
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return "pdf";
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (starts([0xff, 0xd8, 0xff])) return "jpeg";
  if (starts([0x49, 0x44, 0x33])) return "mp3";
  if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0) return "mp3";
  if (starts([0x66, 0x74, 0x79, 0x70], 4)) return "mp4";
  return null;
}

const byExtension = { pdf: "pdf", jpg: "jpeg", jpeg: "jpeg", png: "png", mp3: "mp3", mp4: "mp4" };

function watchFile() {
  const form = document.getElementById("upload");
  const input = document.getElementById("file");
  const problem = document.getElementById("file-problem");
  if (!form || !input || !problem) return;
  const say = (text) => {
    problem.textContent = text || "";
    problem.hidden = !text;
    input.setCustomValidity(text || "");
  };
  input.addEventListener("change", async () => {
    say("");
    const file = input.files && input.files[0];
    if (!file) return;
    const ext = (file.name.split(".").pop() || "").toLowerCase();
    const kind = kindOf(new Uint8Array(await file.slice(0, 16).arrayBuffer()));
    if (!kind || byExtension[ext] !== kind) {
      say(fill(problem.dataset.wrongKind, { name: file.name }));
      return;
    }
    const media = kind === "mp3" || kind === "mp4";
    const limit = Number(media ? form.dataset.mediaLimit : form.dataset.documentLimit);
    if (file.size > limit) {
      say(fill(problem.dataset.tooLarge, { name: file.name, limit: (limit / 1048576).toFixed(0) }));
    }
  });
}

// A kiosk left signed in signs itself out after the idle time the server also keeps.
function watchIdle() {
  const form = document.getElementById("signout");
  const minutes = Number(document.body.dataset.idle || 0);
  if (!form || !minutes) return;
  let timer;
  const restart = () => { clearTimeout(timer); timer = setTimeout(() => form.submit(), minutes * 60000); };
  ["pointerdown", "keydown", "scroll", "touchstart"].forEach((e) => window.addEventListener(e, restart, { passive: true }));
  restart();
}

document.addEventListener("DOMContentLoaded", () => { watchDescription(); watchFile(); watchIdle(); });
