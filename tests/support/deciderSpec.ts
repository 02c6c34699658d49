import type { Decider } from '../../src/events';

/**
 * A given/when/then specification for any stream type's decider:
 * `spec(decider)(history).when(command).then(events)` or `.thenRefuses(code)`.
 */
export function deciderSpec<S, C, E extends { type: string; data: unknown }>(decider: Decider<S, C, E>) {
  return (history: E[]) => {
    const state = () => history.reduce(decider.evolve, decider.initialState());
    return {
      when: (command: C) => ({
        then(expected: E[]) {
          expect(decider.decide(command, state())).toEqual(expected);
        },
        thenRefuses(code: string) {
          expect(() => decider.decide(command, state())).toThrow(expect.objectContaining({ code }) as Error);
        },
      }),
    };
  };
}
