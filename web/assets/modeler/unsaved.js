// Changes not yet saved to the server are kept in this browser (localStorage), so that a
// closed tab, a crash or a session that ended before "Save draft" loses nothing: the
// next time the designer opens the same process here, the modeler offers them back.
// Saving a draft, deploying or discarding the draft forgets them.

const WAIT_MS = 500; // after the last edit, so that a drag is stored once

export function unsavedChanges(modeler, { designer, processKey }, currentXml) {
  // Per designer: two who share a computer do not get each other's edits.
  const key = `govflow-modeler-unsaved:${designer}:${processKey || '(new)'}`;
  let timer = null;
  modeler.get('eventBus').on('commandStack.changed', ({ trigger }) => {
    if (trigger === 'clear') return; // a diagram was opened, not edited
    clearTimeout(timer);
    timer = setTimeout(async () => {
      localStorage.setItem(key, JSON.stringify({ xml: await currentXml(), at: Date.now() }));
    }, WAIT_MS);
  });
  return {
    kept() {
      const kept = localStorage.getItem(key);
      return kept ? JSON.parse(kept) : null;
    },
    forget() {
      clearTimeout(timer);
      localStorage.removeItem(key);
    },
  };
}

// `25/12/2026 14:05` on the Hà Nội clock, as the pages show times.
export function localTime(milliseconds) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(milliseconds)).map(({ type, value }) => [type, value]));
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}
