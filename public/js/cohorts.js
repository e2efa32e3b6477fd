// Choosing learners: the search box narrows the list as you type (the Search button still works without JavaScript).
const search = document.querySelector('[data-learner-search]');
const items = [...document.querySelectorAll('[data-learner]')];
const count = document.querySelector('[data-learner-count]');
if (search && items.length) {
  const original = count ? count.textContent : '';
  search.addEventListener('input', () => {
    const q = search.value.trim().toLowerCase();
    let shown = 0;
    for (const item of items) {
      const match = !q || item.dataset.learner.includes(q);
      const input = item.querySelector('input');
      // a ticked learner stays visible, so nobody is enrolled out of sight
      item.hidden = !match && !(input && input.checked);
      if (!item.hidden) shown++;
    }
    if (count) count.textContent = q ? `${shown} shown. Select all that apply.` : original;
  });
}
