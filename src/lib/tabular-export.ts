import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';

/**
 * Streaming table writers for exports (CSV and XLSX). Rows are written as they come, so an export
 * of 100,000 rows never holds them all in memory: CSV goes straight to the response, XLSX through
 * exceljs's streaming WorkbookWriter (rows are committed and flushed one by one).
 */
export type Cell = string | number | boolean | null;

/**
 * Spreadsheet apps run a cell that starts with = + - @ (or a tab/CR before them) as a formula
 * (CSV injection). Such text is prefixed with an apostrophe, which shows the text as typed.
 * Numbers stay numbers: only strings are neutralised.
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r|]/.test(value) ? `'${value}` : value;
}

function csvField(v: Cell): string {
  if (v === null) return '';
  if (typeof v !== 'string') return String(v);
  const s = neutraliseFormula(v);
  return /[",\r\n;]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export interface TableWriter {
  row(cells: readonly Cell[]): Promise<void>;
  end(): Promise<void>;
}

/** Writes to `out`, waiting for 'drain' when the socket is slower than Elasticsearch. */
function write(out: Writable, chunk: string): Promise<void> {
  if (out.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      out.off('error', onError);
      resolve();
    };
    const onError = (err: Error) => {
      out.off('drain', onDrain);
      reject(err);
    };
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}

export function csvWriter(out: Writable, header: readonly string[]): TableWriter {
  // A BOM so Excel opens UTF-8 Cyrillic correctly.
  let started = false;
  let buffer = '';
  const flush = async () => {
    if (buffer) await write(out, buffer);
    buffer = '';
  };
  return {
    async row(cells) {
      if (!started) {
        buffer += `\uFEFF${header.map(csvField).join(',')}\r\n`;
        started = true;
      }
      buffer += `${cells.map(csvField).join(',')}\r\n`;
      if (buffer.length > 64 * 1024) await flush();
    },
    async end() {
      if (!started) buffer += `\uFEFF${header.map(csvField).join(',')}\r\n`;
      await flush();
      out.end();
    },
  };
}

export function xlsxWriter(out: Writable, header: readonly string[], sheetName = 'Данные'): TableWriter {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet(sheetName);
  ws.columns = header.map((h) => ({ header: h, width: Math.min(60, Math.max(10, h.length + 4)) }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).commit();
  return {
    async row(cells) {
      ws.addRow(cells.map((c) => (typeof c === 'string' ? neutraliseFormula(c) : c))).commit();
      return Promise.resolve();
    },
    async end() {
      ws.commit();
      await wb.commit();
    },
  };
}

export const EXPORT_CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;
export type ExportFormat = keyof typeof EXPORT_CONTENT_TYPES;
