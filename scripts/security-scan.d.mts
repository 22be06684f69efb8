/** Types of scripts/security-scan.mjs, for its tests. */
export interface Finding {
  issue: string;
  severity: string;
  confidence: string;
  filename: string;
  location: string;
  sample: string;
  description: string;
  url: string;
}
export interface Waiver {
  check: string;
  file: string;
  reason: string;
}
export function judge(
  findings: Finding[],
  waivers: Waiver[],
): {
  blocking: Finding[];
  waived: (Finding & { reason: string })[];
  low: Finding[];
  unusedWaivers: Waiver[];
};
export function runElectronegativity(
  input: string,
  csvPath: string,
): { electronVersion: string; findings: Finding[] };
export function readWaivers(): Waiver[];
