// In-browser inference: one digit classifier, exported to ONNX from PyTorch and from
// Keras, run side by side by onnxruntime-web. Only docs/production/in-browser.md loads
// this module, and only this module loads the runtime, so no other page pays for it.
//
// Everything comes from this site: the runtime (copied from node_modules by the build),
// the two models and the sample images (docs/production/models/, written by
// `dlref deploy --update`). Every failure ends in a message on the page.

const RUNTIME = new URL("onnxruntime-web/", import.meta.url);
const MODELS = new URL("../production/models/", import.meta.url);
const EXPORTS = [
  { key: "pytorch", title: "PyTorch export", file: "digits-pytorch.onnx" },
  { key: "keras", title: "Keras export", file: "digits-keras.onnx" },
];
const SAMPLES_FILE = "digits-samples.json";
// scikit-learn's digits: 32x32 black-and-white bitmaps, cut into 4x4 blocks; each of the
// 8x8 pixels counts the ink in its block (0 to 16). The models read that count / 16.
const BITMAP = 32;
const SIDE = 8;
const BLOCK = BITMAP / SIDE;
const CLASSES = 10;

const STYLE = `
.dlref-infer { margin: 1em 0; }
.dlref-infer__inputs { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
.dlref-infer fieldset { border: 1px solid var(--md-default-fg-color--lighter);
  padding: .5em 1em 1em; }
.dlref-infer__samples { display: grid; grid-template-columns: repeat(5, auto); gap: .4em; }
.dlref-infer button { font: inherit; padding: .3em .7em; cursor: pointer;
  border: 1px solid var(--md-primary-fg-color); border-radius: .2em;
  color: var(--md-primary-fg-color); background: var(--md-default-bg-color); }
.dlref-infer button:disabled { opacity: .5; cursor: default; }
.dlref-infer__draw { display: flex; gap: 1em; align-items: flex-end; flex-wrap: wrap; }
.dlref-infer__canvas { width: 168px; height: 168px; background: #fff; border: 1px solid #555;
  touch-action: none; cursor: crosshair; }
.dlref-infer__preview { width: 64px; height: 64px; image-rendering: pixelated;
  border: 1px solid #555; }
.dlref-infer__error { color: var(--md-typeset-color); border-left: .3em solid #d32f2f;
  padding-left: .6em; }
.dlref-infer__bar { display: inline-block; height: .7em; background: var(--md-primary-fg-color);
  vertical-align: middle; margin-left: .5em; }
.dlref-infer__value { font-variant-numeric: tabular-nums; }
`;

/** A failure a reader should read about: what could not be done, in one sentence. */
class DemoError extends Error {}

const $ = (id) => document.getElementById(id);

function message(error) {
  return error instanceof Error ? error.message : String(error);
}

function setStatus(text, isError = false) {
  const status = $("dlref-infer-status");
  status.textContent = text;
  status.classList.toggle("dlref-infer__error", isError);
  status.setAttribute("role", isError ? "alert" : "status");
}

async function webgpuAdapter() {
  if (!("gpu" in navigator)) return null;
  try {
    return await navigator.gpu.requestAdapter();
  } catch {
    return null;
  }
}

/** The WebGPU build when the browser offers WebGPU; the WebAssembly build otherwise. */
async function loadRuntime() {
  const gpu = await webgpuAdapter();
  const entry = gpu ? "ort.webgpu.min.mjs" : "ort.wasm.min.mjs";
  let ort;
  try {
    ort = await import(new URL(entry, RUNTIME).href);
  } catch (error) {
    throw new DemoError(`The ONNX runtime (${entry}) could not be loaded: ${message(error)}`);
  }
  ort.env.wasm.wasmPaths = RUNTIME.href;
  return { ort, providers: gpu ? ["webgpu", "wasm"] : ["wasm"] };
}

async function download(file) {
  let response;
  try {
    response = await fetch(new URL(file, MODELS));
  } catch (error) {
    throw new DemoError(`${file} could not be downloaded: ${message(error)}`);
  }
  if (!response.ok) {
    throw new DemoError(`${file} could not be downloaded: the server answered ${response.status}`);
  }
  return response;
}

