/** What a pre-flight was asked to do (`exo-doctor preflight --help`). */
export interface PreflightOptions {
  /** The input: a CSV of accounts (`--users`), or of tenants with their own app identity (`--tenants`). */
  readonly users?: string;
  readonly tenants?: string;
  readonly output?: string;
  readonly resume: boolean;
  readonly concurrency: number;
  readonly json: boolean;
  readonly html?: string;
  readonly markdown?: string;
  readonly junit?: string;
  readonly timeout: number;
  readonly verbose: boolean;
}
