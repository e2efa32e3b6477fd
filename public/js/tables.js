// Wide tables scroll inside their own box on a phone instead of pushing the page sideways.
// Each becomes a focusable, labelled region so keyboard users can scroll it too. Without this script, the CSS in
// app.css (phones block) lets the table itself scroll.
for (const table of document.querySelectorAll('main table')) {
  if (table.closest('.pw-table-scroll, .pw-matrix-scroll, [data-no-scroll-wrap]')) continue;
  const box = document.createElement('div');
  box.className = 'pw-table-scroll';
  box.setAttribute('role', 'region');
  box.tabIndex = 0;
  const caption = table.querySelector('caption')?.textContent?.trim();
  box.setAttribute('aria-label', caption || 'Table (scrolls sideways)');
  table.replaceWith(box);
  box.append(table);
}
