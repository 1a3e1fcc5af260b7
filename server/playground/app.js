/* global document, localStorage, fetch, performance, TextDecoderStream, AbortController, URLSearchParams */
/**
 * The segment playground: a plain ES module (no build step, no framework) that talks to the
 * API like any client, with the key the user enters. Runs stream server-sent events: the
 * steps as they run, the draft segment, its size, the clarifying question, the diff of an
 * edit, the result. A follow-up goes on the same thread; every version can be gone back to.
 */

const KEY_STORAGE = "segment-playground.key";
const NUMBER = new Intl.NumberFormat("en-GB");

const state = {
  key: "",
  /** The conversation's thread; a new request starts a new one. */
  threadId: null,
  /** The run in progress, to stop it. */
  controller: null,
  segmentId: null,
  membersCursor: null,
};

const $ = (id) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing`);
  return el;
};

/** A DOM element; text goes in as text, never as HTML. */
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") el.className = value;
    else if (name === "text") el.textContent = value;
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) el.append(child);
  return el;
}

// ---------------------------------------------------------------- API

class ApiError extends Error {
  constructor(status, error) {
    const detail = error
      ? [error.code, error.requestId && `request ${error.requestId}`].filter(Boolean).join(", ")
      : `HTTP ${status}`;
    super(error?.message ? `${error.message} (${detail})` : detail);
    this.status = status;
    this.code = error?.code;
  }
}

async function api(path, { method = "GET", json, accept, signal } = {}) {
  const headers = { Authorization: `Bearer ${state.key}` };
  if (json !== undefined) headers["Content-Type"] = "application/json";
  if (accept) headers.Accept = accept;
  const body = json === undefined ? undefined : JSON.stringify(json);
  const res = await fetch(path, { method, headers, body, signal });
  if (!res.ok) {
    const envelope = await res.json().catch(() => null);
    throw new ApiError(res.status, envelope?.error);
  }
  return res;
}

/** Server-sent events of a streamed response, as `{ event, data }`. */
async function* readEvents(res) {
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length > 0) yield { event, data: JSON.parse(data.join("\n")) };
    }
  }
}

// ---------------------------------------------------------------- messages and progress

function showError(err) {
  const el = $("error");
  el.textContent =
    err instanceof ApiError && err.status === 401
      ? `${err.message} — check the API key.`
      : err instanceof Error
        ? err.message
        : String(err);
  el.hidden = false;
}

function clearError() {
  $("error").hidden = true;
  $("error").textContent = "";
}

function addLog(who, text) {
  const item = h(
    "li",
    { class: `msg msg-${who}` },
    h("span", { class: "who", text: who === "user" ? "You" : "Agent" }),
    h("span", { class: "text", text }),
  );
  $("log").append(item);
  item.scrollIntoView({ block: "nearest" });
}

function formatMs(ms) {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${NUMBER.format(Math.round(ms))} ms`;
}

function onStep({ node, phase, ms }) {
  const steps = $("steps");
  if (phase === "started") {
    steps.append(
      h(
        "li",
        { class: "step running", "data-node": node },
        h("span", { class: "node", text: node }),
        h("span", { class: "ms", text: "running…" }),
      ),
    );
    return;
  }
  const running = [...steps.querySelectorAll("li.running")].find((li) => li.dataset.node === node);
  const item =
    running ??
    steps.appendChild(
      h(
        "li",
        { class: "step" },
        h("span", { class: "node", text: node }),
        h("span", { class: "ms" }),
      ),
    );
  item.classList.remove("running");
  item.querySelector(".ms").textContent = typeof ms === "number" ? formatMs(ms) : "done";
}

/** Steps a run left unfinished: the question waiting for an answer, or a stopped run. */
function settleSteps(text) {
  for (const item of $("steps").querySelectorAll("li.running")) {
    item.classList.replace("running", "settled");
    item.querySelector(".ms").textContent = text;
  }
}

function setRunning(controller) {
  state.controller = controller;
  const busy = controller !== null;
  $("send").disabled = busy;
  $("send-followup").disabled = busy;
  $("stop").hidden = !busy;
  for (const button of document.querySelectorAll(
    "#options button, #answer-form button, #version-list button",
  )) {
    button.disabled = busy;
  }
  document.body.classList.toggle("busy", busy);
}

// ---------------------------------------------------------------- the segment

const countNodes = (node) =>
  node.type === "and" || node.type === "or"
    ? 1 + node.children.reduce((n, child) => n + countNodes(child), 0)
    : node.type === "not"
      ? 1 + countNodes(node.child)
      : 1;

