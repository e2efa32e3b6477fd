// Presenter mode (progressive enhancement: without this script both views list every slide).
// The audience window (/modules/:id/slides/present) and the speaker notes window (/modules/:id/slides/notes) keep in
// step through a BroadcastChannel, with localStorage events as a fallback: whichever window moves, the other follows.

const KEY_NEXT = new Set(['ArrowRight', 'ArrowDown', 'PageDown', ' ', 'Enter']);
const KEY_PREV = new Set(['ArrowLeft', 'ArrowUp', 'PageUp', 'Backspace']);

/** A channel between the windows of one deck; `send` reaches every other window of the same deck in this browser. */
function deckChannel(deckId, onMessage) {
  const name = `packway-deck-${deckId}`;
  const self = Math.random().toString(36).slice(2);
  let channel = null;
  try {
    channel = new window.BroadcastChannel(name);
    channel.onmessage = (e) => e.data && e.data.from !== self && onMessage(e.data);
  } catch {
    channel = null;
  }
  window.addEventListener('storage', (e) => {
    if (e.key !== name || !e.newValue) return;
    try {
      const data = JSON.parse(e.newValue);
      if (data.from !== self) onMessage(data);
    } catch {
      // not ours
    }
  });
  return {
    send(message) {
      const data = { ...message, from: self, nonce: Date.now() + Math.random() };
      channel?.postMessage(data);
      try {
        window.localStorage.setItem(name, JSON.stringify(data));
      } catch {
        // storage may be switched off: the BroadcastChannel still works
      }
    },
    last() {
      try {
        return JSON.parse(window.localStorage.getItem(name) ?? 'null');
      } catch {
        return null;
      }
    },
  };
}

