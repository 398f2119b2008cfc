/**
 * The registry's errors with Confluent's HTTP status, error code and message (Confluent's rest/exceptions/Errors.java
 * and the Rest*Exception classes): the REST layer answers `{"error_code": code, "message": message}` with `status`.
 */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The error code of an incompatible schema. Confluent answered 409 until 8.1 and answers 40901 since 8.2 (both with
 * HTTP status 409); Sluice keeps 409, what the clients in use (and the converters' tests) know.
 */
export const INCOMPATIBLE_SCHEMA_ERROR_CODE = 409;

/** Confluent's context of a subject in the default context: the empty string (so its messages hold two spaces). */
const DEFAULT_CONTEXT = '';

export const errors = {
  subjectNotFound: (subject: string | null) => new RegistryError(404, 40401, `Subject '${subject}' not found.`),
  versionNotFound: (version: number) => new RegistryError(404, 40402, `Version ${version} not found.`),
  schemaNotFound: (id?: number) => new RegistryError(404, 40403, id === undefined ? 'Schema not found' : `Schema ${id} not found`),
  subjectSoftDeleted: (subject: string) =>
    new RegistryError(404, 40404, `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`),
  subjectNotSoftDeleted: (subject: string) =>
    new RegistryError(404, 40405, `Subject '${subject}' was not deleted first before being permanently deleted`),
  versionSoftDeleted: (subject: string, version: number) =>
    new RegistryError(404, 40406, `Subject '${subject}' Version ${version} was soft deleted.Set permanent=true to delete permanently`),
  versionNotSoftDeleted: (subject: string, version: number) =>
    new RegistryError(404, 40407, `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`),
  subjectCompatibilityNotConfigured: (subject: string) =>
    new RegistryError(404, 40408, `Subject '${subject}' does not have subject-level compatibility configured`),
  subjectModeNotConfigured: (subject: string) => new RegistryError(404, 40409, `Subject '${subject}' does not have subject-level mode configured`),
  incompatible: (subject: string, details: readonly string[]) =>
    new RegistryError(
      409,
      INCOMPATIBLE_SCHEMA_ERROR_CODE,
      `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${details.join(', ')}]`,
    ),
  invalidSchema: (message: string, cause?: unknown) => new RegistryError(422, 42201, message, cause === undefined ? undefined : { cause }),
  invalidVersion: (version: string) =>
    new RegistryError(
      422,
      42202,
      `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
    ),
  invalidCompatibility: () =>
    new RegistryError(
      422,
      42203,
      'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive',
    ),
  invalidMode: (message = 'Invalid mode. Valid values are READWRITE, READONLY, IMPORT and FORWARD.') => new RegistryError(422, 42204, message),
  notPermitted: (message: string) => new RegistryError(422, 42205, message),
  readOnly: (subject: string | null) => errors.notPermitted(`Subject ${subject} in context ${DEFAULT_CONTEXT} is in read-only mode`),
  notInMode: (subject: string, mode: 'import' | 'read-write') => errors.notPermitted(`Subject ${subject} in context ${DEFAULT_CONTEXT} is not in ${mode} mode`),
  referenceExists: (subject: string, version: number) =>
    new RegistryError(422, 42206, `One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=${subject},version=${version}}.`),
  invalidSubject: (subject: string) => new RegistryError(422, 42208, `The specified subject '${subject}' is not a valid.`),
  store: (message: string, cause?: unknown) => new RegistryError(500, 50001, message, cause === undefined ? undefined : { cause }),
  timeout: (message: string, cause?: unknown) => new RegistryError(500, 50002, message, cause === undefined ? undefined : { cause }),
};
