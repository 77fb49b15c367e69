import { errorHint } from './error-hints.js';
import { CODE_MAX, cutText, type Sample } from './jtl/sample.js';

/**
 * Why requests failed: errors counted by kind (response code and message: JMeter's failure message when an
 * assertion failed, else its response message), for the whole run and per label, as JMeter's dashboard
 * does ("Errors", "Top 5 errors by sampler").
 *
 * Exact and bounded: each kind's count is exact. Memory is bounded by tracking at most TRACKED kinds for the
 * run and LABEL_TRACKED per label (LABEL_BUDGET over all labels); errors of a kind first seen after that are
 * counted in the "other" row, so every table still adds up to its errors.
 */
export const ERROR_LIMITS = {
  /** Kinds shown for the whole run, and per label; the rest are one "other" row. */
  top: 10,
  labelTop: 5,
  tracked: 1000,
  labelTracked: 50,
  labelBudget: 20_000,
} as const;

export interface ErrorKind {
  /** responseCode ("503", "Non HTTP response code: java.net.UnknownHostException"), at most 100 characters. */
  code: string;
  /** failureMessage, or responseMessage when there is none; at most 300 characters (a cut one ends in "…"). */
  message: string;
  count: number;
  /** Fractions of the table's errors and of its samples. */
  ofErrors: number;
  ofSamples: number;
  /** What usually causes this kind (error-hints.ts), on the whole run's rows. */
  hint?: string;
}

export interface ErrorTable {
  samples: number;
  errors: number;
  /** Most frequent first (then by code and message), at most ERROR_LIMITS.top (labelTop per label). */
  kinds: ErrorKind[];
  /**
   * The errors of every other kind: `kinds` of them, exactly when `complete`, else at least (a kind first
   * seen once the tracking was full is counted here without being told apart). null when nothing is left.
   */
  other: { count: number; kinds: number; complete: boolean } | null;
}

export interface ErrorsSection {
  total: ErrorTable;
  /** Labels with errors, most errors first. */
  labels: (ErrorTable & { label: string })[];
}

interface Tracked {
  code: string;
  message: string;
  count: number;
}

/** One scope's counts: the run's or a label's. */
class KindCounter {
  // By code, then message: no key string made per failed sample.
  private readonly byCode = new Map<string, Map<string, Tracked>>();
  private size = 0;
  private untracked = 0;

  constructor(
    private readonly limit: number,
    private readonly budget?: { left: number },
  ) {}

  add(code: string, message: string, n: number): void {
    let messages = this.byCode.get(code);
    const known = messages?.get(message);
    if (known) {
      known.count += n;
      return;
    }
    if (this.size >= this.limit || (this.budget && this.budget.left <= 0)) {
      this.untracked += n;
      return;
    }
    if (this.budget) this.budget.left--;
    this.size++;
    if (!messages) this.byCode.set(code, (messages = new Map()));
    messages.set(message, { code, message, count: n });
  }

  table(samples: number, errors: number, top: number, hints: boolean): ErrorTable {
    const sorted = [...this.byCode.values()]
      .flatMap((m) => [...m.values()])
      .sort(
        (a, b) => b.count - a.count || a.code.localeCompare(b.code) || a.message.localeCompare(b.message),
      );
    const shown = sorted.slice(0, top);
    const rest = sorted.slice(top);
    const otherCount = rest.reduce((n, k) => n + k.count, 0) + this.untracked;
    const share = (n: number, of: number) => (of ? n / of : 0);
    return {
      samples,
      errors,
      kinds: shown.map((k) => {
        const hint = hints ? errorHint(k.code, k.message) : undefined;
        return {
          ...k,
          ofErrors: share(k.count, errors),
          ofSamples: share(k.count, samples),
          ...(hint ? { hint } : {}),
        };
      }),
      other: otherCount
        ? { count: otherCount, kinds: rest.length + (this.untracked ? 1 : 0), complete: !this.untracked }
        : null,
    };
  }
}

/** Counts the errors of the samples it is given; `section` turns them into summary.json's `errors`. */
export class ErrorCounts {
  private readonly total = new KindCounter(ERROR_LIMITS.tracked);
  private readonly labels = new Map<string, KindCounter>();
  private readonly budget = { left: ERROR_LIMITS.labelBudget };

  add(s: Sample): void {
    if (s.errors <= 0) return;
    const code = cutText(s.responseCode, CODE_MAX);
    const message = s.failureMessage || s.responseMessage;
    this.total.add(code, message, s.errors);
    let label = this.labels.get(s.label);
    if (!label) this.labels.set(s.label, (label = new KindCounter(ERROR_LIMITS.labelTracked, this.budget)));
    label.add(code, message, s.errors);
  }

  section(
    totals: { samples: number; errors: number },
    labelStats: (label: string) => { samples: number; errors: number } | undefined,
  ): ErrorsSection {
    const labels = [...this.labels.entries()].map(([label, counter]) => {
      const st = labelStats(label) ?? { samples: 0, errors: 0 };
      return { label, ...counter.table(st.samples, st.errors, ERROR_LIMITS.labelTop, false) };
    });
    labels.sort((a, b) => b.errors - a.errors || a.label.localeCompare(b.label));
    return { total: this.total.table(totals.samples, totals.errors, ERROR_LIMITS.top, true), labels };
  }
}
