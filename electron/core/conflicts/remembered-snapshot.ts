import type { RememberedRepo } from './remembered-repo';

/**
 * The remembered values as they stood when a preview or an apply began.
 * Apply writes what each page of decisions teaches before it decides the next
 * page; a later conflict on the same pair of values must still get the value
 * the preview showed, or the preview would not be what apply does. So each key
 * is read once, and every key an apply is about to overwrite is read first
 * (`pin`), inside the apply's own transaction.
 */
export class RememberedSnapshot {
  private readonly known = new Map<string, unknown>();
  private readonly absent = new Set<string>();

  constructor(private readonly repo: RememberedRepo) {}

  lookup = (keys: readonly string[]): ReadonlyMap<string, unknown> => {
    this.read(keys);
    const out = new Map<string, unknown>();
    for (const k of keys) if (this.known.has(k)) out.set(k, this.known.get(k));
    return out;
  };

  /** Before the run writes these keys: what it reads of them stays what they were. */
  pin(keys: readonly string[]): void {
    this.read(keys);
  }

  private read(keys: readonly string[]): void {
    const missing = [...new Set(keys)].filter((k) => !this.known.has(k) && !this.absent.has(k));
    if (missing.length === 0) return;
    const found = this.repo.lookup(missing);
    for (const k of missing) {
      const v = found.get(k);
      if (v) this.known.set(k, v.result);
      else this.absent.add(k);
    }
  }
}