function slideFromHash(total) {
  const n = Number((location.hash.match(/^#(?:slide|notes)-(\d+)$/) || [])[1]);
  return Number.isInteger(n) && n >= 1 && n <= total ? n - 1 : null;
}

function isTyping(e) {
  return e.target instanceof HTMLElement && /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName);
}

function toggleFullscreen() {
  if (document.fullscreenElement) document.exitFullscreen?.();
  else document.documentElement.requestFullscreen?.().catch(() => undefined);
}

/** Shared navigation keys; returns true when the key was handled. */
function navigationKey(e, go, current, total) {
  if (e.altKey || e.ctrlKey || e.metaKey) return false;
  if (KEY_NEXT.has(e.key) && !(e.key === ' ' && e.shiftKey)) go(current() + 1);
  else if (KEY_PREV.has(e.key) || (e.key === ' ' && e.shiftKey)) go(current() - 1);
  else if (e.key === 'Home') go(0);
  else if (e.key === 'End') go(total - 1);
  else if (e.key === 'f' || e.key === 'F') toggleFullscreen();
  else return false;
  e.preventDefault();
  return true;
}

/** Shrinks a slide's text a step at a time until it fits its 16:9 box (the CSS scales the box to the screen). */
function fit(slide) {
  const box = slide.querySelector('.pw-stage__slide');
  const body = slide.querySelector('.pw-stage__body');
  if (!box || !body) return;
  let level = 0;
  box.setAttribute('data-fit', '0');
  while (level < 6 && body.scrollHeight > body.clientHeight + 1) {
    level += 1;
    box.setAttribute('data-fit', String(level));
  }
}

function initAudience(root) {
  const slides = [...root.querySelectorAll('[data-slide]')];
  const total = slides.length;
  const deckId = root.dataset.deckId;
  const count = root.querySelector('[data-present-count]');
  const message = root.querySelector('[data-present-message]');
  const bar = root.querySelector('[data-present-bar]');
  const leave = root.querySelector('[data-present-leave]');
  const notesLink = root.querySelector('[data-present-notes]');
  let current = slideFromHash(total) ?? 0;
  let shownAt = Date.now();
  let startedAt = Date.now();
  let blank = false;

  const state = () => ({ type: 'state', slide: current, shownAt, startedAt, blank, total });
  const render = () => {
    slides.forEach((s, n) => s.toggleAttribute('data-current', n === current));
    root.toggleAttribute('data-blank', blank);
    count.textContent = `Slide ${current + 1} of ${total}`;
    history.replaceState(null, '', `#slide-${current + 1}`);
    leave.href = `${root.dataset.deckUrl}#slide-${current + 1}`;
    fit(slides[current]);
  };
  const channel = deckChannel(deckId, (m) => {
    if (m.type === 'hello') channel.send(state());
    else if (m.type === 'state' || m.type === 'go') {
      const next = Math.max(0, Math.min(total - 1, m.slide));
      if (next !== current) shownAt = m.shownAt ?? Date.now();
      current = next;
      if (typeof m.blank === 'boolean') blank = m.blank;
      if (m.startedAt) startedAt = m.startedAt;
      if (m.shownAt) shownAt = m.shownAt;
      render();
    }
  });
  const go = (i) => {
    const next = Math.max(0, Math.min(total - 1, i));
    if (next !== current) shownAt = Date.now();
    current = next;
    blank = false;
    render();
    channel.send(state());
  };
  const openNotes = () => {
    const win = window.open(
      `${root.dataset.notesUrl}#notes-${current + 1}`,
      `packway-notes-${deckId}`,
      'popup,width=1100,height=760',
    );
    message.textContent = win
      ? ''
      : 'Your browser blocked the speaker notes window. Allow pop-ups for this site, or open the Speaker notes link.';
    if (win) win.focus?.();
  };

  root.setAttribute('data-ready', '');
  document.body.classList.add('pw-present-page--ready');
  for (const b of root.querySelectorAll('button[hidden]')) b.hidden = false;
  root.querySelector('[data-present-prev]').addEventListener('click', () => go(current - 1));
  root.querySelector('[data-present-next]').addEventListener('click', () => go(current + 1));
  root.querySelector('[data-present-full]').addEventListener('click', toggleFullscreen);
  notesLink.addEventListener('click', (e) => {
    e.preventDefault();
    openNotes();
  });
  // a click on the slide moves on, as a clicker would; the controls show while the pointer moves, and on focus
  root.addEventListener('click', (e) => {
    if (e.target instanceof window.Element && !e.target.closest('a, button, [data-present-bar]'))
      go(current + 1);
  });
  let idle;
  document.addEventListener('mousemove', () => {
    bar.setAttribute('data-awake', '');
    clearTimeout(idle);
    idle = setTimeout(() => bar.removeAttribute('data-awake'), 2500);
  });
  document.addEventListener('keydown', (e) => {
    if (isTyping(e)) return;
    if (
      e.target instanceof HTMLElement &&
      e.target.closest('a, button') &&
      (e.key === 'Enter' || e.key === ' ')
    )
      return;
    if (navigationKey(e, go, () => current, total)) return;
    if (e.key === 's' || e.key === 'S') openNotes();
    else if (e.key === 'b' || e.key === 'B' || e.key === '.') {
      blank = !blank;
      render();
      channel.send(state());
    } else if (e.key === 'Escape') {
      // in full screen the browser leaves full screen itself; otherwise Esc leaves the presentation
      if (!document.fullscreenElement) location.assign(leave.href);
    } else return;
    e.preventDefault();
  });
  window.addEventListener('resize', () => fit(slides[current]));
  window.addEventListener('hashchange', () => {
    const n = slideFromHash(total);
    if (n !== null && n !== current) go(n);
  });
  render();
  channel.send(state());
}

function clockText(date) {
  return date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function duration(ms) {
  const s = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

function initNotes(root) {
  const items = [...root.querySelectorAll('[data-note-slide]')];
  const total = items.length;
  const deckId = root.dataset.deckId;
  const status = root.querySelector('[data-notes-status]');
  const count = root.querySelector('[data-notes-count]');
  const clock = root.querySelector('[data-clock]');
  const elapsed = root.querySelector('[data-elapsed]');
  const left = root.querySelector('[data-slide-left]');
  const leftBox = root.querySelector('[data-slide-timer]');
  const onSlide = root.querySelector('[data-slide-on]');
  const plan = root.querySelector('[data-plan]');
  let current = slideFromHash(total) ?? 0;
  let shownAt = Date.now();
  let startedAt = Date.now();
  let blank = false;

  const tick = () => {
    const now = Date.now();
    clock.textContent = clockText(new Date(now));
    clock.setAttribute('datetime', new Date(now).toISOString());
    elapsed.textContent = duration(now - startedAt);
    const on = now - shownAt;
    onSlide.textContent = duration(on);
    const minutes = Number(items[current].dataset.minutes);
    if (minutes > 0) {
      const rest = minutes * 60000 - on;
      left.textContent = rest >= 0 ? duration(rest) : `over by ${duration(rest)}`;
      leftBox.toggleAttribute('data-over', rest < 0);
      leftBox.toggleAttribute('data-soon', rest >= 0 && rest < 60000);
    } else {
      left.textContent = 'no time set';
      leftBox.removeAttribute('data-over');
      leftBox.removeAttribute('data-soon');
    }
    const by = Number(items[current].dataset.plannedBy);
    const spent = Math.floor((now - startedAt) / 60000);
    plan.textContent = by
      ? `Planned to reach the end of this slide after ${by} minutes; you have presented for ${spent} ${spent === 1 ? 'minute' : 'minutes'}.`
      : '';
  };
  const render = () => {
    items.forEach((item, n) => item.toggleAttribute('data-current', n === current));
    count.textContent = `Slide ${current + 1} of ${total}${blank ? ' (audience screen blank)' : ''}`;
    history.replaceState(null, '', `#notes-${current + 1}`);
    tick();
  };
  const channel = deckChannel(deckId, (m) => {
    if (m.type !== 'state') return;
    current = Math.max(0, Math.min(total - 1, m.slide));
    if (m.shownAt) shownAt = m.shownAt;
    if (m.startedAt) startedAt = m.startedAt;
    blank = Boolean(m.blank);
    render();
  });
  const send = () => channel.send({ type: 'state', slide: current, shownAt, startedAt, blank, total });
  const go = (i) => {
    const next = Math.max(0, Math.min(total - 1, i));
    if (next !== current) shownAt = Date.now();
    current = next;
    blank = false;
    render();
    send();
  };

  const last = channel.last();
  if (last && last.type === 'state' && Date.now() - last.nonce < 3 * 3600000 && last.slide < total) {
    if (slideFromHash(total) === null) current = last.slide;
    shownAt = last.shownAt ?? shownAt;
    startedAt = last.startedAt ?? startedAt;
  }
  root.setAttribute('data-ready', '');
  status.hidden = false;
  root.querySelector('[data-notes-prev]').addEventListener('click', () => go(current - 1));
  root.querySelector('[data-notes-next]').addEventListener('click', () => go(current + 1));
  root.querySelector('[data-notes-restart]').addEventListener('click', () => {
    startedAt = Date.now();
    shownAt = startedAt;
    render();
    send();
  });
  document.addEventListener('keydown', (e) => {
    if (isTyping(e)) return;
    if (
      e.target instanceof HTMLElement &&
      e.target.closest('a, button') &&
      (e.key === 'Enter' || e.key === ' ')
    )
      return;
    if (navigationKey(e, go, () => current, total)) return;
    if (e.key === 'b' || e.key === 'B' || e.key === '.') {
      blank = !blank;
      render();
      send();
      e.preventDefault();
    }
  });
  render();
  window.setInterval(tick, 1000);
  // ask an audience window already showing this deck where it is
  channel.send({ type: 'hello' });
}

document.querySelectorAll('[data-present]').forEach(initAudience);
document.querySelectorAll('[data-presenter-notes]').forEach(initNotes);
