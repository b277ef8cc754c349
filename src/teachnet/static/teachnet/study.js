// The study player (LRN-1, LRN-2): starts a study session, sends a heartbeat every beat_seconds while the
// learner is here (page visible and focused, and active recently or the video playing), shows the server's
// presence questions, keeps a first viewing from seeking ahead, and says goodbye when the page goes away.
// The server decides what every heartbeat is worth; this page only reports.
(function () {
  "use strict";
  var root = document.getElementById("player");
  if (!root) return;
  var text = document.getElementById("study-messages").dataset;
  var el = function (id) { return root.querySelector('[data-testid="' + id + '"]'); };
  var csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";

  var state = {
    token: null, seq: 0, beatMs: 30000, activityMs: 120000, timer: null, ended: false, checkOpen: null,
    lastActivity: Date.now(), credited: Number(root.dataset.credited || 0), played: [], segment: null,
    furthest: 0, completed: false, maxRate: 1.5,
  };

  // A duration as the page's server-side text says it (core.text.duration): hours and minutes, minutes and
  // seconds, or seconds; the templates come translated from the page.
  function duration(seconds) {
    var total = Math.max(0, Math.round(Number(seconds) || 0));
    var h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    var t = h ? text.durationHours : m ? text.durationMinutes : text.durationSeconds;
    return t.replace("{h}", h).replace("{m}", m).replace("{s}", s);
  }

  function show(id, seconds) {
    var node = el(id);
    node.dataset.seconds = seconds;
    node.textContent = duration(seconds);
  }

  function post(url, body, withCsrf) {
    var headers = { "Content-Type": "application/json" };
    if (withCsrf) headers["X-CSRFToken"] = decodeURIComponent(csrf);
    return fetch(url, { method: "POST", headers: headers, body: JSON.stringify(body), credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (j) { return { status: r.status, body: j }; }); });
  }

  function say(message, kind) {
    var s = el("clock-state");
    s.textContent = message;
    s.dataset.state = kind || "";
  }

  // --- Presence: is the learner here? ------------------------------------------------------------------------
  ["mousemove", "mousedown", "keydown", "scroll", "wheel", "touchstart", "pointerdown"].forEach(function (name) {
    window.addEventListener(name, function () { state.lastActivity = Date.now(); }, { passive: true, capture: true });
  });
  var video = document.getElementById("study-video");
  function videoPlaying() { return !!video && !video.paused && !video.ended; }
  function present() {
    if (document.visibilityState !== "visible" || !document.hasFocus()) return false;
    return videoPlaying() || Date.now() - state.lastActivity < state.activityMs;
  }

  // --- Heartbeats ---------------------------------------------------------------------------------------------
  function schedule(ms) {
    clearTimeout(state.timer);
    if (!state.ended) state.timer = setTimeout(beat, ms);
  }

  function takePlayed() {
    closeSegment();
    var played = state.played;
    state.played = [];
    return played;
  }

  function beat() {
    if (state.ended) return;
    if (!present() && !state.checkOpen) {
      say(text.paused, "paused");
      schedule(1000); // look again soon; the server counts the gap as away
      return;
    }
    var seq = state.seq + 1;
    var body = { token: state.token, seq: seq };
    if (video) body.played = takePlayed();
    post(root.dataset.beatUrl, body, false).then(function (res) {
      var b = res.body;
      if (b.accepted) state.seq = seq;
      handle(b);
      schedule(state.beatMs);
    }).catch(function () {
      if (video && body.played) state.played = body.played.concat(state.played);
      say(text.offline, "offline");
      schedule(5000); // the same seq again: a retry credits nothing twice
    });
  }

  function handle(b) {
    if (b.ended) return end(b.ended);
    if (b.accepted === false) return end("closed");
    state.credited += b.credited || 0;
    show("credited", state.credited);
    show("session-seconds", b.session_seconds);
    show("today-room", b.today_room_seconds);
    if (b.check) return openCheck(b.check);
    if (b.reason === "skipped") say(text.skipped, "skipped");
    else if (b.reason === "resource_cap" || b.reason === "daily_cap") say(text.cap, "cap");
    else say(text.counting, "counting");
  }

  function end(reason) {
    state.ended = true;
    clearTimeout(state.timer);
    if (video && !video.paused) video.pause();
    var dialog = document.getElementById("presence-check");
    if (dialog.open) dialog.close();
    // data-ended-takeover is dataset.endedTakeover, data-ended-no_answer dataset.endedNo_answer
    var key = "ended" + reason.charAt(0).toUpperCase() + reason.slice(1);
    say(text[key] || text.endedClosed, "ended");
  }

  // --- Presence questions -------------------------------------------------------------------------------------
  var dialog = document.getElementById("presence-check");
  function openCheck(check) {
    state.checkOpen = check;
    say(text.waiting, "waiting");
    if (video && !video.paused) video.pause();
    dialog.querySelector('[data-testid="check-prompt"]').textContent = check.prompt;
    dialog.querySelector('[data-testid="check-error"]').textContent = "";
    dialog.querySelector('[data-testid="check-left"]').textContent = "";
    if (!dialog.open) dialog.showModal();
    dialog.querySelector("input").focus();
  }
  dialog.addEventListener("cancel", function (e) { e.preventDefault(); }); // Esc does not dismiss it
  dialog.querySelector("form").addEventListener("submit", function (e) {
    e.preventDefault();
    var input = dialog.querySelector("input");
    var url = root.dataset.answerUrl.replace("/0/", "/" + state.checkOpen.id + "/");
    post(url, { token: state.token, answer: input.value }, false).then(function (res) {
      var r = res.body;
      input.value = "";
      if (r.ended) return end(r.ended);
      if (r.correct) {
        state.checkOpen = null;
        dialog.close();
        say(text.counting, "counting");
        schedule(state.beatMs); // the clock resumes from the answer
        return;
      }
      dialog.querySelector('[data-testid="check-error"]').textContent =
        (text.wrong || "").replace("{n}", r.attempts_left);
    });
  });

  // --- Video: segments watched, no seeking ahead on a first viewing, speed limit ------------------------------
  function closeSegment() {
    if (state.segment && state.segment[1] > state.segment[0]) state.played.push([state.segment[0], state.segment[1]]);
    state.segment = null;
  }
  if (video) {
    var lastTime = 0;
    video.addEventListener("timeupdate", function () {
      var t = video.currentTime;
      if (!video.seeking && !video.paused && t >= lastTime && t - lastTime < 2) {
        if (!state.segment) state.segment = [lastTime, t];
        state.segment[1] = t;
        if (state.segment[0] <= state.furthest + 1) state.furthest = Math.max(state.furthest, t);
      }
      lastTime = t;
    });
    video.addEventListener("seeking", function () {
      closeSegment();
      if (!state.completed && video.currentTime > state.furthest + 1) {
        video.currentTime = state.furthest;
        say(text.seek, "seek");
      }
      lastTime = video.currentTime;
    });
    video.addEventListener("ended", function () {
      closeSegment();
      if (state.furthest >= video.duration - 2) state.completed = true;
    });
    video.addEventListener("ratechange", function () {
      if (video.playbackRate > state.maxRate) video.playbackRate = state.maxRate;
    });
    video.addEventListener("play", function () { state.lastActivity = Date.now(); });
  }

  // --- PDF through pdf.js (from npm, served by the app) -------------------------------------------------------
  var pdfView = document.getElementById("pdf-view");
  function renderPdf(pdfjs) {
    pdfjs.GlobalWorkerOptions.workerSrc = pdfView.dataset.worker;
    var doc = null, page = 1;
    var canvas = document.createElement("canvas");
    pdfView.appendChild(canvas);
    function draw() {
      doc.getPage(page).then(function (p) {
        var viewport = p.getViewport({ scale: Math.min(2, (pdfView.clientWidth || 800) / p.getViewport({ scale: 1 }).width) });
        canvas.width = viewport.width;
        canvas.height = viewport.height;
        p.render({ canvasContext: canvas.getContext("2d"), viewport: viewport });
        root.querySelector('[data-testid="pdf-page"]').textContent = page + " / " + doc.numPages;
      });
    }
    pdfjs.getDocument({ url: pdfView.dataset.src, cMapUrl: pdfView.dataset.cmaps, cMapPacked: true,
      standardFontDataUrl: pdfView.dataset.fonts }).promise.then(function (d) { doc = d; draw(); });
    root.querySelectorAll("[data-pdf]").forEach(function (b) {
      b.addEventListener("click", function () {
        if (!doc) return;
        page = b.dataset.pdf === "next" ? Math.min(doc.numPages, page + 1) : Math.max(1, page - 1);
        draw();
      });
    });
  }
  if (pdfView) {
    if (window.teachnetPdf) renderPdf(window.teachnetPdf);
    else document.addEventListener("teachnet:pdfjs", function () { renderPdf(window.teachnetPdf); }, { once: true });
  }

  // --- Start and goodbye --------------------------------------------------------------------------------------
  post(root.dataset.startUrl, { course: Number(root.dataset.course), resource: Number(root.dataset.resource) }, true)
    .then(function (res) {
      if (res.status !== 201) {
        var detail = res.body.non_field_errors || res.body.detail || [];
        state.ended = true;
        say(text.refused + " " + [].concat(detail).join(" "), "refused");
        return;
      }
      var s = res.body;
      state.token = s.token;
      state.beatMs = s.beat_seconds * 1000;
      state.activityMs = s.activity_seconds * 1000;
      state.maxRate = s.max_playback_rate;
      state.furthest = s.video_furthest;
      state.completed = s.video_completed;
      state.credited = s.credited_seconds;
      show("credited", state.credited);
      show("today-room", s.today_room_seconds);
      say(text.counting, "counting");
      schedule(state.beatMs);
    });
  window.addEventListener("pagehide", function () {
    if (!state.token || state.ended) return;
    var blob = new Blob([JSON.stringify({ token: state.token })], { type: "application/json" });
    navigator.sendBeacon(root.dataset.closeUrl, blob);
  });
})();
