/** A tRPC mutation as a browser or curl would send it, for tests that assert on status codes and error messages. */
export interface TrpcAnswer {
  status: number;
  /** The error's tRPC code (`FORBIDDEN`, `TOO_MANY_REQUESTS`…), when it failed. */
  code?: string;
  message?: string;
  data?: unknown;
  /** `name=value` of the session cookie it set, if any. */
  session?: string;
}

export async function trpcPost(baseUrl: string, path: string, input: unknown, headers: Record<string, string> = {}): Promise<TrpcAnswer> {
  const res = await fetch(`${baseUrl}/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(input) });
  const body = (await res.json()) as { result?: { data?: unknown }; error?: { message: string; data?: { code?: string } } };
  const cookie = res.headers.get('set-cookie');
  return {
    status: res.status,
    code: body.error?.data?.code,
    message: body.error?.message,
    data: body.result?.data,
    session: cookie?.startsWith('vigia_session=') && !cookie.startsWith('vigia_session=;') ? cookie.split(';')[0] : undefined,
  };
}