/** A condition's words from its explanation line, without the indent and provenance. */
function lineText(line) {
  return line.trim().replace(/\s{3}\[from ".*"; \w+; confidence [\d.]+\]$/, "");
}

/** When no explanation line fits: the condition from its fields alone. */
function describe(c) {
  const when = c.window ? ` ${c.window.label}` : "";
  if (c.type === "attribute") {
    return `${c.facet} ${c.op === "not_in" ? "is not" : "is"} ${c.values.join(" or ")}`;
  }
  if (c.type === "recency") return `${c.which} purchase${when}`;
  const items = [c.item, ...(c.andItems ?? [])].filter(Boolean);
  const what = items.length ? items.map((i) => i.values.join(" or ")).join(" and ") : "anything";
  const cmp = c.comparison
    ? ` ${c.measure} ${c.comparison.op} ${c.comparison.value}${c.comparison.value2 !== undefined ? `–${c.comparison.value2}` : ""}`
    : "";
  return `${c.event}: ${what}${cmp}${when}`;
}

function provenance(p) {
  return h(
    "span",
    { class: "prov", title: `produced by ${p.producer}` },
    "from ",
    h("q", { class: "span", text: p.span }),
    h("span", { class: `src src-${p.source}`, text: p.source }),
    h("span", { class: "conf", text: `confidence ${p.confidence.toFixed(2)}` }),
  );
}

const GROUP_LABELS = { and: "ALL of", or: "ANY of", not: "NOT" };

function renderTree(root, explanation) {
  const lines = countNodes(root) === explanation.length ? [...explanation] : null;
  const build = (node) => {
    const line = lines?.shift();
    if (node.type in GROUP_LABELS) {
      const children = node.type === "not" ? [node.child] : node.children;
      return h(
        "li",
        { class: `group group-${node.type}` },
        h("span", { class: "op", text: GROUP_LABELS[node.type] }),
        node.provenance ? provenance(node.provenance) : null,
        h("ul", {}, ...children.map(build)),
      );
    }
    return h(
      "li",
      { class: "cond" },
      h("span", { class: "cond-text", text: line ? lineText(line) : describe(node) }),
      provenance(node.provenance),
    );
  };
  $("tree").replaceChildren(h("ul", { class: "tree-root" }, build(root)));
}

function showSize(size) {
  $("size").textContent = typeof size === "number" ? NUMBER.format(size) : "…";
  $("size-unit").textContent = size === 1 ? "customer" : "customers";
}

function showSegment({ segment, explanation, sql, params, size }) {
  $("placeholder").hidden = true;
  $("rejected").hidden = true;
  $("result").hidden = false;
  $("result-request").textContent = `“${segment.request}” · as of ${segment.asOf}`;
  renderTree(segment.root, explanation ?? []);
  showSize(size);
  if (sql !== undefined) {
    $("sql").textContent = sql ?? "";
    $("params").replaceChildren(
      ...(params ?? []).map((value, i) =>
        h("li", { text: `$${i + 1} = ${JSON.stringify(value)}` }),
      ),
    );
  }
}

/** What the last edit changed: conditions added, removed, changed; the size before → after. */
function showDiff(diff) {
  if (!diff) {
    $("diff").hidden = true;
    return;
  }
  $("diff-versions").textContent = `· version ${diff.fromVersion} → ${diff.toVersion}`;
  const items = [
    ...diff.added.map((a) => h("li", { class: "added", text: `+ ${a.description}` })),
    ...diff.removed.map((r) => h("li", { class: "removed", text: `− ${r.description}` })),
    ...diff.changed.map((c) =>
      h("li", { class: "changed", text: `~ ${c.after.description} (${c.what.join("; ")})` }),
    ),
  ];
  if (diff.sizeBefore !== null && diff.sizeAfter !== null)
    items.push(
      h("li", {
        class: "size-change",
        text: `${NUMBER.format(diff.sizeBefore)} → ${NUMBER.format(diff.sizeAfter)} customers`,
      }),
    );
  $("diff-list").replaceChildren(...items);
  $("diff").hidden = false;
}

