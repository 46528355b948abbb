// Spotlight's page: upload an image, show its caption, and overlay each word's attention map on the image.
// No framework and no build step: this file is served as is from the assembly's resources.
"use strict";

const $ = (id) => document.getElementById(id);
const SIZE = 384;                 // canvas side in pixels (the stage is square, as the model's input is)
let card = null;                  // GET /v1/model
let answer = null;                // the last POST /v1/captions answer
let pinned = -1;                  // the clicked word, kept while the pointer wanders
let transformer = false;          // the model has per-layer, per-head cross-attention to show
let captioning = false;           // the server has a captioner (POST /v1/captions)
let vqa = false;                  // the server answers questions (POST /v1/answers)
let lastFile = null;              // the image on the stage, which questions are asked about

// Inferno-like colour stops (dark purple → red → yellow), interpolated linearly.
const STOPS = [[0, 0, 4], [87, 16, 110], [188, 55, 84], [249, 142, 9], [252, 255, 164]];

function colour(v) {
  const x = Math.min(Math.max(v, 0), 1) * (STOPS.length - 1);
  const i = Math.min(Math.floor(x), STOPS.length - 2), f = x - i;
  return STOPS[i].map((c, k) => Math.round(c + f * (STOPS[i + 1][k] - c)));
}

// Bilinear upsampling of a gh×gw grid (row-major) to size×size, sampling cell centres as align_corners=false does.
function upsample(weights, gh, gw, size) {
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    const gy = Math.min(Math.max((y + 0.5) * gh / size - 0.5, 0), gh - 1);
    const y0 = Math.floor(gy), y1 = Math.min(y0 + 1, gh - 1), fy = gy - y0;
    for (let x = 0; x < size; x++) {
      const gx = Math.min(Math.max((x + 0.5) * gw / size - 0.5, 0), gw - 1);
      const x0 = Math.floor(gx), x1 = Math.min(x0 + 1, gw - 1), fx = gx - x0;
      const top = weights[y0 * gw + x0] * (1 - fx) + weights[y0 * gw + x1] * fx;
      const bottom = weights[y1 * gw + x0] * (1 - fx) + weights[y1 * gw + x1] * fx;
      out[y * size + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

function drawHeat(index) {
  const canvas = $("heat"), ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, SIZE, SIZE);
  document.querySelectorAll(".word").forEach((w) => w.classList.toggle("active", Number(w.dataset.index) === index));
  canvas.dataset.token = String(index);
  if (!answer || !answer.attention || index < 0) return;
  const { grid_height: gh, grid_width: gw } = answer.attention;
  paint(mapOf(index), gh, gw);
}

// One attention map (gh × gw weights, row-major) over the stage.
function paint(row, gh, gw) {
  const ctx = $("heat").getContext("2d");
  ctx.clearRect(0, 0, SIZE, SIZE);
  if (!row) return;
  const max = Math.max(...row), min = Math.min(...row), span = max - min || 1;
  const values = upsample(row.map((w) => (w - min) / span), gh, gw, SIZE);
  const image = ctx.createImageData(SIZE, SIZE);
  for (let i = 0; i < values.length; i++) {
    const [r, g, b] = colour(values[i]);
    image.data.set([r, g, b, Math.round(255 * (0.05 + 0.6 * values[i]))], i * 4);
  }
  ctx.putImageData(image, 0, 0);
}

// The map of word `index` the "maps" choice asks for: the caption's own (layers and heads averaged), one layer's
// heads averaged, or one head of one layer ([layer][head][word][region] in answer.layers).
function mapOf(index) {
  const choice = $("maps").value;
  if (!answer.layers || !choice || choice === "average") return answer.attention.weights[index];
  const [layer, head] = choice.split(":").map(Number);
  const heads = answer.layers[layer];
  if (!heads) return answer.attention.weights[index];
  if (!Number.isNaN(head) && head >= 0) return heads[head][index];
  return heads[0][index].map((_, r) => heads.reduce((sum, h) => sum + h[index][r], 0) / heads.length);
}

function fillMapChoices() {
  const select = $("maps"), keep = select.value;
  select.replaceChildren();
  const add = (value, text) => { const o = document.createElement("option"); o.value = value; o.textContent = text; select.appendChild(o); };
  add("average", "all layers and heads (the caption's)");
  (answer.layers || []).forEach((heads, l) => {
    add(`${l}:-1`, `layer ${l + 1}, heads averaged`);
    heads.forEach((_, h) => add(`${l}:${h}`, `layer ${l + 1}, head ${h + 1}`));
  });
  if ([...select.options].some((o) => o.value === keep)) select.value = keep;
  $("maps-choice").hidden = !answer.layers;
}

// The model sees a square: the centre crop of the shorter side, or the whole image stretched.
function drawPhoto(bitmap) {
  const ctx = $("photo").getContext("2d");
  ctx.clearRect(0, 0, SIZE, SIZE);
  const resize = card && card.preprocessing ? card.preprocessing.resize : "shorter-side-then-center-crop";
  if (resize === "stretch") { ctx.drawImage(bitmap, 0, 0, SIZE, SIZE); return; }
  const side = Math.min(bitmap.width, bitmap.height);
  ctx.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, SIZE, SIZE);
}

function showCaption(result) {
  const caption = $("caption");
  caption.replaceChildren();
  result.tokens.forEach((token, i) => {
    const word = document.createElement("button");
    word.type = "button";
    word.className = "word";
    word.textContent = token;
    word.dataset.index = String(i);
    word.addEventListener("mouseenter", () => drawHeat(i));
    word.addEventListener("focus", () => drawHeat(i));
    word.addEventListener("mouseleave", () => drawHeat(pinned));
    word.addEventListener("blur", () => drawHeat(pinned));
    word.addEventListener("click", () => {
      pinned = pinned === i ? -1 : i;
      document.querySelectorAll(".word").forEach((w) => w.classList.toggle("pinned", Number(w.dataset.index) === pinned));
      drawHeat(pinned === -1 ? i : pinned);
    });
    caption.appendChild(word);
  });
  if (result.tokens.length === 0) caption.textContent = "(empty caption)";
  const list = $("alternatives-list");
  list.replaceChildren();
  for (const alt of result.alternatives || []) {
    const item = document.createElement("li");
    item.textContent = alt.caption || "(empty)";
    const score = document.createElement("span");
    score.className = "score";
    score.textContent = `score ${alt.score.toFixed(3)} · log p ${alt.logprob.toFixed(3)}`;
    item.appendChild(score);
    list.appendChild(item);
  }
  const t = result.timings;
  $("timings").textContent = `${result.image.format} ${result.image.width}×${result.image.height} · queue ${t.queue_ms.toFixed(1)} ms · ` +
    `decode ${t.decode_ms.toFixed(1)} ms (batch of ${t.batch_size}) · total ${t.total_ms.toFixed(1)} ms`;
}

function showError(text) {
  $("error").textContent = text;
  $("error").hidden = !text;
}

async function caption(file) {
  if ($("file").disabled) return;
  showError("");
  lastFile = file;
  $("answer").textContent = "";                                  // the last image's answer and hops are not this one's
  $("answers-list").replaceChildren();
  $("hops").replaceChildren();
  if (!captioning) { await showPhotoOnly(file); return; }
  $("status").textContent = `Captioning ${file.name || "image"}…`;
  const beam = Number($("beam").value) || 3;
  const alternatives = Math.min(Number($("alternatives").value) || 1, beam);
  const form = new FormData();
  form.append("image", file, file.name || "image");
  try {
    const layers = transformer ? "&layer_maps=true" : "";
    const response = await fetch(`/v1/captions?attention=true${layers}&beam=${beam}&alternatives=${alternatives}`, { method: "POST", body: form });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      $("status").textContent = "";
      showError(body && body.title ? `${body.title}: ${body.detail || ""} (${response.status})` : `The server answered ${response.status}.`);
      return;
    }
    answer = body;
    pinned = -1;
    let bitmap = null;
    try { bitmap = await createImageBitmap(file); } catch { /* the server read it; the browser may not */ }
    $("result").hidden = false;
    if (bitmap) drawPhoto(bitmap);
    showCaption(answer);
    fillMapChoices();
    drawHeat(-1);
    $("status").textContent = "";
  } catch (e) {
    $("status").textContent = "";
    showError(`The request failed: ${e.message}`);
  }
}

