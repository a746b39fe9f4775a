/* Read-aloud for EasyVoice. Answering never needs this file: it only adds sound.
   A speaker button plays its built audio; with none (or if it fails) the browser speaks. */
(function () {
  "use strict";
  var player = null;
  var current = null;

  function stopAll() {
    if (player) { player.pause(); }
    if (window.speechSynthesis) { window.speechSynthesis.cancel(); }
    if (current) { current.classList.remove("playing"); current = null; }
  }

  function speakWithBrowser(button) {
    if (!window.speechSynthesis) { return; }
    var utterance = new SpeechSynthesisUtterance(button.getAttribute("data-say"));
    utterance.lang = document.documentElement.lang;
    utterance.rate = 0.85;
    utterance.onend = function () { button.classList.remove("playing"); };
    window.speechSynthesis.speak(utterance);
  }

  function play(button) {
    stopAll();
    current = button;
    button.classList.add("playing");
    var src = button.getAttribute("data-audio");
    if (!src) { speakWithBrowser(button); return Promise.resolve(); }
    player = player || new Audio();
    player.src = src;
    player.onended = function () { button.classList.remove("playing"); };
    return player.play().catch(function () {
      // Autoplay blocked before a first tap, or the file failed: let the browser speak instead.
      if (button.hasAttribute("data-autoplay-this")) { button.classList.remove("playing"); return; }
      speakWithBrowser(button);
    });
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
