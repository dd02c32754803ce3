/**
 * Remote-only lookups (nothing the local store keeps), through TanStack Query: one query
 * factory per feature, key and fetcher together, and the one client they share. The client is
 * made on first use by the views that ask (Settings' server info), not by the app's provider: so
 * TanStack Query loads with those views and not on the start page (issue #12).
 */
import { QueryClient, queryOptions } from '@tanstack/react-query';
import { advertisedExtensions } from '#shared/api/index';
import type { Platform } from '#shared/ipc/platform';

export interface CrmInfo {
  /** Extensions the CRM advertises (idempotency, etag, updated-since, users-me); empty for a plain CRM. */
  extensions: string[];
  api: string | null;
}

let client: QueryClient | undefined;

/** The remote lookups' QueryClient (one per page, made on first use). */
export function remoteQueryClient(): QueryClient {
  client ??= new QueryClient({ defaultOptions: { queries: { retry: 1, staleTime: 60_000 } } });
  return client;
}

export const crmQueries = {
  info: (platform: Platform, baseUrl: string) =>
    queryOptions({
      queryKey: ['crm', baseUrl, 'info'],
      queryFn: async (): Promise<CrmInfo> => {
        const res = await platform.transport.request({ method: 'GET', path: '/', timeoutMs: 10_000 });
        let api: string | null = null;
        try {
          const body = JSON.parse(res.body) as { data?: { api?: unknown } };
          api = typeof body.data?.api === 'string' ? body.data.api : null;
        } catch {
          // A CRM without a JSON root page is fine: we only lose the description.
        }
        return { extensions: advertisedExtensions(res) ?? [], api };
      },
      staleTime: 5 * 60_000,
    }),
};
