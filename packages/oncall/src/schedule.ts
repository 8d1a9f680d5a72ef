/** A rotation's shift length: `daily` is 1 day, `weekly` 7 days, `custom` whatever `length` says. */
export type RotationKind = 'daily' | 'weekly' | 'custom';

/**
 * One layer of a schedule: a rotation through its participants, in order, from `start` (a local
 * date; the first shift begins there at `handoff`). Lengths in days are calendar days in the
 * layer's time zone and lengths in hours are hours of wall-clock time there, so a 09:00 hand-off
 * stays at 09:00 local across a DST change.
 */
export interface Layer {
  rotation: RotationKind;
  /** For `custom`: the shift length. */
  length?: { days?: number; hours?: number };
  /** HH:MM, local. */
  handoff: string;
  /** IANA time zone. */
  timeZone: string;
  participants: string[];
  /** YYYY-MM-DD, local: the day the first participant's first shift begins. */
  start: string;
  /** YYYY-MM-DD, local: the layer covers nothing from this day's hand-off on. */
  end?: string;
}

/** "ana covers Saturday 09:00–18:00": wins over every layer within [start, end). Epoch ms. */
export interface Override {
  user: string;
  start: number;
  end: number;
}

/** Later layers override earlier ones wherever they have someone on call. */
export interface Schedule {
  name: string;
  timeZone: string;
  layers: Layer[];
  overrides: Override[];
}

/** Someone on call from `start` (inclusive) to `end` (exclusive), epoch ms. */
export interface Shift {
  start: number;
  end: number;
  user: string;
}
