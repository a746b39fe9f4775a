/* A tablet without wifi (issue 14).

   On a visit's "Get ready for no wifi" page: store the visit's package (every page of the journey
   in every offered language, drawn by the server's own templates), its pictures, audio, styles and
   the journey's page, in Cache Storage; register the service worker that serves them offline.

   On the journey's page (/offline?visit=N#slug): draw each step from that store, keep the person's
   place in IndexedDB (a reload goes on where it was), and put each answer into the outbox at once,
   with its submission id. The outbox sends, oldest first, whenever the network is there, and forgets
   an item only when the server said it has it. After thank you the person's answers are gone from
   the page's storage: only outbox items not yet sent remain, and nothing ever shows them. */
(function () {
  "use strict";

  var STORE = "easyvoice-ready";
  var DB_NAME = "easyvoice-offline";

  // -- IndexedDB: the outbox (oldest first) and the person's place ---------------------------
  var opened = null;
  function database() {
    if (!opened) {
      opened = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          request.result.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
          request.result.createObjectStore("journey", { keyPath: "name" });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return opened;
  }

  function run(storeName, mode, work) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(storeName, mode);
        var result;
        transaction.oncomplete = function () { resolve(result); };
        transaction.onerror = function () { reject(transaction.error); };
        transaction.onabort = function () { reject(transaction.error); };
        var request = work(transaction.objectStore(storeName));
        if (request) { request.onsuccess = function () { result = request.result; }; }
      });
    });
  }

  var outbox = {
    add: function (entry) { return run("outbox", "readwrite", function (s) { return s.add(entry); }); },
    oldest: function () {
      return run("outbox", "readonly", function (s) { return s.openCursor(); }).then(function (cursor) {
        return cursor ? cursor.value : null;
      });
    },
    all: function () { return run("outbox", "readonly", function (s) { return s.getAll(); }); },
    remove: function (seq) { return run("outbox", "readwrite", function (s) { return s.delete(seq); }); },
    put: function (entry) { return run("outbox", "readwrite", function (s) { return s.put(entry); }); },
    count: function () { return run("outbox", "readonly", function (s) { return s.count(); }); }
  };

  var place = {
    get: function () { return run("journey", "readonly", function (s) { return s.get("now"); }); },
    put: function (state) {
      state.name = "now";
      return run("journey", "readwrite", function (s) { return s.put(state); });
    },
    clear: function () { return run("journey", "readwrite", function (s) { return s.clear(); }); }
  };

  function newId() {
    return (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()).replace(/-/g, "");
  }

  // -- the outbox's sending, on any page of this tablet ---------------------------------------
  // Each entry carries its ready key and where it goes: any page that loads this script sends
  // what waits (a person's journey, the expert's pages after the handover, the sign-in page).
  var FLAG = "easyvoice-outbox";
  var sending = null;
  var afterSend = [];

  var SEND_WAIT = 20000;  // ms: a send that hangs longer is tried again later

  function sendOne(entry) {
    var stop = new AbortController();
    var timer = window.setTimeout(function () { stop.abort(); }, SEND_WAIT);
    return fetch(entry.to, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ key: entry.key, item: entry.item }),
      credentials: "same-origin",
      redirect: "manual",  // a redirect (to sign in ...) is never the server saying it has it
      signal: stop.signal
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.redirected) { return "later"; }
      return response.json().then(function (answer) {
        if (response.status === 200 && answer && answer.result) { return "stored"; }
        if (response.status === 422 && answer && answer.result === "refused") { return "refused"; }
        return "later";  // 409: its response has not arrived; 410: the key is too old
      }, function () { return "later"; });
    }).finally(function () { window.clearTimeout(timer); });
  }

  // Oldest first. An item the server cannot take yet holds back the later items of its own
  // person only; a network failure stops the round (the next one comes with the network).
  function sendAll() {
    if (!navigator.onLine) { return Promise.resolve(); }
    if (sending) { return sending; }
    var held = {};
    function one(entries, index) {
      if (index >= entries.length) { return null; }
      var entry = entries[index];
      var person = entry.item && entry.item.response;
      if (held[person]) { return one(entries, index + 1); }
      return sendOne(entry).then(function (outcome) {
        if (outcome === "stored") { return outbox.remove(entry.seq); }
        if (outcome === "refused") {
          // Never storable (the server logged why): kept, it would hold back its person for ever.
          window.console.warn("An answer was refused by the server.");
          return outbox.remove(entry.seq);
        }
        held[person] = true;
        return null;
      }).then(function () { return one(entries, index + 1); });
    }
    sending = outbox.all().then(function (entries) { return one(entries, 0); })
      .catch(function () { /* the network went: sent again later */ })
      .then(function () {
        sending = null;
        afterSend.forEach(function (done) { done(); });
      });
    return sending;
  }

  // Signed out, or the tablet no longer used here: the store, the person's place and the service
  // worker go. Answers not yet sent stay in the outbox until they are (then it goes too).
  // A person's place left open (the expert took the tablet back, signed out ...): their response
  // is finished as stopped, with the key it was started with, and the place is forgotten.
  function leavePlace() {
    return place.get().then(function (kept) {
      if (!kept || !kept.response || kept.done || !kept.key) { return place.clear(); }
      return outbox.add({ key: kept.key, to: kept.to, item: {
        kind: "finish", stopped: true, response: kept.response, id: newId(),
        given_at: new Date().toISOString() } }).then(function () { return place.clear(); });
    });
  }

  function wipe() {
    return leavePlace().then(sendAll).then(function () {
      var parts = [caches.delete(STORE), place.clear()];
      if (navigator.serviceWorker) {
        parts.push(navigator.serviceWorker.getRegistrations().then(function (all) {
          return Promise.all(all.map(function (registration) { return registration.unregister(); }));
        }));
      }
      return Promise.all(parts);
    }).then(function () { return outbox.count(); }).then(function (waiting) {
      if (!waiting) { localStorage.removeItem(FLAG); }
    });
  }

  // The expert's pin number is kept only as a PBKDF2 hash made here, with a random salt.
  var PIN_TURNS = 200000;
  function hex(bytes) {
    return Array.prototype.map.call(new Uint8Array(bytes), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }
  function pinHash(pin, salt, turns) {
    var words = new TextEncoder().encode(pin);
    return crypto.subtle.importKey("raw", words, "PBKDF2", false, ["deriveBits"]).then(function (key) {
      var saltBytes = new Uint8Array(salt.match(/../g).map(function (pair) { return parseInt(pair, 16); }));
      return crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: saltBytes, iterations: turns }, key, 256);
    }).then(hex);
  }
  function keptPin(pin) {
    var salt = hex(crypto.getRandomValues(new Uint8Array(16)));
    return pinHash(pin, salt, PIN_TURNS).then(function (hash) {
      return { salt: salt, hash: hash, turns: PIN_TURNS };
    });
  }

  // -- "Get ready for no wifi" ----------------------------------------------------------------
  function inTurns(urls, work, turns) {
    var next = 0;
    function one() {
      if (next >= urls.length) { return Promise.resolve(); }
      var url = urls[next++];
      return work(url).then(one);
    }
    var runners = [];
    for (var i = 0; i < turns; i++) { runners.push(one()); }
    return Promise.all(runners);
  }

  function getReady(box, pin) {
    var packageUrl = box.getAttribute("data-package");
    var bytes = 0;
    return navigator.serviceWorker.register(box.getAttribute("data-worker"))
      .then(function () { return fetch(packageUrl + "?fresh=1", { cache: "no-store", credentials: "same-origin" }); })
      .then(function (response) {
        if (!response.ok) { throw new Error("package " + response.status); }
        return response.json();
      })
      .then(function (pack) {
        return caches.open(STORE).then(function (cache) {
          return inTurns(pack.files, function (url) {
            return fetch(url, { credentials: "same-origin", cache: "reload" }).then(function (response) {
              if (!response.ok) { throw new Error(url + " " + response.status); }
              return response.clone().blob().then(function (blob) {
                bytes += blob.size;
                return cache.put(url, response);
              });
            });
          }, 6).then(function () {
            pack.pin = pin;
            if (navigator.storage && navigator.storage.persist) { navigator.storage.persist(); }
            var text = JSON.stringify(pack);
            pack.bytes = bytes + text.length;
            return cache.put(packageUrl, new Response(JSON.stringify(pack), {
              headers: { "Content-Type": "application/json" }
            }));
          }).then(function () {
            localStorage.setItem(FLAG, "1");
            // Answers of this visit still waiting get the new key (an old one may be too old).
            return outbox.all().then(function (entries) {
              return Promise.all(entries.filter(function (entry) { return entry.visit === String(pack.visit); })
                .map(function (entry) { entry.key = pack.key; return outbox.put(entry); }));
            });
          }).then(function () {
            return pack.bytes;
          });
        });
      });
  }

  function readyPage(box) {
    var button = document.querySelector("[data-get-ready]");
    var words = box.querySelector("[data-ready-words-shown]");
    var size = box.querySelector("[data-ready-size]");
    document.querySelectorAll("[data-needs-script]").forEach(function (item) { item.hidden = true; });
    if (!("serviceWorker" in navigator) || !window.caches || !window.indexedDB) {
      words.textContent = box.getAttribute("data-failed-words");
      return;
    }
    button.hidden = false;
    var pinPart = document.querySelector("[data-ready-pin]");
    var pinBox = document.getElementById("ready-pin");
    var kept = null;  // the pin hash of the store there is (a refresh keeps it)
    function ready(bytes) {
      if (pinPart) { pinPart.hidden = true; }
      words.textContent = box.getAttribute("data-ready-words");
      var megabytes = (bytes / 1048576).toFixed(1);
      size.textContent = box.getAttribute("data-size-words").replace("{size}", megabytes);
      document.querySelectorAll("[data-when-ready]").forEach(function (part) { part.hidden = false; });
    }
    // The pin number typed is checked by the server (and counted, as every pin is) first.
    function checkedPin() {
      if (kept && !(pinBox && pinBox.value)) { return Promise.resolve(kept); }
      var pin = pinBox ? pinBox.value.replace(/\D/g, "") : "";
      if (!pin) { return Promise.reject(new Error("pin_missing")); }
      return fetch(box.getAttribute("data-pin-check"), {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": box.getAttribute("data-csrf") },
        body: JSON.stringify({ pin: pin }),
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().then(function (answer) {
          if (answer.result !== "ok") { throw new Error(answer.result); }
          return keptPin(pin);
        });
      });
    }
    function again() {
      button.disabled = true;
      words.textContent = box.getAttribute("data-wait-words");
      size.textContent = "";
      return checkedPin().then(function (pin) {
        if (pinBox) { pinBox.value = ""; }
        kept = pin;
        return getReady(box, pin);
      }).then(ready, function (error) {
        window.console.warn("Not ready:", error);
        var said = { pin_missing: "data-pin-missing", pin_wrong: "data-pin-wrong",
                     pin_account_locked: "data-pin-account-locked" }[error.message];
        words.textContent = box.getAttribute(said || "data-failed-words");
        if (said && pinPart) { pinPart.hidden = false; pinBox.focus(); }
      }).then(function () { button.disabled = false; });
    }
    if (pinPart) { pinPart.hidden = false; }
    // Ready before (this visit's package is in the store): say so, and show the handover; with
    // the network there, store it again (a questionnaire changed since is refreshed).
    caches.open(STORE).then(function (cache) { return cache.match(box.getAttribute("data-package")); })
      .then(function (found) { return found ? found.json() : null; })
      .then(function (pack) {
        if (!pack) { return null; }
        kept = pack.pin || null;
        ready(pack.bytes || 0);
        return navigator.onLine && kept ? again() : null;
      });
    button.addEventListener("click", again);
  }

  // -- the journey from the store -------------------------------------------------------------
  function journeyPage(root) {
    var params = new URLSearchParams(location.search);
    var visit = params.get("visit") || "";
    var togetherAtFirst = params.get("together") === "1";
    var slug = decodeURIComponent(location.hash.slice(1));
    var sendUrl = root.getAttribute("data-send");
    var statusBox = document.querySelector("[data-offline-status]");
    var giveBack = document.querySelector("[data-give-back]");
    var pack, survey, state, busy = false;
    var handover = params.get("h") || "";

    function page(step) { return survey.pages[state.locale][step]; }
    function steps(prefix) {
      return Object.keys(survey.pages[state.locale]).filter(function (name) { return name.indexOf(prefix) === 0; });
    }

    // show_if, as the server tests it (Condition.holds in app/questionnaires/conditions.py)
    function holds(condition) {
      if (condition.test === "all") { return condition.parts.every(holds); }
      if (condition.test === "any") { return condition.parts.some(holds); }
      var picked = state.chosen[condition.question] || [];
      var found = picked.some(function (value) { return condition.values.indexOf(value) >= 0; });
      return condition.test === "none_of" ? !found : found;
    }
    function shown(number) {
      var condition = survey.show_if[survey.questions[number - 1]];
      return !condition || holds(condition);
    }
    function nextShown(number) {
      for (var n = number; n <= survey.questions.length; n++) { if (shown(n)) { return "q" + n; } }
      return "helped";
    }
    function previousShown(number) {
      for (var n = number - 1; n >= 1; n--) { if (shown(n)) { return "q" + n; } }
      return "consent";
    }
    function questionNumber(step) {
      var match = /^q(\d+)/.exec(step || "");
      return match ? Number(match[1]) : null;
    }

    function applySettings(box) {
      var prefs = state.prefs;
      document.body.className = "text-" + prefs.text + (prefs.contrast === "on" ? " contrast-high" : "") +
        (prefs.pictures === "off" ? " pictures-off" : "");
      document.body.setAttribute("data-read-aloud", prefs.read_aloud);
      document.body.setAttribute("data-autoplay", prefs.autoplay);
      if (prefs.pictures === "off") {
        box.querySelectorAll("img.symbol").forEach(function (img) { img.remove(); });
      }
      if (prefs.read_aloud === "off") {
        box.querySelectorAll("button.speak").forEach(function (button) { button.remove(); });
      }
      if (prefs.contrast === "on") {
        box.querySelectorAll("img[src*='/symbols/svg/']").forEach(function (img) {
          img.src = img.src.replace("/symbols/svg/", "/symbols/black/");
        });
      }
    }

    // A question drawn again (Back): what the person chose is shown chosen, their words kept.
    function markChosen(box, step) {
      var number = questionNumber(step);
      var key = number ? survey.questions[number - 1] : step === "anything_else" ? "_anything_else" : null;
      if (!key) { return; }
      (state.chosen[key] || []).forEach(function (value) {
        box.querySelectorAll("[name=answer]").forEach(function (input) {
          if (input.value !== value) { return; }
          if (input.tagName === "BUTTON") {
            input.classList.add("chosen");
            input.setAttribute("aria-pressed", "true");
          } else {
            input.checked = true;
          }
        });
      });
      var words = state.words[key];
      var box2 = box.querySelector("[name=text]");
      if (words && box2) { box2.value = words; }
    }

    // -- after thank you: the expert's pin number, checked here, then the next person ---------
    var pinSection = document.querySelector("[data-pin-box]");
    var againSection = document.querySelector("[data-again]");
    function showDone() {
      var done = Boolean(state.done && pack.pin);
      if (done) {
        root.querySelectorAll("a.button-next").forEach(function (link) { link.parentNode.remove(); });
      }
      if (pinSection) { pinSection.hidden = !done || Boolean(state.unlocked); }
      if (againSection) { againSection.hidden = !(done && state.unlocked); }
      if (done && (state.pinFailures || 0) >= 5) { pinProblem("data-pin-locked", true); }
    }
    function pinProblem(words, locked) {
      var box = pinSection.querySelector("[data-pin-problem]");
      box.textContent = pinSection.getAttribute(words);
      box.hidden = false;
      if (locked) { pinSection.querySelector("[data-pin-form]").hidden = true; }
    }
    if (pinSection) {
      pinSection.querySelector("[data-pin-form]").addEventListener("submit", function (event) {
        event.preventDefault();
        var input = document.getElementById("offline-pin");
        var pin = input.value.replace(/\D/g, "");
        input.value = "";
        if (!pin) { pinProblem("data-pin-missing"); return; }
        guarded(function () {
          return pinHash(pin, pack.pin.salt, pack.pin.turns).then(function (hash) {
            if (hash === pack.pin.hash) {
              state.unlocked = true;
              state.pinFailures = 0;
              pinSection.querySelector("[data-pin-problem]").hidden = true;
            } else {
              state.pinFailures = (state.pinFailures || 0) + 1;
              pinProblem(state.pinFailures >= 5 ? "data-pin-locked" : "data-pin-wrong", state.pinFailures >= 5);
            }
            return place.put(state).then(showDone);
          });
        });
      });
      againSection.querySelector("[data-again-form]").addEventListener("submit", function (event) {
        event.preventDefault();
        var together = event.submitter && event.submitter.value === "together";
        guarded(function () { return newPerson(together); });
      });
    }

    function draw(step) {
      var shownPage = page(step);
      var language = pack.languages[state.locale];
      if (window.EasyVoice) { window.EasyVoice.stopAll(); }
      root.innerHTML = shownPage.html;  // drawn by the server's templates, kept in the store
      document.title = shownPage.title;
      document.documentElement.lang = language.lang;
      document.documentElement.dir = language.dir;
      var credit = document.querySelector(".footer p");
      if (credit && language.credit) { credit.textContent = language.credit; }
      applySettings(root);
      markChosen(root, step);
      if (window.EasyVoice) { window.EasyVoice.init(root); }
      var heading = root.querySelector("h1");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
      window.scrollTo(0, 0);
      showStatus();
      showDone();
    }

    function go(step) {
      state.step = step;
      return place.put(state).then(function () { draw(step); });
    }

    function queue(item) {
      item.response = state.response;
      item.id = newId();
      item.given_at = new Date().toISOString();
      item.supported = Boolean(state.together);
      state.sentAny = true;
      item.language = state.locale;
      return outbox.add({ key: pack.key, to: sendUrl, visit: visit, item: item }).then(function () {
        showStatus();
        sendAll();
      });
    }

    // -- the status: "Saved on this tablet" / "Sent" ----------------------------------------
    function showStatus() {
      if (!state) { return; }
      // After thank you, with the network there: the way to the expert's pin number.
      if (giveBack) { giveBack.hidden = !(state.done && navigator.onLine); }
      if (!statusBox) { return; }
      outbox.count().then(function (waiting) {
        var language = pack.languages[state.locale];
        if (!waiting && !state.sentAny) { statusBox.hidden = true; return; }
        var when = waiting ? "saved" : "sent";
        statusBox.hidden = false;
        statusBox.setAttribute("data-state", when);
        statusBox.querySelector("[data-status-words]").textContent = language[when];
        statusBox.querySelectorAll("img[data-when]").forEach(function (img) {
          img.hidden = img.getAttribute("data-when") !== when;
        });
      });
    }

    // -- the person's steps -------------------------------------------------------------------
    function afterSettings() {
      var then = state.then;
      state.then = null;
      return go(then || "consent");
    }

    function finish(stopped) {
      return queue({ kind: "finish", stopped: stopped }).then(function () {
        var thanks = state.urgent ? "thank_you-urgent" : state.told ? "thank_you-told" : "thank_you";
        return end(thanks);
      });
    }

    // The person is done: the page stays in their language and settings; their answers go.
    function end(step) {
      state = { visit: visit, slug: slug, handover: handover, locale: state.locale, prefs: state.prefs, step: step,
                together: state.together, pinFailures: state.pinFailures || 0,
                chosen: {}, words: {}, sentAny: state.sentAny, done: true };
      return go(step);
    }

    function newPerson(together) {
      var fresh = { visit: visit, slug: slug, handover: handover, locale: state.locale, step: "settings",
                    key: pack.key, to: sendUrl,
                    together: together === undefined ? Boolean(state.together) : together,
                    prefs: { text: "normal", pictures: "on", contrast: "off", read_aloud: "on", autoplay: "off", who: "self" },
                    chosen: {}, words: {}, response: null, told: false, urgent: false, sentAny: state.sentAny };
      state = fresh;
      return go("settings");
    }

    function answered(step, data) {
      var number = questionNumber(step);
      var key = survey.questions[number - 1];
      var action = data.get("action");
      var values = data.getAll("answer");
      var text = data.get("text");
      var answering = !action || action === "answer";
      var range = survey.numbers[key];
      if (range && answering && text) {
        var typed = Number(String(text).replace(/\s/g, ""));
        if (!/^\s*\d+\s*$/.test(text) || typed < range[0] || typed > range[1]) {
          state.words[key] = text;
          return go("q" + number + "-problem");
        }
      }
      state.chosen[key] = answering ? values : [];
      state.words[key] = text || "";
      // A question this answer now steps over chooses nothing (the server stores "not asked").
      for (var n = 1; n <= survey.questions.length; n++) {
        if (!shown(n)) { delete state.chosen[survey.questions[n - 1]]; }
      }
      var then = nextShown(number + 1);
      var worrying = (survey.worry[key] || []).some(function (value) { return values.indexOf(value) >= 0; });
      return queue({ kind: "answer", question: key, action: answering ? null : action, values: values, text: text })
        .then(function () {
          if (answering && worrying && !state.told) {
            state.told = true;
            state.after = then;
            return go("told_us");
          }
          return go(then);
        });
    }

    function sent(form, submitter) {
      // The tapped button's name and value (FormData(form, submitter) is too new for some tablets).
      var data = new FormData(form);
      if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
      var step = state.step;
      var action = data.get("action") || "";
      if (step === "settings") {
        return action === "yes" ? go(steps("setting-")[0]) : afterSettings();
      }
      if (step.indexOf("setting-") === 0) {
        var name = step.slice("setting-".length);
        var value = data.get(name);
        if (value && name === "locale" && pack.languages[value]) { state.locale = value; }
        if (value && name !== "locale") { state.prefs[name] = value; }
        var all = steps("setting-");
        var at = all.indexOf(step);
        return at + 1 < all.length ? go(all[at + 1]) : afterSettings();
      }
      if (step === "consent") {
        if (action === "no") {
          var said = state.response ? queue({ kind: "finish", stopped: true }) : Promise.resolve();
          return said.then(function () { return end("no_thanks"); });
        }
        if (state.response) { return go(nextShown(1)); }
        state.response = newId();
        return queue({ kind: "start", version: survey.version, language: state.locale,
                       answered_by: state.prefs.who }).then(function () { return go(nextShown(1)); });
      }
      if (questionNumber(step)) { return answered(step, data); }
      if (step === "helped" || step === "room") {
        var people = action === "nobody" ? [] : data.getAll("people");
        return queue({ kind: "people", step: step, people: people }).then(function () {
          return go(step === "helped" ? "room" : "anything_else");
        });
      }
      if (step === "anything_else") {
        var words = data.get("text") || "";
        state.words._anything_else = words;
        return queue({ kind: "answer", question: "_anything_else", text: words }).then(function () {
          return finish(false);
        });
      }
      if (/^(told_us|talk_now)/.test(step)) {
        var atEnd = state.after === "end";
        if (action === "talk") {
          state.urgent = true;
          return queue({ kind: "urgent" }).then(function () { return go(atEnd ? "talk_now-end" : "talk_now"); });
        }
        if (action === "stop") { return finish(true); }
        return atEnd ? finish(false) : go(state.after || "helped");
      }
      if (step === "stop") {
        return action === "stop" ? finish(true) : go(state.from || "q1");
      }
      return Promise.resolve();
    }

    function followed(link) {
      var step = state.step;
      // Thank you / no thanks: the next person (with a kept pin number, only after it).
      if (state.done) { return pack.pin ? Promise.resolve() : newPerson(); }
      if (step === "stop") { return go(state.from || "q1"); }
      if (link.classList.contains("button-stop")) {
        state.from = step;
        return go("stop");
      }
      if (link.classList.contains("button-settings")) {
        state.then = step;
        return go("settings");
      }
      var number = questionNumber(step);
      if (link.classList.contains("button-back")) {
        if (step === "settings") { return go(state.then || "settings"); }
        if (step.indexOf("setting-") === 0) {
          var all = steps("setting-");
          var at = all.indexOf(step);
          return go(at > 0 ? all[at - 1] : "settings");
        }
        if (number) { return go(previousShown(number)); }
        if (step === "helped") { return go(previousShown(survey.questions.length + 1)); }
        if (step === "room") { return go("helped"); }
        if (step === "anything_else") { return go("room"); }
        return go("settings");
      }
      if (link.classList.contains("button-next") && number) { return go(nextShown(number + 1)); }
      return Promise.resolve();
    }

    function guarded(work) {
      if (busy) { return; }
      busy = true;
      work().catch(function (error) { window.console.error(error); }).then(function () { busy = false; });
    }

    root.addEventListener("submit", function (event) {
      event.preventDefault();
      event.stopPropagation();
      var form = event.target;
      guarded(function () { return sent(form, event.submitter); });
    }, true);
    root.addEventListener("click", function (event) {
      var link = event.target.closest("a[href]");
      if (!link || !root.contains(link)) { return; }
      event.preventDefault();
      guarded(function () { return followed(link); });
    }, true);
    afterSend.push(showStatus);
    window.addEventListener("online", showStatus);
    window.addEventListener("offline", showStatus);

    caches.open(STORE)
      .then(function (cache) {
        return cache.match(root.getAttribute("data-package").replace("{visit}", encodeURIComponent(visit)));
      })
      .then(function (found) { return found ? found.json() : null; })
      .then(function (found) {
        if (!found || !found.questionnaires[slug]) { return null; }  // not ready: the page says so
        pack = found;
        survey = pack.questionnaires[slug];
        return place.get().then(function (kept) {
          if (kept && kept.visit === visit && kept.slug === slug && kept.handover === handover &&
              survey.pages[kept.locale]) {
            state = kept;  // a reload, with or without wifi: on where it was
            return go(state.step);
          }
          state = { locale: Object.keys(survey.pages)[0], sentAny: false, together: togetherAtFirst };
          // Another handover's person who left without finishing: kept as stopped, never shown.
          return leavePlace().then(function () { return newPerson(); });
        });
      })
      .then(sendAll)
      .catch(function (error) { window.console.error(error); });
  }

  function start() {
    if (!window.indexedDB || !window.caches) { return; }
    if (document.body.hasAttribute("data-wipe-tablet")) {
      wipe().catch(function (error) { window.console.error(error); });
    } else if (localStorage.getItem(FLAG)) {
      window.addEventListener("online", function () { sendAll(); });
      window.setInterval(sendAll, 10000);
      var onJourney = Boolean(document.getElementById("offline-step"));
      // Away from the journey's page (the expert has the tablet back): a person's place left
      // open is finished as stopped, as a walk-away is online, and forgotten.
      (onJourney ? Promise.resolve() : leavePlace()).then(sendAll);
    }
    var box = document.querySelector("[data-ready-for]");
    if (box) { readyPage(box); }
    var root = document.getElementById("offline-step");
    if (root) { journeyPage(root); }
  }

  // Loaded with the page (the ready page, the journey's page: after easyvoice.js has set the page
  // up), or later by easyvoice.js on any other page of a ready tablet.
  if (window.EasyVoice && window.EasyVoice.ready) {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