// A server without a captioner (VQA only): the stage shows the photo, the questions do the rest.
async function showPhotoOnly(file) {
  answer = null;
  $("caption").textContent = "";
  $("result").hidden = false;
  try { drawPhoto(await createImageBitmap(file)); } catch { /* the server may still read it */ }
  paint(null, 1, 1);
  $("status").textContent = "";
}

async function ask(question) {
  if (!lastFile || !question) return;
  showError("");
  const form = new FormData();
  form.append("image", lastFile, lastFile.name || "image");
  form.append("question", question);
  try {
    const response = await fetch("/v1/answers?attention=true&top=5", { method: "POST", body: form });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      showError(body && body.title ? `${body.title}: ${body.detail || ""} (${response.status})` : `The server answered ${response.status}.`);
      return;
    }
    $("answer").textContent = `${body.answer} (${(100 * body.probability).toFixed(1)} %)`;
    $("answers-list").replaceChildren(...body.top.map((t) => {
      const item = document.createElement("li");
      item.textContent = `${t.answer} ${(100 * t.probability).toFixed(1)} %`;
      return item;
    }));
    const hops = $("hops");
    hops.replaceChildren();
    (body.attention || []).forEach((map, h) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "hop";
      button.textContent = `hop ${h + 1}`;
      button.addEventListener("click", () => paint(map, body.grid_size, body.grid_size));
      hops.appendChild(button);
    });
    if (body.attention && body.attention.length) paint(body.attention[body.attention.length - 1], body.grid_size, body.grid_size);
  } catch (e) {
    showError(`The request failed: ${e.message}`);
  }
}

