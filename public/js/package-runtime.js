// The runtime of a module packaged for a learning system (src/exports/packages): it keeps the learner's answers and
// progress in the learning system through its standard API (SCORM 1.2, SCORM 2004) or its LRS (cmi5), never through
// Packway. Plain browser script, no inline code, no other request: the page works whatever the system refuses, and the
// page only tells the learner what the system's answers back up.
(function () {
  'use strict';

  var body = document.body;
  var format = body.getAttribute('data-pw-format');
  var moduleId = body.getAttribute('data-pw-module');
  var completesBy = body.getAttribute('data-pw-completes-by');
  var outcomeIds = (body.getAttribute('data-pw-outcomes') || '').split(' ').filter(Boolean);
  var startedAt = Date.now();

  // Most a system keeps for a module's answers: SCORM 1.2's cmi.suspend_data is 4,096 characters, 2004's 64,000; the
  // cmi5 state document has no limit of its own, 64,000 keeps it within what LRSs commonly accept.
  var LIMITS = { scorm12: 4096, scorm2004: 64000, cmi5: 64000 };

  /** What is kept: answers by input name, the order they were last changed in (oldest first), completion. */
  var state = { v: 1, answers: {}, order: [], done: false };

  // ---- the page --------------------------------------------------------------------------------------------------

  function say(text) {
    var el = document.querySelector('[data-pw-status]');
    if (el) el.textContent = text;
  }

  function time() {
    var d = new Date();
    return ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2);
  }

  function inputs() {
    return Array.prototype.slice.call(document.querySelectorAll('.pw-package-work [name]'));
  }

  /** The value of every named input, as kept: a string, or the ticked options of a set of checkboxes. */
  function readPage() {
    var values = {};
    inputs().forEach(function (el) {
      if (el.type === 'checkbox') {
        if (!values[el.name]) values[el.name] = [];
        if (el.checked) values[el.name].push(el.value);
      } else if (el.type === 'radio') {
        if (el.checked) values[el.name] = el.value;
        else if (!(el.name in values)) values[el.name] = '';
      } else values[el.name] = el.value;
    });
    return values;
  }

  function same(a, b) {
    return JSON.stringify(a === undefined ? '' : a) === JSON.stringify(b === undefined ? '' : b);
  }

  function isEmpty(v) {
    return v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
  }

  /** Takes in what the page shows; returns the names whose value changed. */
  function capture() {
    var values = readPage();
    var changed = [];
    Object.keys(values).forEach(function (name) {
      if (same(values[name], state.answers[name]) || (isEmpty(values[name]) && !(name in state.answers)))
        return;
      changed.push(name);
      state.answers[name] = values[name];
      state.order = state.order
        .filter(function (n) {
          return n !== name;
        })
        .concat(name);
    });
    return changed;
  }

  function restorePage() {
    inputs().forEach(function (el) {
      var v = state.answers[el.name];
      if (v === undefined) return;
      if (el.type === 'checkbox') el.checked = Array.isArray(v) && v.indexOf(el.value) >= 0;
      else if (el.type === 'radio') el.checked = v === el.value;
      else el.value = v;
    });
  }

  function labelOf(name) {
    var el = document.querySelector('[name="' + name.replace(/["\\]/g, '\\$&') + '"]');
    if (!el) return name;
    var label = el.id && document.querySelector('label[for="' + el.id + '"]');
    var legend = el.closest('fieldset') && el.closest('fieldset').querySelector('legend');
    return (
      (label && el.type !== 'radio' && el.type !== 'checkbox' ? label : legend || label) || el
    ).textContent.trim();
  }

  /** Whether the module's rule is met: the same rule as Packway's for each kind of module. */
  function ruleMet(submittedForm) {
    if (completesBy === 'prompts') {
      var questions = document.querySelectorAll('[data-pw-question]');
      return Array.prototype.every.call(questions, function (q) {
        return q.value.trim() !== '';
      });
    }
    if (completesBy === 'form') return submittedForm === true;
    return false;
  }

  /**
   * The kept answers as text within the system's limit: beyond it the oldest answers are left out (the newest are what
   * the learner would miss most), and the page says which.
   */
  function serialise() {
    var limit = LIMITS[format];
    var kept = {
      v: 1,
      answers: Object.assign({}, state.answers),
      order: state.order.slice(),
      done: state.done,
    };
    // cmi5 only: that the one completed statement a registration may have was sent
    if (state.completedSent) kept.completedSent = true;
    var text = JSON.stringify(kept);
    var dropped = [];
    while (text.length > limit && kept.order.length) {
      var oldest = kept.order.shift();
      delete kept.answers[oldest];
      dropped.push(oldest);
      text = JSON.stringify(kept);
    }
    var warning = document.querySelector('[data-pw-trimmed]');
    if (warning) {
      warning.hidden = dropped.length === 0;
      warning.querySelector('strong').textContent = dropped.length
        ? 'Your learning system keeps up to ' +
          limit.toLocaleString('en-GB') +
          ' characters of answers for this module. ' +
          'These oldest answers will not be there when you come back, so copy them somewhere safe: ' +
          dropped.map(labelOf).join('; ') +
          '.'
        : '';
    }
    return text;
  }

  function parseSaved(text) {
    try {
      var saved = JSON.parse(text);
      if (saved && saved.v === 1 && saved.answers && typeof saved.answers === 'object') {
        state.answers = saved.answers;
        state.order = Array.isArray(saved.order) ? saved.order : Object.keys(saved.answers);
        state.done = saved.done === true;
        state.completedSent = saved.completedSent === true;
      }
    } catch {
      // not ours (another package's data, or none): start afresh
    }
  }

  /** An outcome's status as the learner set it on this page, or nothing. */
  function outcomeStatus(id) {
    return state.answers['o:' + id + ':status'] || '';
  }

  function answerText(v) {
    return Array.isArray(v) ? v.join('; ') : String(v || '');
  }

  // ---- SCORM 1.2 and 2004 ----------------------------------------------------------------------------------------

  /** The LMS's API the way the standards say: up the frames, then up the window that opened this one. */
  function findApi(name) {
    function search(win) {
      for (var depth = 0; win && depth < 500; depth++) {
        try {
          if (win[name]) return win[name];
        } catch {
          return null; // a frame of another origin: not the LMS's
        }
        if (!win.parent || win.parent === win) return null;
        win = win.parent;
      }
      return null;
    }
    var api = search(window);
    try {
      if (!api && window.opener) api = search(window.opener);
      if (!api && window.top && window.top.opener) api = search(window.top.opener);
    } catch {
      api = null;
    }
    return api;
  }

  function scorm(v12) {
    var api = findApi(v12 ? 'API' : 'API_1484_11');
    var names = v12
      ? {
          init: 'LMSInitialize',
          get: 'LMSGetValue',
          set: 'LMSSetValue',
          commit: 'LMSCommit',
          finish: 'LMSFinish',
          error: 'LMSGetLastError',
        }
      : {
          init: 'Initialize',
          get: 'GetValue',
          set: 'SetValue',
          commit: 'Commit',
          finish: 'Terminate',
          error: 'GetLastError',
        };
    var refused = false;
    var objectiveIndex = {};
    var interactionIndex = {};
    var nextInteraction = 0;

    function call(fn, args) {
      try {
        return String(api[names[fn]].apply(api, args || ['']));
      } catch {
        return 'false';
      }
    }
    function get(key) {
      var v = call('get', [key]);
      return v === 'false' && call('error') !== '0' ? '' : v;
    }
    /** Sets a value; a refusal (403, 405, 407…) is noted, never thrown. */
    function set(key, value) {
      var ok = call('set', [key, String(value)]) === 'true';
      if (!ok) refused = true;
      return ok;
    }
    function count(list) {
      var n = parseInt(get('cmi.' + list + '._count'), 10);
      return isNaN(n) ? 0 : n;
    }

    function objectiveStatus(i, status) {
      if (v12) {
        var s12 =
          { achieved: 'passed', in_progress: 'incomplete', not_started: 'not attempted' }[status] ||
          'not attempted';
        set('cmi.objectives.' + i + '.status', s12);
      } else {
        set(
          'cmi.objectives.' + i + '.completion_status',
          { achieved: 'completed', in_progress: 'incomplete', not_started: 'not attempted' }[status] ||
            'unknown',
        );
        set('cmi.objectives.' + i + '.success_status', status === 'achieved' ? 'passed' : 'unknown');
      }
    }

    function interactionId(name) {
      return (moduleId + '.' + name).replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 255);
    }

    function stamp() {
      var d = new Date();
      var pad = function (n) {
        return ('0' + n).slice(-2);
      };
      var hms = pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
      return v12 ? hms : d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + hms;
    }

    function report(name) {
      var i = interactionIndex[name];
      if (i === undefined) i = interactionIndex[name] = nextInteraction++;
      var p = 'cmi.interactions.' + i + '.';
      var text = answerText(state.answers[name]);
      set(p + 'id', interactionId(name));
      if (v12) {
        // 1.2's fill-in response is a CMIFeedback of at most 255 characters: the start of the answer is reported
        set(p + 'type', 'fill-in');
        set(p + 'student_response', text.slice(0, 255));
        set(p + 'time', stamp());
      } else {
        set(p + 'type', 'long-fill-in');
        set(p + 'description', labelOf(name).slice(0, 250));
        set(p + 'learner_response', text.slice(0, 4000));
        set(p + 'timestamp', stamp());
      }
      set(p + 'result', 'neutral');
    }

    function duration() {
      var s = Math.round((Date.now() - startedAt) / 10) / 100;
      if (!v12) return 'PT' + s + 'S';
      var whole = Math.floor(s);
      var pad = function (n) {
        return ('0' + n).slice(-2);
      };
      return (
        ('000' + Math.floor(whole / 3600)).slice(-4) +
        ':' +
        pad(Math.floor(whole / 60) % 60) +
        ':' +
        pad(whole % 60)
      );
    }

    var statusKey = v12 ? 'cmi.core.lesson_status' : 'cmi.completion_status';

    return {
      available: !!api,
      start: function () {
        if (call('init') !== 'true') return { ok: false };
        parseSaved(get('cmi.suspend_data'));
        var status = get(statusKey);
        if (status === '' || status === 'not attempted' || status === 'unknown') set(statusKey, 'incomplete');
        // interactions: 1.2 keeps them as a journal (write-only), 2004 lets a SCO update its own by index
        nextInteraction = count('interactions');
        if (!v12) {
          for (var k = 0; k < nextInteraction; k++)
            interactionIndex[get('cmi.interactions.' + k + '.id').replace(moduleId + '.', '')] = k;
        }
        var n = count('objectives');
        for (var j = 0; j < n; j++) objectiveIndex[get('cmi.objectives.' + j + '.id')] = j;
        var earlier = {};
        outcomeIds.forEach(function (id) {
          if (objectiveIndex[id] === undefined) {
            if (!set('cmi.objectives.' + n + '.id', id)) return;
            objectiveIndex[id] = n++;
            objectiveStatus(objectiveIndex[id], outcomeStatus(id));
          } else if (!v12 && get('cmi.objectives.' + objectiveIndex[id] + '.success_status') === 'passed') {
            earlier[id] = true;
          }
        });
        call('commit');
        return { ok: true, earlier: earlier };
      },
      save: function (changed, text) {
        refused = false;
        set('cmi.suspend_data', text);
        var kept = !refused;
        changed.forEach(function (name) {
          if (/^[qf]:/.test(name)) report(name);
          var m = /^o:(.+):status$/.exec(name);
          if (m && objectiveIndex[m[1]] !== undefined)
            objectiveStatus(objectiveIndex[m[1]], state.answers[name]);
        });
        if (state.done && get(statusKey) !== 'completed') kept = set(statusKey, 'completed') && kept;
        return call('commit') === 'true' && kept;
      },
      finish: function () {
        set(v12 ? 'cmi.core.exit' : 'cmi.exit', 'suspend'); // keeps the attempt, with its answers, for the next visit
        set(v12 ? 'cmi.core.session_time' : 'cmi.session_time', duration());
        call('commit');
        call('finish');
      },
    };
  }

  // ---- cmi5 ------------------------------------------------------------------------------------------------------

  var CMI5_CATEGORY = 'https://w3id.org/xapi/cmi5/context/categories/cmi5';
  var MOVEON_CATEGORY = 'https://w3id.org/xapi/cmi5/context/categories/moveon';
  var VERBS = {
    initialized: 'http://adlnet.gov/expapi/verbs/initialized',
    completed: 'http://adlnet.gov/expapi/verbs/completed',
    terminated: 'http://adlnet.gov/expapi/verbs/terminated',
  };

  function uuid() {
    if (window.crypto.randomUUID) return window.crypto.randomUUID();
    var b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map
      .call(b, function (x) {
        return ('0' + x.toString(16)).slice(-2);
      })
      .join('');
    return (
      h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20)
    );
  }

  function cmi5() {
    var q = new URLSearchParams(location.search);
    var endpoint = q.get('endpoint');
    var fetchUrl = q.get('fetch');
    var registration = q.get('registration');
    var activityId = q.get('activityId');
    var actor = null;
    try {
      actor = JSON.parse(q.get('actor') || 'null');
    } catch {
      actor = null;
    }
    var available = !!(endpoint && fetchUrl && registration && activityId && actor);
    if (endpoint && endpoint.slice(-1) !== '/') endpoint += '/';
    var headers = null;
    var launch = null;
    var sessionStatements = { initialized: false, terminated: false };

    function stateUrl(stateId) {
      return (
        endpoint +
        'activities/state?stateId=' +
        encodeURIComponent(stateId) +
        '&activityId=' +
        encodeURIComponent(activityId) +
        '&agent=' +
        encodeURIComponent(JSON.stringify(actor)) +
        '&registration=' +
        encodeURIComponent(registration)
      );
    }

    function statement(verb, result, keepalive) {
      // the LMS's context template carries the session id extension every statement of this session must have
      var template = (launch && launch.contextTemplate) || {};
      var context = JSON.parse(JSON.stringify(template));
      context.registration = registration;
      context.contextActivities = context.contextActivities || {};
      var category = (context.contextActivities.category || []).slice();
      var add = verb === 'completed' ? [CMI5_CATEGORY, MOVEON_CATEGORY] : [CMI5_CATEGORY];
      add.forEach(function (id) {
        if (
          !category.some(function (c) {
            return c.id === id;
          })
        )
          category.push({ id: id, objectType: 'Activity' });
      });
      context.contextActivities.category = category;
      var s = {
        id: uuid(),
        actor: actor,
        verb: { id: VERBS[verb], display: { 'en-GB': verb } },
        object: { id: activityId, objectType: 'Activity' },
        context: context,
        timestamp: new Date().toISOString(),
      };
      if (result) s.result = result;
      return fetch(endpoint + 'statements', {
        method: 'POST',
        headers: headers,
        body: JSON.stringify(s),
        keepalive: !!keepalive,
      })
        .then(function (r) {
          return r.ok;
        })
        .catch(function () {
          return false;
        });
    }

    function duration() {
      return 'PT' + Math.round((Date.now() - startedAt) / 10) / 100 + 'S';
    }

    var queue = Promise.resolve(true);

    function put(text, keepalive) {
      return fetch(stateUrl('packway.answers'), {
        method: 'PUT',
        headers: headers,
        body: text,
        keepalive: keepalive,
      })
        .then(function (r) {
          return r.ok;
        })
        .catch(function () {
          return false;
        });
    }

    /** cmi5 allows one completed per registration: sent once, and remembered in the state document. */
    function completed(keepalive) {
      state.completedSent = true;
      return statement('completed', { completion: true, duration: duration() }, keepalive).then(
        function (ok) {
          if (!ok) state.completedSent = false;
          return ok;
        },
      );
    }

    var normal = function () {
      return launch && launch.launchMode === 'Normal';
    };

    return {
      available: available,
      start: function () {
        return fetch(fetchUrl, { method: 'POST' })
          .then(function (r) {
            return r.ok ? r.json() : Promise.reject(new Error('fetch ' + r.status));
          })
          .then(function (token) {
            headers = {
              Authorization: 'Basic ' + token['auth-token'],
              'X-Experience-API-Version': '1.0.3',
              'Content-Type': 'application/json',
            };
            return fetch(stateUrl('LMS.LaunchData'), { headers: headers });
          })
          .then(function (r) {
            return r.ok ? r.json() : Promise.reject(new Error('launch data ' + r.status));
          })
          .then(function (data) {
            launch = data;
            return fetch(stateUrl('packway.answers'), { headers: headers }).then(function (r) {
              return r.ok ? r.text() : '';
            });
          })
          .then(function (saved) {
            if (saved) parseSaved(saved);
            return statement('initialized');
          })
          .then(function (ok) {
            sessionStatements.initialized = ok;
            return { ok: ok, earlier: {}, mode: launch.launchMode };
          })
          .catch(function () {
            return { ok: false };
          });
      },
      /**
       * Saves run one after another, so a later save never lands before an earlier one and `completed` goes once; the
       * last save, as the page goes away, is sent at once with keepalive (a queued request would be cancelled).
       */
      save: function (changed, text, final) {
        if (!normal()) return Promise.resolve(false);
        if (final) {
          // completed first: the state document sent after it says it was sent
          if (state.done && !state.completedSent) void completed(true);
          void put(serialise(), true);
          return Promise.resolve(true);
        }
        queue = queue
          .then(function () {
            return put(serialise(), false);
          })
          .then(function (kept) {
            if (!state.done || state.completedSent) return kept;
            return completed(false).then(function (ok) {
              return (
                ok &&
                put(serialise(), false).then(function () {
                  return kept;
                })
              );
            });
          });
        return queue;
      },
      finish: function () {
        if (!sessionStatements.initialized || sessionStatements.terminated) return;
        sessionStatements.terminated = true;
        void statement('terminated', { duration: duration() }, true);
      },
      browse: function () {
        return !normal();
      },
    };
  }

  // ---- wiring ----------------------------------------------------------------------------------------------------

  var lms = format === 'cmi5' ? cmi5() : scorm(format === 'scorm12');
  var started = false;
  var finished = false;
  var timer = null;

  function report(kept) {
    if (kept)
      say(
        state.done
          ? 'Completed. Your learning system has recorded this module as complete (' + time() + ').'
          : 'Saved in your learning system at ' + time() + '.',
      );
    else
      say(
        'Your learning system did not accept your latest answers. They are still on this page: keep a copy before you close it.',
      );
  }

  /** Takes in the page and saves it; `final` as the page goes away (no later chance to send anything). */
  function save(submittedForm, final) {
    if (timer) clearTimeout(timer);
    timer = null;
    var changed = capture();
    if (!state.done && ruleMet(submittedForm)) state.done = true;
    if (!started || finished) return;
    if (lms.browse && lms.browse()) return;
    var result = lms.save(changed, serialise(), final === true);
    if (result && typeof result.then === 'function') result.then(report);
    else report(result);
  }

  function later() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 1000);
  }

  function showEarlier(earlier) {
    Object.keys(earlier || {}).forEach(function (id) {
      var note = document.querySelector('[data-pw-earlier="' + id + '"]');
      if (!note) return;
      note.textContent =
        'Your learning system has ' + id + ' as achieved, from another module of this course.';
      note.hidden = false;
      if (!outcomeStatus(id)) {
        var radio = document.querySelector('[name="o:' + id + ':status"][value="achieved"]');
        if (radio) radio.checked = true;
      }
    });
  }

  function begin(result) {
    if (!result || !result.ok) {
      say('Your learning system did not start recording this module: what you enter here may not be kept.');
      return;
    }
    started = true;
    restorePage();
    showEarlier(result.earlier);
    if (result.mode && result.mode !== 'Normal') {
      say(
        'You are looking at this module in ' +
          result.mode.toLowerCase() +
          ' mode: nothing you enter is recorded.',
      );
      return;
    }
    if (state.done) say('Your learning system has this module as complete.');
    else if (state.order.length) say('Your answers from your last visit are back.');
  }

  document.addEventListener('input', later);
  document.addEventListener('change', function () {
    save();
  });
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form.closest || !form.closest('.pw-package-work')) return;
    event.preventDefault();
    var isForm = form.getAttribute('data-pw-work') === 'form';
    if (isForm && !form.checkValidity()) {
      var first = form.querySelector(':invalid');
      save();
      say(
        'Answer every question not marked optional, then submit the form again' +
          (first ? ': ' + labelOf(first.name) : '') +
          '.',
      );
      if (first) first.focus();
      return;
    }
    save(isForm);
  });
  var mark = document.querySelector('[data-pw-mark-complete]');
  if (mark)
    mark.addEventListener('click', function () {
      state.done = true;
      save();
    });
  // the last answer is kept even when the learner closes the window mid-typing
  window.addEventListener('pagehide', function () {
    if (finished) return;
    save(false, true);
    finished = true;
    if (started) lms.finish();
  });
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden') save();
  });

  if (!lms.available) {
    say('This page is not open from a learning system: what you enter here is not recorded.');
    return;
  }
  var begun = lms.start();
  if (begun && typeof begun.then === 'function') begun.then(begin);
  else begin(begun);
})();
