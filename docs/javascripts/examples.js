// Examples side by side: on a wide screen a reader can show every two-framework
// example as two columns, PyTorch beside TensorFlow, instead of tabs. The choice
// is remembered (like Material's linked tabs) and applies on every page; narrow
// screens keep the tabs. In columns, lines starting with "# %%" (percent-cell
// markers) are aligned: the n-th part of one script starts level with the n-th
// part of the other. Alignment uses empty blocks, so copying code copies no padding.
(() => {
  "use strict";
  const KEY = "dlref.layout";
  const MARKER = /^\s*# %%/;

  const stored = () => {
    try {
      return localStorage.getItem(KEY) === "columns" ? "columns" : "tabs";
    } catch {
      return "tabs";
    }
  };

  const apply = (layout) => {
    document.documentElement.dataset.dlrefLayout = layout;
    for (const button of document.querySelectorAll(".dlref-layout-toggle")) {
      const columns = layout === "columns";
      button.setAttribute("aria-pressed", String(columns));
      button.textContent = columns ? "Show as tabs" : "Show side by side";
    }
  };

  const markerLines = (code) =>
    code.textContent
      .split("\n")
      .map((line, index) => (MARKER.test(line) ? index : -1))
      .filter((index) => index >= 0);

  // Insert an empty block of `count` lines' height before line `line` of `code`.
  const pad = (code, line, count) => {
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    let seen = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      let offset = -1;
      while (seen < line) {
        offset = node.data.indexOf("\n", offset + 1);
        if (offset < 0) break;
        seen += 1;
      }
      if (seen === line && offset >= 0) {
        const rest = node.splitText(offset + 1);
        const spacer = document.createElement("span");
        spacer.className = "dlref-pad";
        spacer.style.setProperty("--dlref-pad-lines", String(count));
        spacer.setAttribute("aria-hidden", "true");
        rest.parentNode.insertBefore(spacer, rest);
        return;
      }
    }
  };

  const align = (example) => {
    const codes = [...example.querySelectorAll(":scope > .tabbed-set > .tabbed-content > .tabbed-block")]
      .map((block) => block.querySelector("pre > code"))
      .filter(Boolean);
    if (codes.length !== 2 || example.dataset.dlrefAligned) return;
    example.dataset.dlrefAligned = "true";
    const [left, right] = codes.map(markerLines);
    let shift = [0, 0]; // lines of padding already added above, per side
    for (let k = 0; k < Math.min(left.length, right.length); k += 1) {
      const lines = [left[k] + shift[0], right[k] + shift[1]];
      const behind = lines[0] < lines[1] ? 0 : 1;
      const gap = Math.abs(lines[0] - lines[1]);
      if (gap === 0) continue;
      pad(codes[behind], [left, right][behind][k], gap);
      shift[behind] += gap;
    }
  };

  const setUp = () => {
    for (const example of document.querySelectorAll(".dlref-example")) {
      const set = example.querySelector(":scope > .tabbed-set");
      if (!set || set.querySelectorAll(":scope > .tabbed-labels > label").length !== 2) continue;
      align(example);
      if (example.querySelector(".dlref-layout-toggle")) continue;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "dlref-layout-toggle md-button";
      button.addEventListener("click", () => {
        const next = stored() === "columns" ? "tabs" : "columns";
        try {
          localStorage.setItem(KEY, next);
        } catch {
          // Private mode: the choice holds for this page only.
        }
        apply(next);
      });
      example.insertBefore(button, set);
    }
    apply(stored());
  };

  // Material re-renders content on instant navigation; document$ tells us when.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUp);
  } else {
    document.addEventListener("DOMContentLoaded", setUp);
  }
})();
