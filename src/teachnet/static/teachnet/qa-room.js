// The live Q&A room (qa.live): polls the room's feed every couple of seconds for what changed since the last
// revision it holds, pings presence while the page is open, and sends questions, upvotes and answers.
// Everything a person wrote is put in the page as text (textContent), never as HTML.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("qa-room-config").textContent);
  const T = window.QA_TEXT;
  const headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
  const csrf = headers["X-CSRFToken"] || "";
  const list = document.getElementById("qa-questions");
  const empty = document.getElementById("qa-empty");
  const status = document.getElementById("qa-status");
  const template = document.getElementById("qa-t-question");
  const openOnly = document.getElementById("qa-open-only");
  const messages = new Map(); // id -> payload
  const myVotes = new Set(config.my_votes);
  let rev = 0;
  let sort = "new";
  let stopped = false;
  let timer = null;
  let failures = 0;

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(data || {}),
      credentials: "same-origin",
    }).then((r) => r.json().catch(() => ({ ok: false, message: T.failed })));
  }

  function questionNode(q) {
    let li = document.getElementById("q" + q.id);
    if (!li) {
      li = template.content.firstElementChild.cloneNode(true);
      li.id = "q" + q.id;
      li.dataset.testid = "qa-question";
      li.querySelector(".qa-vote").addEventListener("click", () => vote(q.id));
      if (config.is_host) addHostActions(li, q.id);
      list.appendChild(li);
      li.classList.add("qa-new");
      setTimeout(() => li.classList.remove("qa-new"), 3000);
    }
    return li;
  }

  function addHostActions(li, id) {
    const actions = li.querySelector(".qa-actions");
    const answerButton = document.createElement("button");
    answerButton.type = "button";
    answerButton.className = "secondary qa-answer-open";
    answerButton.textContent = T.answer;
    const markButton = document.createElement("button");
    markButton.type = "button";
    markButton.className = "linklike qa-mark";
    actions.append(" ", answerButton, " ", markButton);
    markButton.addEventListener("click", () => {
      const q = messages.get(id);
      post(config.message_base + id + "/mark/", { answered: q && q.answered ? 0 : 1 }).then(done);
    });
    answerButton.addEventListener("click", () => {
      if (li.querySelector("form.qa-answer-form")) return;
      const form = document.createElement("form");
      form.className = "qa-answer-form";
      const area = document.createElement("textarea");
      area.rows = 2;
      area.maxLength = 2000;
      area.name = "body";
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = true;
      label.append(box, " ", T.alsoMark);
      const send = document.createElement("button");
      send.type = "submit";
      send.className = "primary";
      send.textContent = T.send;
      const error = document.createElement("span");
      error.className = "qa-error";
      error.setAttribute("role", "alert");
      form.append(area, label, " ", send, " ", error);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        send.disabled = true;
        post(config.message_base + id + "/answer/", { body: area.value, mark: box.checked ? 1 : 0 }).then((r) => {
          send.disabled = false;
          if (r.ok) {
            form.remove();
            done(r);
          } else {
            error.textContent = r.message || T.failed;
          }
        });
      });
      actions.after(form);
      area.focus();
    });
  }

  function answerNode(a) {
    const parent = document.getElementById("q" + a.question);
    if (!parent) return; // its question arrives in the same answer or the next one
    let li = document.getElementById("a" + a.id);
    if (!li) {
      li = document.createElement("li");
      li.id = "a" + a.id;
      li.className = "qa-a qa-new";
      li.dataset.testid = "qa-answer";
      const head = document.createElement("div");
      const who = document.createElement("strong");
      const meta = document.createElement("span");
      meta.className = "muted";
      head.append(who, " ", meta);
      const body = document.createElement("div");
      body.className = "qa-body";
      li.append(head, body);
      parent.querySelector(".qa-answers").appendChild(li);
      setTimeout(() => li.classList.remove("qa-new"), 3000);
    }
    li.querySelector("strong").textContent = a.author;
    li.querySelector(".muted").textContent = T.host + " · " + a.at_display;
    li.querySelector(".qa-body").textContent = a.body;
  }

  function paintQuestion(q) {
    const li = questionNode(q);
    li.querySelector(".qa-author").textContent = q.author;
    li.querySelector(".qa-at").textContent = q.at_display;
    li.querySelector(".qa-body").textContent = q.body;
    const badge = li.querySelector(".qa-badge");
    badge.textContent = q.answered ? T.answered : q.moved ? T.moved : T.open;
    li.classList.toggle("answered", q.answered);
    const voteButton = li.querySelector(".qa-vote");
    const mine = myVotes.has(q.id);
    voteButton.textContent = (mine ? T.voted : T.vote) + " " + q.votes;
    voteButton.classList.toggle("on", mine);
    voteButton.disabled = !config.can_ask || stopped;
    voteButton.setAttribute("aria-pressed", mine ? "true" : "false");
    li.dataset.votes = q.votes;
    li.dataset.at = q.at;
    const mark = li.querySelector(".qa-mark");
    if (mark) mark.textContent = q.answered ? T.markOpen : T.markAnswered;
  }

  function arrange() {
    const items = Array.from(list.children);
    items.sort((x, y) => {
      if (sort === "votes" && y.dataset.votes !== x.dataset.votes) return y.dataset.votes - x.dataset.votes;
      return y.dataset.at < x.dataset.at ? -1 : y.dataset.at > x.dataset.at ? 1 : 0;
    });
    for (const li of items) {
      list.appendChild(li);
      li.hidden = openOnly.checked && li.classList.contains("answered");
    }
    empty.hidden = items.length > 0;
  }

  function apply(answer) {
    for (const m of answer.messages) messages.set(m.id, m);
    for (const m of answer.messages) if (m.kind === "question") paintQuestion(m);
    for (const m of messages.values()) if (m.kind === "answer" && !document.getElementById("a" + m.id)) answerNode(m);
    for (const m of answer.messages) if (m.kind === "answer") answerNode(m);
    rev = Math.max(rev, answer.rev);
    if (answer.messages.length) arrange();
    if (answer.state === "ended" || answer.state === "cancelled") {
      stopped = true;
      status.textContent = T.ended;
      const ask = document.getElementById("qa-ask");
      if (ask) ask.hidden = true;
    } else if (answer.state === "live") {
      status.textContent = T.live;
    }
  }

  function poll() {
    clearTimeout(timer);
    if (stopped) return;
    fetch(config.feed + "?since=" + rev, { headers: { "X-QA-Pass": config.pass }, cache: "no-store" })
      .then((r) => {
        if (r.status === 403) {
          stopped = true;
          status.textContent = T.reload;
          return null;
        }
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      })
      .then((answer) => {
        if (answer) apply(answer);
        failures = 0;
        if (!stopped) timer = setTimeout(poll, config.poll_ms);
      })
      .catch(() => {
        failures += 1;
        status.textContent = T.offline;
        timer = setTimeout(poll, Math.min(10000, config.poll_ms * (1 + failures)));
      });
  }

  function done(r) {
    if (r && r.ok === false) window.alert(r.message || T.failed);
    poll();
  }

  function vote(id) {
    const on = !myVotes.has(id);
    post(config.message_base + id + "/vote/", { on: on ? 1 : 0 }).then((r) => {
      if (r.ok) {
        if (on) myVotes.add(id);
        else myVotes.delete(id);
        const q = messages.get(id);
        if (q) {
          q.votes = r.votes;
          paintQuestion(q);
        }
      }
      done(r);
    });
  }

  const askForm = document.getElementById("qa-ask");
  if (askForm) {
    askForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const area = document.getElementById("qa-ask-body");
      const error = document.getElementById("qa-ask-error");
      const button = askForm.querySelector("button");
      button.disabled = true;
      post(config.ask, { body: area.value }).then((r) => {
        button.disabled = false;
        if (r.ok) {
          area.value = "";
          error.textContent = "";
          poll();
        } else {
          error.textContent = r.message || T.failed;
        }
      });
    });
  }
  for (const button of document.querySelectorAll("[data-sort]")) {
    button.addEventListener("click", () => {
      sort = button.dataset.sort;
      arrange();
    });
  }
  openOnly.addEventListener("change", arrange);

  function ping() {
    if (stopped || !config.counts_presence) return;
    fetch(config.presence, { method: "POST", headers: { "X-QA-Pass": config.pass } })
      .then((r) => r.json())
      .then((r) => {
        if (r && r.ok === false && r.message) status.textContent = r.message;
      })
      .catch(() => {});
  }
  ping();
  setInterval(ping, config.ping_ms);
  poll();
})();
