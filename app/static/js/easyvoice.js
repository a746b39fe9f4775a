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
    utterance.lang = document.documentElement.lang;
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
    var src = button.getAttribute("data-audio");
    if (!src) { speakWithBrowser(button, onDone); return Promise.resolve(); }
    player = player || new Audio();
    player.onended = null;
    player.onerror = null;
    player.src = src;
    player.onended = onDone;
    return player.play().catch(function () {
      if (mine !== run) { return; }
      // Autoplay blocked before a first tap, or the file failed: let the browser speak instead.
      if (button.hasAttribute("data-autoplay-this") && !allButton) { onDone(); return; }
      speakWithBrowser(button, onDone);
    });
  }

  function play(button) {
    stopAll();
    return say(button);
  }

  function playAll(button) {
    stopAll();
    var main = document.querySelector("main") || document.body;
    var speakers = Array.prototype.filter.call(
      main.querySelectorAll("button.speak[data-say]"),
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

  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("button.speak");
    buttons.forEach(function (button) {
      button.hidden = false;
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
      var first = document.querySelector("button.speak[data-autoplay-this]");
      if (first) { play(first); }
    }
    // A "Print" button on printable pages (hidden when there is no script to press it).
    document.querySelectorAll("button[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    // A double tap sends a form once (the server also ignores a repeat).
    document.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
        form.setAttribute("data-sent", "1");
      });
    });
  });
})();
