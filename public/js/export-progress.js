// An export (the trainer's pack, a SCORM or cmi5 package) while it is prepared: asks the status endpoint every two seconds and shows how many files are
// made; once it is ready (or has failed) the page is loaded again, which then shows the download (or what went wrong).
// Without this script the page says how far it had got and offers a link to check again.
const box = document.querySelector('[data-export-progress]');
if (box) {
  const url = box.getAttribute('data-status-url');
  const noun = box.getAttribute('data-export-noun');
  const count = box.querySelector('[data-export-count]');
  const bar = box.querySelector('[data-export-bar]');
  const announce = box.querySelector('[data-export-announce]');
  let lastAnnounced = -1;
  const poll = async () => {
    try {
      const res = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      if (res.ok) {
        const status = await res.json();
        if (status.status !== 'building') {
          location.reload();
          return;
        }
        if (status.total) {
          count.textContent = `Preparing the ${noun}: ${status.done} of ${status.total} files`;
          bar.max = status.total;
          bar.value = status.done;
          bar.textContent = `${status.done} of ${status.total}`;
          // a screen reader hears the progress now and then, not at every file
          const quarter = Math.floor((4 * status.done) / status.total);
          if (quarter !== lastAnnounced) {
            lastAnnounced = quarter;
            announce.textContent = `${status.done} of ${status.total} files prepared`;
          }
        }
      }
    } catch {
      // a dropped connection: try again at the next tick
    }
    setTimeout(poll, 2000);
  };
  setTimeout(poll, 1000);
}