/** The thread's versions, newest last, each with a way back to it. */
async function showVersions() {
  if (!state.threadId) return;
  try {
    const thread = await (await api(`/v1/threads/${state.threadId}`)).json();
    const current = thread.version;
    const items = thread.versions.map((v) => {
      const label = `v${v.version} · ${v.kind} · ${NUMBER.format(v.size ?? 0)} · “${v.text}”`;
      const item = h(
        "li",
        { class: v.version === current ? "current" : "" },
        h("span", { text: label }),
      );
      if (v.version !== current) {
        const button = h("button", {
          type: "button",
          class: "revert",
          "data-version": v.version,
          text: `Go back to v${v.version}`,
          disabled: state.controller !== null,
        });
        button.addEventListener("click", () => void revert(v.version));
        item.append(" ", button);
      }
      return item;
    });
    $("version-list").replaceChildren(...items);
    $("versions").hidden = items.length === 0;
  } catch (err) {
    showError(err);
  }
}

function clearResult() {
  for (const id of ["question", "result", "rejected", "saved", "diff", "versions"])
    $(id).hidden = true;
  $("placeholder").hidden = false;
  $("steps").replaceChildren();
  $("elapsed").textContent = "";
  $("sql").textContent = "";
  $("params").replaceChildren();
  $("save").disabled = false;
  $("save").textContent = "Save segment";
  state.segmentId = null;
}

// ---------------------------------------------------------------- the clarifying question

function showQuestion(q) {
  $("placeholder").hidden = true;
  $("question-text").textContent = q.question;
  const buttons = q.options.map((option, i) => {
    const size = typeof option.size === "number" ? NUMBER.format(option.size) : "?";
    const button = h(
      "button",
      { type: "button", class: "option", disabled: state.controller !== null },
      h("span", { class: "opt-label", text: option.label }),
      h("span", { class: "opt-size" }, h("b", { text: size }), " customers"),
    );
    button.addEventListener("click", () => answer(i + 1, option.label));
    return h("li", {}, button);
  });
  $("options").replaceChildren(...buttons);
  $("answer").value = "";
  $("question").hidden = false;
}

// ---------------------------------------------------------------- runs

function onEvent({ event, data }) {
  switch (event) {
    case "step":
      return onStep(data);
    case "draft":
      return showSegment({ ...data, size: null });
    case "size":
      return showSize(data.size);
    case "diff":
      return showDiff(data);
    case "clarification":
      return showQuestion(data);
    case "done":
      return finish(data);
    case "error":
      throw new ApiError(500, data);
  }
}

function finish(result) {
  document.body.dataset.status = result.status;
  settleSteps(result.status === "needs_clarification" ? "waiting for you" : "done");
  if (result.status === "needs_clarification" && result.clarification) {
    showQuestion(result.clarification);
    addLog("agent", result.clarification.question);
  } else if (result.status === "ok" && result.segment) {
    $("question").hidden = true;
    showSegment(result);
    showDiff(result.diff);
    if (!state.segmentId) $("segment-name").value = result.segment.request.slice(0, 200);
    addLog("agent", result.message);
    void showVersions();
  } else if (result.segment) {
    // A refused edit: the segment stands as it was; say why.
    $("question").hidden = true;
    addLog("agent", result.rejection?.message || result.message);
    $("rejected").textContent = result.rejection?.message || result.message;
    $("rejected").hidden = false;
  } else {
    $("result").hidden = true;
    $("placeholder").hidden = true;
    const message = result.rejection?.message || result.message;
    $("rejected").textContent = message;
    $("rejected").hidden = false;
    addLog("agent", message);
  }
}

async function run(path, body, said) {
  clearError();
  addLog("user", said);
  $("question").hidden = true;
  $("steps").replaceChildren();
  const controller = new AbortController();
  setRunning(controller);
  document.body.dataset.status = "running";
  const started = performance.now();
  try {
    const res = await api(path, {
      method: "POST",
      json: body,
      accept: "text/event-stream",
      signal: controller.signal,
    });
    for await (const event of readEvents(res)) onEvent(event);
    if (document.body.dataset.status === "running") {
      throw new Error("The connection closed before the run finished.");
    }
  } catch (err) {
    document.body.dataset.status = controller.signal.aborted ? "stopped" : "error";
    settleSteps("stopped");
    if (controller.signal.aborted) addLog("agent", "Stopped.");
    else showError(err);
  } finally {
    $("elapsed").textContent = `· ${formatMs(performance.now() - started)} in all`;
    setRunning(null);
  }
}

async function request(text) {
  if (!requireKey()) return;
  clearError();
  clearResult();
  try {
    const thread = await (await api("/v1/threads", { method: "POST", json: {} })).json();
    state.threadId = thread.id;
  } catch (err) {
    showError(err);
    return;
  }
  await run(`/v1/threads/${state.threadId}/messages`, { text }, text);
}

