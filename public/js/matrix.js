// The progress matrix: the sideways-scroll cue shows only while the table is wider than its box, and shadows at the
// edges show on which side there is more to see. Without this script the cue and the right-hand shadow always show.
for (const box of document.querySelectorAll('[data-matrix-scroll]')) {
  const frame = box.closest('.pw-matrix-frame');
  const cue = document.querySelector('[data-scroll-cue]');
  const update = () => {
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    if (frame) {
      frame.classList.add('pw-matrix-frame--checked');
      frame.classList.toggle('pw-matrix-frame--more-left', scrolls && box.scrollLeft > 0);
      frame.classList.toggle(
        'pw-matrix-frame--more-right',
        scrolls && box.scrollLeft + box.clientWidth < box.scrollWidth - 1,
      );
    }
    if (cue) cue.hidden = !scrolls;
  };
  box.addEventListener('scroll', update, { passive: true });
  window.addEventListener('resize', update);
  update();
}
