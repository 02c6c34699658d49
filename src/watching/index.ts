/**
 * The watching domain, pure: a user's stream (`user-<userId>`), the events of what they watch,
 * and the decision of a watch command. No I/O.
 */
export * from './watchEvents';
export * from './userStream';