/** Open one export, on the first execution provider that accepts it. */
async function openModel(runtime, exported) {
  const bytes = new Uint8Array(await (await download(exported.file)).arrayBuffer());
  let failure;
  for (const provider of runtime.providers) {
    try {
      const session = await runtime.ort.InferenceSession.create(bytes, {
        executionProviders: [provider],
      });
      return { ...exported, session, provider };
    } catch (error) {
      failure = error;
    }
  }
  throw new DemoError(
    `ONNX Runtime could not open ${exported.file}: the file is damaged or not an ONNX ` +
      `model (ONNX Runtime said: ${message(failure)}).`,
  );
}

const PROVIDER_TITLES = { wasm: "WebAssembly (CPU)", webgpu: "WebGPU (GPU)" };

/** Draw 64 values in [0, 1] as an 8x8 image, ink dark on white, as the models see them. */
function showInput(pixels) {
  const preview = $("dlref-infer-preview");
  const context = preview.getContext("2d");
  const image = context.createImageData(SIDE, SIDE);
  pixels.forEach((value, index) => {
    const grey = Math.round(255 * (1 - value));
    image.data.set([grey, grey, grey, 255], index * 4);
  });
  context.putImageData(image, 0, 0);
}

/** The drawing as scikit-learn's digits are made: the ink's square box scaled to 32x32,
 *  then the ink counted in 4x4 blocks. Null when nothing is drawn. */
function drawingPixels(canvas) {
  const { width, height } = canvas;
  const ink = canvas.getContext("2d").getImageData(0, 0, width, height).data;
  let [left, top, right, bottom] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[(y * width + x) * 4 + 3] > 0) {
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
    }
  }
  if (right < 0) return null;
  const box = Math.max(right - left, bottom - top) + 1;
  const bitmap = document.createElement("canvas");
  bitmap.width = bitmap.height = BITMAP;
  const context = bitmap.getContext("2d", { willReadFrequently: true });
  const centreX = (left + right + 1) / 2;
  const centreY = (top + bottom + 1) / 2;
  context.drawImage(canvas, centreX - box / 2, centreY - box / 2, box, box, 0, 0, BITMAP, BITMAP);
  const scaled = context.getImageData(0, 0, BITMAP, BITMAP).data;
  const pixels = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < BITMAP; y++) {
    for (let x = 0; x < BITMAP; x++) {
      if (scaled[(y * BITMAP + x) * 4 + 3] >= 128) {
        pixels[Math.floor(y / BLOCK) * SIDE + Math.floor(x / BLOCK)] += 1;
      }
    }
  }
  return pixels.map((count) => count / (BLOCK * BLOCK));
}

async function classify(model, ort, pixels) {
  const input = new ort.Tensor("float32", pixels, [1, SIDE * SIDE]);
  const start = performance.now();
  const outputs = await model.session.run({ [model.session.inputNames[0]]: input });
  const milliseconds = performance.now() - start;
  return { probabilities: Array.from(outputs[model.session.outputNames[0]].data), milliseconds };
}

