// Docker events, printed exactly as `docker events` prints them:
// <time> <type> <action> <actor-id> (<k>=<v>, ... sorted by key)
// with the time as 2006-01-02T15:04:05.000000000Z07:00 (we print UTC, so it ends in Z).

function nanosOf(event) {
  const seconds = Number(event.time) || 0;
  const nano = event.timeNano;
  if (typeof nano === 'number' && Number.isFinite(nano) && nano > 0) {
    // timeNano is beyond 2^53, so JSON gives us the nearest double; BigInt keeps what is left exact.
    try {
      const total = BigInt(Math.round(nano));
      const frac = total % 1000000000n;
      return { seconds: Number(total / 1000000000n), frac: Number(frac) };
    } catch {
      /* fall through */
    }
  }
  if (typeof nano === 'string' && /^\d+$/.test(nano)) {
    const total = BigInt(nano);
    return { seconds: Number(total / 1000000000n), frac: Number(total % 1000000000n) };
  }
  return { seconds, frac: 0 };
}

export function eventTime(event) {
  const { seconds, frac } = nanosOf(event);
  const iso = new Date(seconds * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  return `${iso.slice(0, 19)}.${String(frac).padStart(9, '0')}Z`;
}

/** The clock time only (HH:MM:SS), for compact displays. */
export function eventClock(event) {
  return eventTime(event).slice(11, 19);
}

export function eventAttributes(event) {
  const attrs = (event.Actor && event.Actor.Attributes) || {};
  return Object.keys(attrs).sort().map((k) => `${k}=${attrs[k]}`);
}

/** The parts of a `docker events` line, for styling; joined with spaces they are the line. */
export function eventParts(event) {
  const attrs = eventAttributes(event);
  return {
    time: eventTime(event),
    type: event.Type || '',
    action: event.Action || '',
    id: (event.Actor && event.Actor.ID) || '',
    attrs: attrs.length ? `(${attrs.join(', ')})` : '',
  };
}

export function formatEvent(event) {
  const p = eventParts(event);
  return [p.time, p.type, p.action, p.id, p.attrs].filter((x) => x !== '').join(' ');
}

export function eventContainerName(event) {
  if (!event || event.Type !== 'container') return '';
  return (event.Actor && event.Actor.Attributes && event.Actor.Attributes.name) || '';
}
