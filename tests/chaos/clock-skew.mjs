// Loaded with `node --import` into the CLI for the clock-skew fault: the
// process's clock (Date.now, new Date()) runs CHAOS_CLOCK_OFFSET_MS off.
// SQLite's own datetime('now') is not moved by this.
const offset = Number(process.env.CHAOS_CLOCK_OFFSET_MS ?? '0');
if (offset !== 0) {
  const RealDate = Date;
  class SkewedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = SkewedDate;
}
