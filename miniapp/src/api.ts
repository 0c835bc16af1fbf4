// Calls to /miniapp/api/* with the page's sign-in header. A 401/403 is told apart (not signed
// in / not a team member) so the page can say which.
import type { Board, ContactCard, Me, Mine, TeamFigures } from './types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(detail);
  }
}

export function apiClient(headers: Record<string, string>, base = './api') {
  async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
    const res = await fetch(`${base}${path}`, {
      ...init,
      headers: { ...headers, ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string> | undefined) },
    });
    if (!res.ok) {
      let detail = res.statusText;
      try {
        detail = ((await res.json()) as { detail?: string }).detail ?? detail;
      } catch {
        // not JSON: keep the status text
      }
      throw new ApiError(res.status, detail);
    }
    return (await res.json()) as T;
  }
  return {
    me: () => call<Me>('/me'),
    board: (pipeline?: number) => call<Board>(pipeline ? `/board?pipeline=${pipeline}` : '/board'),
    move: (dealId: number, stageId: number) =>
      call<{ id: number; stageId: number; status: string }>(`/deals/${dealId}/move`, { method: 'POST', body: JSON.stringify({ stageId }) }),
    mine: () => call<Mine>('/mine'),
    contact: (id: number) => call<ContactCard>(`/contacts/${id}`),
    team: () => call<TeamFigures>('/team'),
  };
}
export type Api = ReturnType<typeof apiClient>;
