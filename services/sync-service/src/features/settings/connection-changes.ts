import { PUBLIC_CLOUD } from '../../infra/directory';
import type { CloudEndpoints, EndpointField } from '../../infra/directory/cloud-hosts';
import { Problem } from '../../infra/http/problem';
import type { ConnectionRow } from './connection-repository';

/** Values of a connection as an administrator enters them; any may be left out to keep the stored one. */
export interface ConnectionValues {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  authorityHost?: string;
  graphBaseUrl?: string;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** The endpoints `values` lead to: the given ones, else the stored ones, else the public cloud's. */
export function endpointsOf(values: ConnectionValues, stored: ConnectionRow | undefined): CloudEndpoints {
  return {
    authorityHost: trimSlash(values.authorityHost ?? stored?.authority_host ?? PUBLIC_CLOUD.authorityHost),
    graphBaseUrl: trimSlash(values.graphBaseUrl ?? stored?.graph_base_url ?? PUBLIC_CLOUD.graphBaseUrl),
  };
}

/**
 * The stored secret only ever goes where it went before: moving the authority (which receives the secret)
 * or Graph (which receives the tokens) needs the secret in the same request. Otherwise a caller who may
 * write settings but does not know the secret could point it at a host of its own and read it there.
 */
export function assertSecretTravelsWith(
  stored: ConnectionRow | undefined,
  endpoints: CloudEndpoints,
  clientSecret: string | undefined,
): void {
  if (clientSecret || !stored?.client_secret_encrypted) return;
  const moved = movedEndpoints(stored, endpoints);
  if (moved.length === 0) return;
  throw Problem.badRequest(
    'client_secret_required',
    `Changing ${moved.join(' and ')} needs the client secret again, in the same request.`,
    { errors: [{ path: 'body.clientSecret', message: `is needed again to change ${moved.join(' and ')}` }] },
  );
}

function movedEndpoints(stored: ConnectionRow, endpoints: CloudEndpoints): EndpointField[] {
  const moved: EndpointField[] = [];
  if (endpoints.authorityHost !== stored.authority_host) moved.push('authorityHost');
  if (endpoints.graphBaseUrl !== stored.graph_base_url) moved.push('graphBaseUrl');
  return moved;
}

/** The names of the settings a save changed, for the audit trail (the secret only as replaced). */
export function changedFields(
  before: ConnectionRow | undefined,
  after: ConnectionRow,
  secretReplaced: boolean,
): string[] {
  const pairs: Array<[string, unknown, unknown]> = [
    ['tenantId', before?.tenant_id, after.tenant_id],
    ['clientId', before?.client_id, after.client_id],
    ['authorityHost', before?.authority_host, after.authority_host],
    ['graphBaseUrl', before?.graph_base_url, after.graph_base_url],
    ['mapping', JSON.stringify(before?.mapping), JSON.stringify(after.mapping)],
  ];
  const changed = pairs.filter(([, was, is]) => was !== is).map(([field]) => field);
  return secretReplaced ? [...changed, 'clientSecret'] : changed;
}