function answer(value, said) {
  return run(`/v1/threads/${state.threadId}/answers`, { answer: value }, said);
}

/** A follow-up on the same thread: an edit of the segment, or a question about it. */
function followUp(text) {
  if (!requireKey() || !state.threadId) return;
  $("rejected").hidden = true;
  return run(`/v1/threads/${state.threadId}/messages`, { text }, text);
}

/** Back to an earlier version, as the next one: the saved segment's revert, else a message. */
function revert(version) {
  $("rejected").hidden = true;
  return state.segmentId
    ? run(`/v1/segments/${state.segmentId}/revert`, { version }, `Go back to version ${version}`)
    : run(
        `/v1/threads/${state.threadId}/messages`,
        { text: `go back to version ${version}` },
        `Go back to version ${version}`,
      );
}

// ---------------------------------------------------------------- key, saving, members

function requireKey() {
  if (state.key) return true;
  showError(new Error("Enter an API key first (npm run segment -- keys create --tenant ID)."));
  $("api-key").focus();
  return false;
}

async function useKey(key) {
  state.key = key;
  const tenant = $("tenant");
  tenant.textContent = "Checking the key…";
  try {
    const t = await (await api("/v1/tenant")).json();
    localStorage.setItem(KEY_STORAGE, key);
    clearError();
    tenant.replaceChildren(
      "Tenant ",
      h("strong", { id: "tenant-id", text: t.id }),
      ` · as of ${t.asOf} · ${t.facets.length} facets`,
    );
  } catch (err) {
    state.key = "";
    if (err instanceof ApiError && err.status === 401) localStorage.removeItem(KEY_STORAGE);
    tenant.textContent = "Key not accepted";
    showError(err);
  }
}

async function save(name) {
  clearError();
  $("save").disabled = true;
  try {
    const res = await api("/v1/segments", {
      method: "POST",
      json: { threadId: state.threadId, name },
    });
    const segment = await res.json();
    state.segmentId = segment.id;
    const link = h("a", {
      href: `/v1/segments/${segment.id}/members`,
      id: "members-link",
      text: "Show members",
    });
    link.addEventListener("click", (e) => {
      e.preventDefault();
      $("members").replaceChildren();
      state.membersCursor = null;
      void loadMembers();
    });
    $("saved-text").replaceChildren(
      `Saved “${segment.name}” (version ${segment.version}, ${NUMBER.format(segment.size ?? 0)} members). `,
      link,
    );
    $("members").replaceChildren();
    $("more-members").hidden = true;
    $("saved").hidden = false;
    $("save").textContent = "Saved";
    addLog("agent", `Saved as “${segment.name}”.`);
  } catch (err) {
    $("save").disabled = false;
    showError(err);
  }
}

async function loadMembers() {
  if (!state.segmentId) return;
  const query = new URLSearchParams({ limit: "100" });
  if (state.membersCursor) query.set("cursor", state.membersCursor);
  try {
    const res = await api(`/v1/segments/${state.segmentId}/members?${query}`);
    const page = await res.json();
    $("members").append(...page.items.map((id) => h("li", { text: id })));
    state.membersCursor = page.nextCursor;
    $("more-members").hidden = !page.nextCursor;
  } catch (err) {
    showError(err);
  }
}

// ---------------------------------------------------------------- wiring

$("key-form").addEventListener("submit", (e) => {
  e.preventDefault();
  void useKey($("api-key").value.trim());
});

// Enter sends; Shift+Enter starts a new line.
$("request").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    $("request-form").requestSubmit();
  }
});

$("request-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("request").value.trim();
  if (text) void request(text);
});

for (const example of document.querySelectorAll("button.example")) {
  example.addEventListener("click", () => {
    $("request").value = example.textContent.trim().replace(/\s+/g, " ");
    $("request").focus();
  });
}

$("stop").addEventListener("click", () => state.controller?.abort());

$("answer-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("answer").value.trim();
  if (text) void answer(text, text);
});

$("followup-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("followup").value.trim();
  if (!text) return;
  $("followup").value = "";
  void followUp(text);
});

$("followup").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    $("followup-form").requestSubmit();
  }
});

$("save-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const name = $("segment-name").value.trim();
  if (name) void save(name);
});

$("more-members").addEventListener("click", () => void loadMembers());

const stored = localStorage.getItem(KEY_STORAGE);
if (stored) {
  $("api-key").value = stored;
  void useKey(stored);
}