function topClass(probabilities) {
  return probabilities.indexOf(Math.max(...probabilities));
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function renderResults(models, results, description, run) {
  const [first, second] = results;
  const gap = Math.max(
    ...first.probabilities.map((p, digit) => Math.abs(p - second.probabilities[digit])),
  );
  const summary = element("ul");
  models.forEach((model, index) => {
    const { probabilities, milliseconds } = results[index];
    const top = topClass(probabilities);
    summary.append(
      element(
        "li",
        { "data-framework": model.key },
        `${model.title}: top class `,
        element("strong", { "data-top-class": "" }, String(top)),
        ` (probability ${probabilities[top].toFixed(4)}), ` +
          `${milliseconds.toFixed(2)} ms on ${PROVIDER_TITLES[model.provider]}`,
      ),
    );
  });
  summary.append(
    element(
      "li",
      {},
      "Largest difference between the two exports' probabilities: ",
      element(
        "strong",
        { id: "dlref-infer-gap", "data-value": String(gap) },
        gap === 0 ? "0 (the same numbers)" : gap.toExponential(1),
      ),
    ),
  );
  const head = element(
    "tr",
    {},
    element("th", { scope: "col" }, "Digit"),
    ...models.map((model) => element("th", { scope: "col" }, `${model.title} probability`)),
  );
  const body = element("tbody");
  for (let digit = 0; digit < CLASSES; digit++) {
    body.append(
      element(
        "tr",
        {},
        element("th", { scope: "row" }, String(digit)),
        ...results.map((result, index) => {
          const p = result.probabilities[digit];
          return element(
            "td",
            {
              "data-framework": models[index].key,
              "data-digit": String(digit),
              "data-value": String(p),
            },
            element("span", { class: "dlref-infer__value" }, p.toFixed(4)),
            element("span", {
              class: "dlref-infer__bar",
              style: `width: ${(6 * p).toFixed(2)}em`,
              "aria-hidden": "true",
            }),
          );
        }),
      ),
    );
  }
  const table = element(
    "table",
    {},
    element("caption", {}, `Class probabilities for ${description}`),
    element("thead", {}, head),
    body,
  );
  const container = $("dlref-infer-results");
  container.replaceChildren(element("p", {}, `Input: ${description}.`), summary, table);
  container.dataset.run = String(run);
}

function setUpDrawing(onDrawn) {
  const canvas = $("dlref-infer-canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.lineWidth = canvas.width / 14;
  context.lineCap = context.lineJoin = "round";
  context.strokeStyle = "#000";
  let drawing = false;
  const point = (event) => {
    const box = canvas.getBoundingClientRect();
    return [
      ((event.clientX - box.left) * canvas.width) / box.width,
      ((event.clientY - box.top) * canvas.height) / box.height,
    ];
  };
  canvas.addEventListener("pointerdown", (event) => {
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    context.beginPath();
    context.moveTo(...point(event));
    context.lineTo(...point(event));
    context.stroke();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    context.lineTo(...point(event));
    context.stroke();
  });
  const finish = () => {
    if (!drawing) return;
    drawing = false;
    const pixels = drawingPixels(canvas);
    if (pixels) onDrawn(pixels);
  };
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  $("dlref-infer-clear").addEventListener("click", () => {
    context.clearRect(0, 0, canvas.width, canvas.height);
  });
}

async function main() {
  const root = $("dlref-infer");
  const style = document.createElement("style");
  style.textContent = STYLE;
  document.head.append(style);

  const runtime = await loadRuntime();
  const samples = await (await download(SAMPLES_FILE)).json().catch((error) => {
    throw new DemoError(`${SAMPLES_FILE} could not be read: ${message(error)}`);
  });
  const models = await Promise.all(EXPORTS.map((exported) => openModel(runtime, exported)));

  let run = 0;
  let queue = Promise.resolve(); // one inference at a time: a session runs one call at a time
  const infer = (pixels, description) => {
    queue = queue.then(async () => {
      try {
        showInput(pixels);
        const results = [];
        for (const model of models) results.push(await classify(model, runtime.ort, pixels));
        renderResults(models, results, description, ++run);
      } catch (error) {
        setStatus(`The models could not run: ${message(error)}`, true);
        root.dataset.state = "error";
      }
    });
  };

  const buttons = $("dlref-infer-samples");
  samples.inputs.forEach((values, index) => {
    const label = samples.labels[index];
    const button = element(
      "button",
      { type: "button", "data-sample": String(index) },
      String(label),
    );
    button.setAttribute("aria-label", `Held-out image of a ${label}`);
    button.addEventListener("click", () =>
      infer(Float32Array.from(values), `the held-out image of a ${label}`),
    );
    buttons.append(button);
  });
  setUpDrawing((pixels) => infer(pixels, "your drawing"));
  $("dlref-infer-accuracy").textContent =
    `${(100 * samples.held_out_accuracy).toFixed(1)} %`;

  const providers = [...new Set(models.map((model) => PROVIDER_TITLES[model.provider]))];
  const version = runtime.ort.env.versions?.web ?? "(version unknown)";
  setStatus(`Ready: onnxruntime-web ${version} runs both models on ${providers.join(" and ")}.`);
  root.dataset.backend = models.map((model) => model.provider).join(" ");
  root.dataset.state = "ready";
}

main().catch((error) => {
  const known = error instanceof DemoError;
  setStatus(
    `${known ? "" : "Unexpected error: "}${message(error)} The demonstration cannot run.`,
    true,
  );
  $("dlref-infer").dataset.state = "error";
});
