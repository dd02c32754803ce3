/** Small JSON files under userData: validated on read, written atomically (temp file + rename). */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { z } from 'zod';

export interface JsonFile<T> {
  read(): T | null;
  write(value: T): void;
}

export function jsonFile<S extends z.ZodType>(path: string, schema: S, onCorrupt: (why: string) => void = () => {}): JsonFile<z.infer<S>> {
  return {
    read() {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        return null; // missing file: first run
      }
      try {
        const parsed = schema.safeParse(JSON.parse(text));
        if (parsed.success) return parsed.data;
        onCorrupt(`${path}: ${parsed.error.message}`);
      } catch (e) {
        onCorrupt(`${path}: ${e instanceof Error ? e.message : String(e)}`);
      }
      // Keep the unreadable file for diagnosis instead of overwriting it on the next write.
      try {
        renameSync(path, `${path}.corrupt-${Date.now()}`);
      } catch {
        /* already gone */
      }
      return null;
    },
    write(value) {
      mkdirSync(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(value, null, 1), { mode: 0o600 });
      renameSync(tmp, path);
    },
  };
}
