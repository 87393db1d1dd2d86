// Configuration problems are collected, not thrown one by one: an operator fixing a deployment should see
// every wrong key in one run.
import { DeflectError } from '../shared/errors.js';

export interface ConfigProblem {
  readonly key: string;
  readonly reason: string;
}

export interface ProblemList {
  /** Keeps the first problem per key: a second one is usually a consequence of the first. */
  readonly add: (key: string, reason: string) => void;
  readonly all: () => readonly ConfigProblem[];
}

export function createProblemList(): ProblemList {
  const problems: ConfigProblem[] = [];
  return {
    add: (key, reason) => {
      if (!problems.some((problem) => problem.key === key)) problems.push({ key, reason });
    },
    all: () => problems,
  };
}

/** One DEFLECT_CONFIG_INVALID naming every problem, one per line, as `KEY: reason`. */
export function configInvalid(problems: readonly ConfigProblem[]): DeflectError {
  const lines = problems.map((problem) => `${problem.key}: ${problem.reason}`);
  const only = problems.length === 1 ? problems[0] : undefined;
  if (only !== undefined) return new DeflectError('DEFLECT_CONFIG_INVALID', lines.join(''), { field: only.key });
  return new DeflectError('DEFLECT_CONFIG_INVALID', `${problems.length} problems\n  ${lines.join('\n  ')}`);
}
