/**
 * The one shape of every stream type's pure logic (auctions, users, and each new kind of
 * stream): `decide` turns a command and the state into events (or throws an expected failure
 * with a stable code), `evolve` folds one event into the state, `initialState` is the state of a
 * stream that does not exist yet. No I/O, no clock: the time comes in the command.
 */
export interface Decider<State, Command, Event extends { type: string; data: unknown }> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}
