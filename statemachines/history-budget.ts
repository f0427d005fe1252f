import type { WorkflowLimits } from '../core/workflow-limits.ts';

/**
 * The most history events one execution of the lease workflow can write, found by walking the
 * definition itself: every path, every Catch, every Retry at its most attempts, every loop at its
 * limit. A loop whose exit the walk cannot see bounded (a counter `$.counters.<c>.n`, raised by a
 * Pass `States.MathAdd(..., 1)` and compared with `$.limits.<l>` in a Choice) is an error: no
 * execution may poll forever or approach Step Functions' 25,000-event history limit.
 *
 * The Hold state's loop on itself is an extension: bounded by the policy's extension cap, which
 * the API enforces before it sends the new period.
 */

interface State {
  Type: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: ChoiceRule[];
  Catch?: { Next: string }[];
  Retry?: { MaxAttempts?: number }[];
  Parameters?: Record<string, unknown>;
  ResultPath?: string | null;
}

interface ChoiceRule {
  Next: string;
  Variable?: string;
  NumericGreaterThanEqualsPath?: string;
}

/** Events Step Functions records (conservatively): a task's entry, schedule, start, submit, result, exit. */
const TASK_EVENTS = 6;
/** Each retry: scheduled, started, failed again, and the retry's own submit. */
const RETRY_EVENTS = 4;
const PLAIN_EVENTS = 2;
const EXECUTION_EVENTS = 2;

const COUNTER_PATH = /^\$\.counters\.([A-Za-z]+)\.n$/;
const LIMIT_PATH = /^\$\.limits\.([A-Za-z]+)$/;
const INCREMENT = /^States\.MathAdd\(\$\.counters\.([A-Za-z]+)\.n, 1\)$/;

/** The counter a Pass state raises by one, if it is one of the loop counters. */
const raises = (state: State): string | undefined => {
  const expr = state.Parameters?.['n.$'];
  const m = typeof expr === 'string' ? INCREMENT.exec(expr) : null;
  return m && state.ResultPath === `$.counters.${m[1]}` ? m[1] : undefined;
};

const limitRule = (rule: ChoiceRule) => {
  const counter = rule.Variable ? COUNTER_PATH.exec(rule.Variable)?.[1] : undefined;
  const limit = rule.NumericGreaterThanEqualsPath
    ? LIMIT_PATH.exec(rule.NumericGreaterThanEqualsPath)?.[1]
    : undefined;
  return counter && limit ? { counter, limit } : undefined;
};

const eventsOf = (state: State): number =>
  state.Type === 'Task'
    ? TASK_EVENTS + RETRY_EVENTS * (state.Retry ?? []).reduce((sum, r) => sum + (r.MaxAttempts ?? 3), 0)
    : PLAIN_EVENTS;

export interface Budget {
  /** An upper bound of the events any one execution can record. */
  readonly events: number;
  /** How it adds up: the longest stretch before any loop, and each loop's iterations × stretch. */
  readonly parts: readonly {
    readonly loop: string;
    readonly iterations: number;
    readonly eventsEach: number;
  }[];
}

/**
 * The bound, compositionally: cut every path at the states that raise a loop counter (and at the
 * Hold, whose loop on itself is an extension). Between two cuts a path is acyclic, so its longest
 * stretch is a longest path in a DAG; a counter can be raised at most `limit + 1` times in a whole
 * execution, because its Choice leaves the loop once it reaches the limit. So no execution records
 * more than the first stretch plus, per cut state, (its visits) × (the longest stretch from it).
 */