// Which tasks the server has: GET /v1/models lists every loaded model with its task.
async function loadTasks() {
  try {
    const response = await fetch("/v1/models");
    const models = response.ok ? await response.json() : [];
    vqa = models.some((m) => m.task === "vqa");
  } catch { vqa = false; }
  $("ask").hidden = !vqa;
}

function drawLegend() {
  const ctx = $("legend").getContext("2d");
  for (let x = 0; x < 160; x++) {
    const [r, g, b] = colour(x / 159);
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.fillRect(x, 0, 1, 10);
  }
}

async function loadCard() {
  try {
    const response = await fetch("/v1/model");
    if (!response.ok) {
      // A server started with other models only (translation, inpainting) has no captioner to show.
      if (vqa) { $("model").textContent = "This server answers questions about images (VQA): drop an image, then ask."; return false; }
      $("model").textContent = "This server does not serve captioning (see /v1/models for what it serves).";
      $("file").disabled = true;
      $("drop").classList.add("disabled");
      return false;
    }
    card = await response.json();
    captioning = true;
    transformer = !!(card.config && card.config.cell === "transformer");
    $("model").textContent = `Model ${card.id}: ${card.grid_height}×${card.grid_width} attention grid, ${card.vocabulary_size} words.`;
    $("beam").max = String(card.limits.max_beam);
    $("alternatives").max = String(card.limits.max_beam);
    $("beam").value = String(card.limits.default_beam);
    $("alternatives").value = String(card.limits.default_beam);
    return true;
  } catch {
    $("model").textContent = "The model card could not be loaded.";
    return false;
  }
}

// Before any upload the page shows a captioned sample photo (Chelsea the cat, CC0), not an empty frame.
async function captionSample() {
  try {
    const response = await fetch("/assets/sample.png");
    if (!response.ok || answer) return;
    const blob = await response.blob();
    if (!answer) await caption(new File([blob], "sample.png", { type: "image/png" }));
  } catch { /* the page still works without its sample */ }
}

function wireUpload() {
  const drop = $("drop");
  $("file").addEventListener("change", (e) => { if (e.target.files[0]) caption(e.target.files[0]); });
  ["dragenter", "dragover"].forEach((type) => drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add("over"); }));
  ["dragleave", "drop"].forEach((type) => drop.addEventListener(type, () => drop.classList.remove("over")));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    const file = e.dataTransfer && e.dataTransfer.files[0];
    if (file) caption(file);
  });
}

drawLegend();
wireUpload();
$("maps").addEventListener("change", () => drawHeat(pinned));
$("ask-form").addEventListener("submit", (e) => { e.preventDefault(); ask($("question").value.trim()); });
loadTasks().then(loadCard).then((ok) => { if (ok) captionSample(); });
