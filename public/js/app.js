// Progressive enhancement only: every page works without this script.
import { initAll } from '/static/govuk/govuk-frontend.min.js';

document.body.classList.add('js-enabled', 'govuk-frontend-supported');
initAll();

const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';

/** Slide decks: one slide at a time, arrow keys and buttons, N toggles speaker notes. */
function initDeck(deck) {
  const slides = [...deck.querySelectorAll('[data-slide]')];
  const controls = document.querySelector('[data-deck-controls]');
  if (!slides.length || !controls) return;
  const count = controls.querySelector('[data-deck-count]');
  const notesButton = controls.querySelector('[data-deck-notes]');
  const fromHash = Number((location.hash.match(/^#slide-(\d+)$/) || [])[1]);
  let current = Number.isInteger(fromHash) && fromHash >= 1 && fromHash <= slides.length ? fromHash - 1 : 0;
  deck.setAttribute('data-ready', '');
  controls.hidden = false;
  document.querySelector('[data-deck-help]')?.removeAttribute('hidden');
  const show = (i) => {
    current = Math.max(0, Math.min(slides.length - 1, i));
    slides.forEach((s, n) => s.toggleAttribute('data-current', n === current));
    count.textContent = `Slide ${current + 1} of ${slides.length}`;
    history.replaceState(null, '', `#slide-${current + 1}`);
  };
  const toggleNotes = () => {
    const on = !deck.hasAttribute('data-notes-on');
    deck.toggleAttribute('data-notes-on', on);
    notesButton.setAttribute('aria-pressed', String(on));
    notesButton.textContent = on ? 'Hide speaker notes' : 'Show speaker notes';
  };
  controls.querySelector('[data-deck-prev]').addEventListener('click', () => show(current - 1));
  controls.querySelector('[data-deck-next]').addEventListener('click', () => show(current + 1));
  notesButton.addEventListener('click', toggleNotes);
  document.addEventListener('keydown', (e) => {
    if (e.target instanceof HTMLElement && /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName)) return;
    if (e.key === 'ArrowRight' || e.key === 'PageDown' || (e.key === ' ' && !e.shiftKey)) {
      show(current + 1);
      e.preventDefault();
    } else if (e.key === 'ArrowLeft' || e.key === 'PageUp') {
      show(current - 1);
      e.preventDefault();
    } else if (e.key === 'Home') {
      show(0);
      e.preventDefault();
    } else if (e.key === 'End') {
      show(slides.length - 1);
      e.preventDefault();
    } else if (e.key === 'n' || e.key === 'N') toggleNotes();
  });
  show(current);
}

/** Case-study answers save as the learner types (after a pause), through the same API the pages use. */
function initAutosave(form) {
  for (const box of form.querySelectorAll('textarea[data-autosave-url]')) {
    const status = document.getElementById(
      box.dataset.autosaveStatus ?? box.getAttribute('aria-describedby'),
    );
    const share = form.querySelector(`input[name="share:${box.name.slice('answer:'.length)}"]`);
    let timer;
    let lastSent = box.value;
    const save = async () => {
      if (box.value === lastSent && !save.force) return;
      save.force = false;
      const text = box.value;
      status.textContent = 'Saving…';
      try {
        const res = await fetch(box.dataset.autosaveUrl, {
          method: 'PUT',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
          credentials: 'same-origin',
          body: JSON.stringify({ text, shared: share ? share.checked : false }),
        });
        const body = await res.json();
        if (!res.ok) throw new Error(body.error?.message ?? 'Not saved');
        lastSent = text;
        status.textContent = `Saved at ${new Date(body.updatedAt).toLocaleTimeString('en-GB', { hour: 'numeric', minute: '2-digit' })}`;
      } catch (err) {
        status.textContent = `Not saved: ${err.message}. Use the Save answers button.`;
      }
    };
    box.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(save, 1200);
    });
    box.addEventListener('blur', () => {
      clearTimeout(timer);
      save();
    });
    share?.addEventListener('change', () => {
      save.force = true;
      save();
    });
  }
}

document.querySelectorAll('[data-deck]').forEach((d) => {
  if (!d.classList.contains('pw-deck--print')) initDeck(d);
});
document.querySelectorAll('[data-autosave-form]').forEach(initAutosave);
