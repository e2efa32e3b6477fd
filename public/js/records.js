// The learning record: a "Print this record" button (hidden without JavaScript, where the browser's print command does the same).
for (const button of document.querySelectorAll('[data-pw-print]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}
