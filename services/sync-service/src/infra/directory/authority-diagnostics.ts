import type { ClientSecretCredentialOptions } from '@azure/identity';
import type { FailureEvidence } from './failure-classification';

type PipelinePolicy = NonNullable<ClientSecretCredentialOptions['additionalPolicies']>[number]['policy'];

/**
 * @azure/identity folds Entra's token errors into exceptions whose only detail is prose. This
 * pipeline policy watches the token and discovery responses themselves and keeps the structured
 * facts (`error`, `error_codes` = AADSTS numbers, status, transport error code) of the latest failure.
 */
export class AuthorityDiagnostics {
  private latest: FailureEvidence | undefined;

  readonly policy: PipelinePolicy = {
    name: 'adsyncAuthorityDiagnostics',
    sendRequest: async (request, next) => {
      try {
        const response = await next(request);
        this.latest =
          response.status >= 400 ? authorityEvidence(response.status, response.bodyAsText) : undefined;
        return response;
      } catch (error) {
        this.latest = { kind: 'authorityUnreachable', transportCode: transportCode(error) };
        throw error;
      }
    },
  };

  /** What the authority said last time it failed, if the latest exchange failed. */
  latestFailure(): FailureEvidence | undefined {
    return this.latest;
  }
}

function authorityEvidence(status: number, bodyText: string | null | undefined): FailureEvidence {
  try {
    const body = JSON.parse(bodyText ?? '') as { error?: unknown; error_codes?: unknown };
    const aadstsCodes = Array.isArray(body.error_codes)
      ? body.error_codes.filter((code) => typeof code === 'number')
      : [];
    return {
      kind: 'authority',
      status,
      error: typeof body.error === 'string' ? body.error : undefined,
      aadstsCodes,
    };
  } catch {
    return { kind: 'authority', status, aadstsCodes: [] };
  }
}

export function transportCode(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = candidate?.code ?? candidate?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}
