// BudgetLens review: keyboard-driven item screens. No key binding fires while a text field has focus.
"use strict";
(function () {
  const LABELS = ["AMOUNT", "PERCENT", "QUANTITY", "REASON", "TARGET", "SUBJECT"];
  const VERDICT_KEYS = "123456";
  const loaded = Date.now();
  let spans = [];          // sentence: [{start, end, label}]
  let selected = -1;       // index into spans
  let caret = 0, anchor = null;  // character selection [min(anchor, caret), max(anchor, caret)]
  let data = null;

  function typing(el) {
    return el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName)) && el.type !== "checkbox" && el.type !== "radio";
  }

  function sameSpans(a, b) {
    const key = (s) => s.map((x) => `${x.start}-${x.end}-${x.label}`).sort().join("|");
    return key(a) === key(b);
  }

  function charRange() {
    if (anchor === null) return null;
    const lo = Math.min(anchor, caret), hi = Math.max(anchor, caret);
    return hi > lo ? [lo, hi] : null;
  }

  function renderSentence() {
    const chars = document.querySelectorAll("#sentence .ch");
    const range = charRange();
    chars.forEach((ch, i) => {
      ch.className = "ch";
      for (const s of spans) {
        if (s.start <= i && i < s.end) ch.classList.add("lab-" + s.label, s.label === "REASON" ? "nested" : "flat");
        if (s.start === i && s.label !== "REASON") ch.classList.add("start");
      }
      if (selected >= 0 && spans[selected] && spans[selected].start <= i && i < spans[selected].end) ch.classList.add("picked");
      if (range && range[0] <= i && i < range[1]) ch.classList.add("sel");
      if (i === caret) ch.classList.add("caret");
    });
    const list = document.getElementById("spans");
    list.innerHTML = "";
    spans.forEach((s, k) => {
      const li = document.createElement("li");
      li.className = "lab-" + s.label + (k === selected ? " picked" : "");
      li.dataset.label = s.label;
      const suggested = data.suggestion.spans.find((x) => x.start === s.start && x.end === s.end && x.label === s.label);
      const origin = suggested ? `model ${suggested.confidence.toFixed(2)}` : "yours";
      li.textContent = `${s.label} ${data.text.slice(s.start, s.end)} [${s.start}–${s.end}] · ${origin}`;
      list.appendChild(li);
    });
  }

  function label(name) {
    const range = charRange();
    if (range) {
      spans = spans.filter((s) => !(s.start === range[0] && s.end === range[1]));
      spans.push({ start: range[0], end: range[1], label: name });
      spans.sort((a, b) => a.start - b.start || a.end - b.end);
      selected = spans.findIndex((s) => s.start === range[0] && s.end === range[1]);
      anchor = null;
    } else if (selected >= 0) {
      spans[selected] = { ...spans[selected], label: name };
    }
    renderSentence();
  }

  function payloadFor(act) {
    const kind = document.getElementById("item").dataset.kind;
    if (act === "reject" || act === "skip") return { action: act, payload: {} };
    if (kind === "sentence") {
      const complete = document.getElementById("complete").checked;
      const changed = !sameSpans(spans, data.suggestion.spans) || !complete;
      return { action: changed ? "correct" : "accept", payload: { spans, complete } };
    }
    if (kind === "finding") {
      const picked = document.querySelector("#verdicts input:checked");
      return { action: "accept", payload: { verdict: picked ? picked.value : "confirmed" } };
    }
    const fields = {};
    let changed = false;
    document.querySelectorAll("#fields [data-field]").forEach((input) => {
      const name = input.dataset.field, before = data.suggestion[name];
      fields[name] = input.value;
      if (String(before === null || before === undefined ? "" : before) !== input.value) changed = true;
    });
    const choice = document.getElementById("link-choice");
    if (choice && choice.value !== choice.dataset.suggested) {
      fields.link = JSON.parse(choice.value);
      changed = true;
    }
    return { action: changed ? "correct" : "accept", payload: changed ? fields : {} };
  }

  function submit(act, all) {
    const form = document.getElementById("decide");
    const decision = payloadFor(act);
    form.elements.action.value = decision.action;
    form.elements.payload.value = JSON.stringify(decision.payload);
    form.elements.seconds.value = ((Date.now() - loaded) / 1000).toFixed(1);
    form.elements.apply_all.value = all ? "1" : "0";
    form.submit();
  }

  function toggleCrop() {
    document.querySelectorAll("#pages svg").forEach((svg) => {
      const full = svg.getAttribute("viewBox") === svg.dataset.full;
      svg.setAttribute("viewBox", full ? svg.dataset.crop : svg.dataset.full);
    });
  }

  function help(show) {
    const box = document.getElementById("help");
    box.hidden = show === undefined ? !box.hidden : !show;
  }

  function onKey(ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (typing(document.activeElement)) {
      if (ev.key === "Escape") document.activeElement.blur();
      return;
    }
    const item = document.getElementById("item");
    const kind = item ? item.dataset.kind : null;
    let handled = true;
    if (ev.key === "?") help();
    else if (ev.key === "Escape") { help(false); anchor = null; if (kind === "sentence") renderSentence(); }
    else if (ev.key === "u") document.getElementById("undo-form").submit();
    else if (!item) handled = false;
    else if (ev.key === "a" || ev.key === "Enter") submit("accept", false);
    else if (ev.key === "A") submit("accept", true);
    else if (ev.key === "r") submit("reject", false);
    else if (ev.key === "s") submit("skip", false);
    else if (ev.key === "f") toggleCrop();
    else if (ev.key === "n") document.getElementById("note").focus();
    else if (kind === "sentence") handled = sentenceKey(ev);
    else if (kind === "finding" && VERDICT_KEYS.includes(ev.key)) {
      const radios = document.querySelectorAll("#verdicts input");
      radios[Number(ev.key) - 1].checked = true;
    } else if ((kind === "record" || kind === "cell") && ev.key === "e") {
      const first = document.querySelector("#fields input");
      if (first) first.focus();
    } else handled = false;
    if (handled) ev.preventDefault();
  }

  function sentenceKey(ev) {
    const n = data.text.length;
    if (ev.key === "ArrowLeft" || ev.key === "ArrowRight") {
      if (ev.shiftKey && anchor === null) anchor = caret;
      if (!ev.shiftKey) anchor = null;
      caret = Math.max(0, Math.min(n, caret + (ev.key === "ArrowLeft" ? -1 : 1)));
      selected = -1;
    } else if (ev.key === "Tab") {
      if (!spans.length) return true;
      selected = ev.shiftKey ? (selected <= 0 ? spans.length - 1 : selected - 1) : (selected + 1) % spans.length;
      caret = spans[selected].start;
      anchor = null;
    } else if ("123456".includes(ev.key)) label(LABELS[Number(ev.key) - 1]);
    else if ((ev.key === "x" || ev.key === "Delete" || ev.key === "Backspace") && selected >= 0) {
      spans.splice(selected, 1);
      selected = -1;
    } else if (ev.key === "c") {
      const box = document.getElementById("complete");
      box.checked = !box.checked;
    } else return false;
    renderSentence();
    return true;
  }

  function onMouseUp() {
    const sel = window.getSelection();
    if (!sel || sel.isCollapsed) return;
    const at = (node) => { const el = node.nodeType === 3 ? node.parentElement : node; return el && el.dataset && el.dataset.i !== undefined ? Number(el.dataset.i) : null; };
    const a = at(sel.anchorNode), b = at(sel.focusNode);
    if (a === null || b === null) return;
    anchor = Math.min(a, b);
    caret = Math.max(a, b) + 1;
    selected = -1;
    sel.removeAllRanges();
    renderSentence();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.addEventListener("keydown", onKey);
    const helpButton = document.getElementById("help-button");
    if (helpButton) helpButton.addEventListener("click", () => help());
    const item = document.getElementById("item");
    if (!item) return;
    data = JSON.parse(document.getElementById("item-data").textContent);
    document.querySelectorAll("#decide [data-act]").forEach((button) => {
      button.addEventListener("click", () => submit(button.dataset.act === "accept-all" ? "accept" : button.dataset.act, button.dataset.act === "accept-all"));
    });
    if (item.dataset.kind === "sentence") {
      spans = (data.shown.spans || []).map((s) => ({ start: s.start, end: s.end, label: s.label }));
      document.getElementById("sentence").addEventListener("mouseup", onMouseUp);
      renderSentence();
    }
  });
})();