export function historyBudget(definition: string, limits: WorkflowLimits, maxExtensions: number): Budget {
  const asl = JSON.parse(definition) as { StartAt: string; States: Record<string, State> };
  const states = asl.States;
  const stateOf = (name: string): State => {
    const state = states[name];
    if (!state) throw new Error(`no state ${name}`);
    return state;
  };
  const nextOf = (s: State): string[] =>
    [
      s.Next,
      s.Default,
      ...(s.Choices ?? []).map((c) => c.Next),
      ...(s.Catch ?? []).map((c) => c.Next),
    ].filter((n): n is string => typeof n === 'string');
  const limitOf = (name: string): number => {
    const value = (limits as unknown as Record<string, number>)[name];
    if (value === undefined)
      throw new Error(`the definition compares with $.limits.${name}, which has no value`);
    return value;
  };

  // The cut states and how often each can be entered in one execution.
  const visits = new Map<string, { loop: string; times: number; counter?: string }>();
  for (const [name, state] of Object.entries(states)) {
    if (state.Next === name) visits.set(name, { loop: `${name} (extensions)`, times: maxExtensions + 1 });
    const counter = raises(state);
    if (!counter) continue;
    const checks = Object.entries(states).filter(([, s]) =>
      (s.Choices ?? []).some((rule) => limitRule(rule)?.counter === counter),
    );
    const bound = checks
      .flatMap(([, s]) => (s.Choices ?? []).map(limitRule))
      .find((b) => b?.counter === counter);
    if (!bound) throw new Error(`${name} raises counter ${counter}, which no Choice compares with a limit`);
    // Every way back to the counting state must pass the comparison, or the limit bounds nothing.
    const blocked = new Set(checks.map(([n]) => n));
    const seen = new Set<string>();
    const todo = nextOf(state);
    while (todo.length > 0) {
      const n = todo.pop() as string;
      if (n === name)
        throw new Error(`the loop through ${name} can come back without comparing ${counter} with its limit`);
      if (seen.has(n) || blocked.has(n)) continue;
      seen.add(n);
      todo.push(...nextOf(stateOf(n)));
    }
    visits.set(name, {
      loop: `${counter} (limits.${bound.limit})`,
      times: limitOf(bound.limit) + 1,
      counter,
    });
  }

  // Strongly connected components: a path visits them in topological order and never comes back
  // to one it left, so it moves from one component to the next at most once per component.
  const component = new Map<string, number>();
  {
    let index = 0;
    const order = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const strong = (v: string) => {
      order.set(v, index);
      low.set(v, index++);
      stack.push(v);
      for (const w of nextOf(stateOf(v))) {
        if (!order.has(w)) {
          strong(w);
          low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
        } else if (stack.includes(w)) low.set(v, Math.min(low.get(v) as number, order.get(w) as number));
      }
      if (low.get(v) === order.get(v)) {
        const id = component.size;
        for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop())
          component.set(w, id);
      }
    };
    for (const name of Object.keys(states)) if (!order.has(name)) strong(name);
  }

  /**
   * The longest stretch from `from` until it enters a cut state (not counting it), or ends. With
   * `within`, only stretches that end at a cut state of that component (the loop goes round);
   * without, only those that leave the component or end the execution. -1: no such stretch.
   * A cycle met here is a loop on which no counter is raised.
   */
  const stretch = (from: string, within: number | undefined): number => {
    const memo = new Map<string, number>();
    const visiting = new Set<string>();
    const walk = (name: string, first: boolean): number => {
      if (!first && visits.has(name)) {
        const same = component.get(name) === component.get(from);
        return (within !== undefined) === same ? 0 : -1;
      }
      if (!first && memo.has(name)) return memo.get(name) as number;
      if (visiting.has(name)) throw new Error(`unbounded loop through ${name}: no counter is raised on it`);
      visiting.add(name);
      const state = stateOf(name);
      const successors = nextOf(state).filter((n) => !(first && n === name && state.Next === name));
      let best = successors.length === 0 ? (within === undefined ? 0 : -1) : -1;
      for (const n of successors) best = Math.max(best, walk(n, false));
      if (first && state.Next === name && within !== undefined) best = Math.max(best, 0);
      const events = best < 0 ? -1 : eventsOf(state) + best;
      visiting.delete(name);
      if (!first) memo.set(name, events);
      return events;
    };
    return walk(from, true);
  };

  const parts: { loop: string; iterations: number; eventsEach: number }[] = [];
  // Going round: each raise of a counter starts at most one stretch back into its own loop; states
  // that raise the same counter share its limit, so the longest of their rounds is what counts.
  const rounds = new Map<string, { loop: string; iterations: number; eventsEach: number }>();
  for (const [name, { loop, times, counter }] of visits) {
    const round = stretch(name, component.get(name));
    const key = counter ?? name;
    const known = rounds.get(key);
    if (round > 0 && (!known || known.eventsEach < round))
      rounds.set(key, { loop, iterations: times, eventsEach: round });
  }
  parts.push(...rounds.values());
  // Moving on: from the start, and out of each component once.
  parts.push({
    loop: 'from the start to the first loop',
    iterations: 1,
    eventsEach: stretch(asl.StartAt, undefined),
  });
  const leaving = new Map<number, number>();
  for (const name of visits.keys()) {
    const id = component.get(name) as number;
    leaving.set(id, Math.max(leaving.get(id) ?? 0, stretch(name, undefined)));
  }
  for (const [id, eventsEach] of leaving) {
    const names = [...visits.keys()].filter((n) => component.get(n) === id).join(', ');
    parts.push({ loop: `leaving the loop of ${names}`, iterations: 1, eventsEach });
  }
  const events = parts.reduce((sum, p) => sum + p.iterations * p.eventsEach, 0) + EXECUTION_EVENTS;
  return { events, parts };
}
