/** Importing a CSV or JSONL file in the app: its part of the maps in contract.ts. */
import { z } from 'zod';
import { VISITOR_FIELDS } from '../visitor';
import { channel, NoArgs } from './channel';

export const IMPORT_FORMATS = ['csv', 'jsonl'] as const;
export const ImportFormatSchema = z.enum(IMPORT_FORMATS);
export type ImportFormat = z.infer<typeof ImportFormatSchema>;

/** Where a column of the file goes: a visitor field, the record's id (update), or nowhere. */
export const IMPORT_TARGETS = [...VISITOR_FIELDS, 'id'] as const;
export const ImportTargetSchema = z.enum(IMPORT_TARGETS);
export type ImportTarget = z.infer<typeof ImportTargetSchema>;

/** One column of the file (a CSV header cell, a JSONL key) and where it goes; null: ignored. */
export const ColumnMappingSchema = z.strictObject({
  column: z.string().max(500),
  target: ImportTargetSchema.nullable(),
});
export type ColumnMapping = z.infer<typeof ColumnMappingSchema>;
export const ImportMappingSchema = z.array(ColumnMappingSchema).max(200);
export type ImportMapping = z.infer<typeof ImportMappingSchema>;

/** The file the person picked; the core keeps its path, the window only this handle. */
export const ImportFileIdSchema = z.string().min(1).max(64);

export const RejectedLineSchema = z.object({ line: z.number().int(), reason: z.string() });
export type RejectedLine = z.infer<typeof RejectedLineSchema>;

/** An earlier import of the same file (same bytes) that stopped before its end. */
export const ImportResumeSchema = z.object({
  startedAt: z.string(),
  /** Every row before this line is in; the import goes on from here. */
  nextLine: z.number().int(),
  rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  /** The mapping it used, which a resumed import keeps. */
  mapping: ImportMappingSchema,
});

export const ImportInspectionSchema = z.object({
  fileId: ImportFileIdSchema,
  name: z.string(),
  size: z.number().int(),
  format: ImportFormatSchema,
  /** The file's columns in order, with a few sample values each. */
  columns: z.array(z.object({ name: z.string(), samples: z.array(z.string()) })),
  /** The console's guess (by name; aliases such as "E-mail" or "Organisation"), to be changed. */
  mapping: ImportMappingSchema,
  /** Set when this file was partly imported before: the import continues there. */
  resume: ImportResumeSchema.nullable(),
  /** Set when this file was imported to its end before: when. */
  importedAt: z.string().nullable(),
});
export type ImportInspection = z.infer<typeof ImportInspectionSchema>;

/** How many of each the import would do, and the rows it would refuse (the first 1 000). */
export const ImportCountsSchema = z.object({
  rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  rejected: z.number().int(),
  rejectedLines: z.array(RejectedLineSchema),
});
export type ImportCounts = z.infer<typeof ImportCountsSchema>;

export const DryRunReportSchema = ImportCountsSchema.extend({
  /** Rows already imported by an earlier, interrupted run (skipped, not counted above). */
  alreadyImported: z.number().int(),
});
export type DryRunReport = z.infer<typeof DryRunReportSchema>;

export const ImportSummarySchema = ImportCountsSchema.extend({
  /** True when the import continued an interrupted one (the counts include the earlier part). */
  resumed: z.boolean(),
  /** True when this file had been imported to its end before: nothing was done again. */
  alreadyImported: z.boolean(),
});
export type ImportSummary = z.infer<typeof ImportSummarySchema>;

const FileAndMapping = z.strictObject({ fileId: ImportFileIdSchema, mapping: ImportMappingSchema });

export const importChannels = {
  /** The OS's open dialog (CSV or JSONL); the picked file is inspected at once. */
  'import:pick': channel(
    NoArgs,
    z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('chosen'), inspection: ImportInspectionSchema }),
      z.object({ kind: z.literal('cancelled') }),
    ]),
  ),
  /** Reads the whole file without writing anything: what would happen, bad rows by line. */
  'import:dryRun': channel(FileAndMapping, DryRunReportSchema),
  /** The import itself, as a job (progress, Cancel); committed in batches, resumable. */
  'import:run': channel(FileAndMapping, ImportSummarySchema),
} as const;

export const importEvents = {} as const;
