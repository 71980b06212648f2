/** What a scan format reader sees of the walk, and where it puts what it reads. */
import type { TNormalizedFinding } from './finding';
import type { TJsonKey, TJsonKind, TJsonValue } from './json-walker';

export type TScanTool = { name: string; version: string | null };

export type TFindingSink = {
  push(finding: TNormalizedFinding): void;
  /** A result the file holds that is not a finding (a SARIF result of kind "pass", for instance). */
  skip(): void;
  /** The tool of run `index` (SARIF) or of the whole file (Generic, index 0). */
  setTool(index: number, tool: TScanTool): void;
};

export type TFormatReader = {
  /** As TJsonWalkHandler.enter: return true to capture a container whole. */
  enter(path: readonly TJsonKey[], kind: TJsonKind, value: TJsonValue | undefined): boolean;
  captured(path: readonly TJsonKey[], value: TJsonValue): void;
  leave(path: readonly TJsonKey[], kind: 'object' | 'array'): void;
  /** The document is complete: check what must have been there. */
  finish(): void;
};

export type TJsonObject = { [key: string]: TJsonValue };

export function isObject(value: TJsonValue | undefined): value is TJsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describeKind(value: TJsonValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** The value to describe in a message about what was found: primitives as read, containers as empty ones of their kind. */
export function sample(kind: TJsonKind, value: TJsonValue | undefined): TJsonValue {
  return kind === 'object' ? {} : kind === 'array' ? [] : (value ?? null);
}
