/* Read-aloud for EasyVoice. Answering never needs this file: it only adds sound.
   A speaker button plays its built audio; with none (or if it fails) the browser speaks.
   "Listen to all of this" plays every speaker of the page in turn, in the page's order. */
(function () {
  "use strict";
  var player = null;
  var current = null;
  var queue = [];        // the speaker buttons still to play for "Listen to all of this"
  var allButton = null;  // that button, while it plays
  var run = 0;           // bumped by every stop: a late "ended" of an old sound is ignored

  function stopAll() {
    run += 1;
    queue = [];
    if (allButton) { allButton.classList.remove("playing"); allButton = null; }
    if (player) { player.pause(); }
    if (window.speechSynthesis) { window.speechSynthesis.cancel(); }
    if (current) { current.classList.remove("playing"); current = null; }
  }

  // Called once when a button's text has been said (or could not be): the next one in the queue.
  function finished(button, mine) {
    if (mine !== run) { return; }
    button.classList.remove("playing");
    if (current === button) { current = null; }
    if (queue.length) { say(queue.shift()); return; }
    if (allButton) { allButton.classList.remove("playing"); allButton = null; }
  }

  function once(button, mine) {
    var done = false;
    return function () {
      if (done) { return; }
      done = true;
      finished(button, mine);
    };
  }

  function speakWithBrowser(button, onDone) {
    if (!window.speechSynthesis) { onDone(); return; }
    var utterance = new SpeechSynthesisUtterance(button.getAttribute("data-say"));
    utterance.lang = (button.closest("[lang]") || document.documentElement).lang;
    utterance.rate = 0.85;
    utterance.onend = onDone;
    utterance.onerror = onDone;
    window.speechSynthesis.speak(utterance);
  }

  // Say one button's text now (whatever else is queued after it stays queued).
  function say(button) {
    var mine = run;
    var onDone = once(button, mine);
    current = button;
    button.classList.add("playing");
    // One file, or several in turn (the progress, then the question): all built, or the browser speaks.
    var sources = (button.getAttribute("data-audio") || "").split(" ").filter(Boolean);
    if (!sources.length) { speakWithBrowser(button, onDone); return Promise.resolve(); }
    player = player || new Audio();
    function fallBack() {
      if (mine !== run) { return; }
      // Autoplay blocked before a first tap, or a file failed: let the browser speak instead.
      if (button.hasAttribute("data-autoplay-this") && !allButton) { onDone(); return; }
      speakWithBrowser(button, onDone);
    }
    function playFrom(index) {
      player.onended = null;
      player.onerror = null;
      player.src = sources[index];
      player.onended = function () {
        if (mine !== run) { return; }
        if (index + 1 < sources.length) { playFrom(index + 1).catch(fallBack); return; }
        onDone();
      };
      return player.play();
    }
    return playFrom(0).catch(fallBack);
  }

  function play(button) {
    stopAll();
    return say(button);
  }

  function playAll(button) {
    stopAll();
    var main = document.querySelector("main") || document.body;
    // Every text of the page that has words to say: speaker buttons, and the labels and buttons
    // that carry their own words (Next, Back, Settings, Stop, "You can choose more than 1.").
    var speakers = Array.prototype.filter.call(
      main.querySelectorAll("[data-say]:not([data-speak-all])"),
      function (b) { return b.getClientRects().length > 0; });
    if (!speakers.length) { return; }
    allButton = button;
    button.classList.add("playing");
    queue = speakers.slice(1);
    say(speakers[0]);
  }

  // Coming Back to a page from the browser's cache: its forms may be sent again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sent]").forEach(function (form) {
      form.removeAttribute("data-sent");
    });
  });

  // What the page's script adds to its content; offline.js calls it again for each step it draws.
  function init(root) {
    var buttons = root.querySelectorAll("button.speak");
    buttons.forEach(function (button) {
      button.hidden = false;
      button.removeAttribute("data-wait");  // its room was kept: it appears where it was
      if (button.hasAttribute("data-speak-all")) {
        button.addEventListener("click", function () {
          if (allButton === button) { stopAll(); return; }  // a second tap stops it
          playAll(button);
        });
        return;
      }
      button.addEventListener("click", function () { play(button); });
    });
    if (document.body.getAttribute("data-autoplay") === "on") {
      var first = root.querySelector("button.speak[data-autoplay-this]");
      if (first) { play(first); }
    }
    // A "Print" button on printable pages (hidden when there is no script to press it).
    root.querySelectorAll("button[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    // "None of these" (an exclusive tick box) goes on its own: ticking it clears the other ticks
    // of its question, and ticking another clears it. The server refuses the two together.
    root.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      box.addEventListener("change", function () {
        if (!box.checked || !box.form) { return; }
        box.form.querySelectorAll("input[type=checkbox]").forEach(function (other) {
          if (other !== box && other.name === box.name &&
              (box.hasAttribute("data-exclusive") || other.hasAttribute("data-exclusive"))) {
            other.checked = false;
          }
        });
      });
    });
    // "Say what" beside an "other" card: shown once that card is chosen (always there without script).
    root.querySelectorAll("[data-other-for]").forEach(function (say) {
      var form = say.closest("form");
      if (!form) { return; }
      var choices = form.querySelectorAll("input[name=answer]");
      var show = function () {
        var chosen = Array.prototype.some.call(choices, function (input) {
          return input.checked && input.value === say.getAttribute("data-other-for");
        });
        say.hidden = !chosen;
      };
      choices.forEach(function (input) { input.addEventListener("change", show); });
      show();
    });
    // A number question's keypad types into its box (the box also takes the tablet's keyboard).
    root.querySelectorAll("[data-keypad-for]").forEach(function (keypad) {
      var box = document.getElementById(keypad.getAttribute("data-keypad-for"));
      if (!box) { return; }
      keypad.hidden = false;
      keypad.addEventListener("click", function (event) {
        var key = event.target.closest("button[data-key]");
        if (!key) { return; }
        var typed = box.value.replace(/[^0-9]/g, "");
        if (key.getAttribute("data-key") === "back") {
          typed = typed.slice(0, -1);
        } else if (typed.length < (box.maxLength > 0 ? box.maxLength : 6)) {
          typed = (typed === "0" ? "" : typed) + key.getAttribute("data-key");
        }
        box.value = typed;
      });
    });
    // A double tap sends a form once (the server also ignores a repeat).
    root.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
        form.setAttribute("data-sent", "1");
      });
    });
  }

  // A tablet ready for no wifi sends its outbox from any page, and after signing out its store is
  // wiped: offline.js does both (issue 14). Only such a tablet loads it; others never fetch it.
  var offlineScript = (document.currentScript && document.currentScript.src || "").replace("easyvoice.js", "offline.js");
  function needsOffline() {
    try {
      return Boolean(window.localStorage.getItem("easyvoice-outbox")) || document.body.hasAttribute("data-wipe-tablet");
    } catch (error) {
      return false;  // storage turned off: nothing was ever kept
    }
  }

  window.EasyVoice = { init: init, stopAll: stopAll };
  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    window.EasyVoice.ready = true;
    if (offlineScript && !document.querySelector("script[src*='offline.js']") && needsOffline()) {
      var script = document.createElement("script");
      script.src = offlineScript;
      document.head.appendChild(script);
    }
  });
})();
